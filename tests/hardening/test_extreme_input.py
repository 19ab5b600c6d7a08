"""Well-formed extreme input gets a 4xx, never a 500 (issue 11, item 4); the fuzz tests in
tests/fuzz/test_extreme_inputs.py drive every route and field, these name the cases."""
from __future__ import annotations

import pytest

from app.extensions import db


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "9999-12-31T23:59:59+14:00"])
def test_extreme_dates_in_api_queries_are_422(client, make, value):
    occurrence = make.occurrence()
    for name in ("from", "to"):
        response = client.get(f"/api/v1/series/{occurrence.series_id}/occurrences", query_string={name: value})
        assert response.status_code == 422 and name in response.json["fields"], response.json
    report = client.get("/api/v1/reports/cooperation", query_string={"to": value}, headers=make.auth("staff"))
    assert report.status_code == 422


def test_extreme_dates_in_pages_and_forms(app, client, make, login):

    space = make.space()
    login(make.user("staff"))
    assert client.get(f"/spaces/{space.id}?week=9999-12-31").status_code == 200  # this week instead
    assert client.get(f"/calendar/spaces/{space.id}.ics?from=9999-12-31").status_code == 400
    response = client.get("/reports/cooperation?lang=en&to=9999-12-31")
    assert response.status_code == 400 and "between the years 1900 and 2199" in response.get_data(as_text=True)


def test_extreme_date_in_a_json_body_is_422(client, make):
    body = {"title": {"fi": "Kokous"}, "start": "9999-12-31T23:00", "duration_minutes": 120, "capacity": 5,
            "location": "Kallio"}
    response = client.post("/api/v1/series", json=body, headers=make.auth("staff"))
    assert response.status_code == 422


@pytest.mark.parametrize("page", [str(2**64), str(2**70), "99999999999999999999999"])
def test_page_numbers_beyond_64_bits(client, make, login, page):
    login(make.user("staff"))
    for path in ("/meetings", "/organizations/", "/feedback/", "/topics/", "/booking-requests/"):
        assert client.get(path, query_string={"page": page}).status_code == 200, path


@pytest.mark.parametrize("token", ["١٢.abc", "１.abc", f"{2**40}.abc", f"{2**31}.abc", "99999999999999999999.x"])
def test_unicode_digits_and_huge_ids_in_feed_tokens_are_404(client, token):
    assert client.get(f"/calendar/u/{token}.ics").status_code == 404


def test_unicode_digits_or_huge_ids_in_a_session_are_logged_out(app, make):
    user = make.user("ngo")
    for session_id in (f"{user.id}:١", f"{2**40}:1", "١:1"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        assert client.get("/profile").status_code == 302


def test_deeply_nested_json_is_400(client, make):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/organizations", data=body, content_type="application/json",
                           headers=make.auth("staff"))
    assert response.status_code == 400 and response.json["error"] == "malformed"


def test_huge_ids_in_form_keys_are_refused(app, client, make, login):
    login(make.user("staff"))
    occurrence = make.occurrence()
    form = {"name": "Maija", "email": "maija@example.org", "organization_id": str(2**40), "organization_name": "",
            "seats": "1", "needs": "", "consent": "y"}
    assert client.post(f"/meetings/occurrences/{occurrence.id}", data=form).status_code in (302, 400)
    anonymous = app.test_client()
    assert anonymous.post(f"/meetings/occurrences/{occurrence.id}", data=form).status_code == 400


def test_over_long_unbounded_fields_are_refused(client, make, login):
    login(make.user("staff"))
    response = client.post("/organizations/new", data={"name": "Yhdistys", "email": "y@example.org",
                                                      "website": "https://example.org/" + "a" * 400})
    assert response.status_code == 400
