"""Input no column can hold is refused cleanly (found by fuzzing; each was a 500 on PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Organization
from app.extensions import db


def test_nul_in_json_string_is_422_and_nothing_written(app, client, make):
    response = client.post("/api/v1/organizations", headers=make.auth("staff"),
                           json={"name": "Seura\x00 ry", "email": "seura@example.org"})
    assert response.status_code == 422 and "name" in response.json["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Organization.id))) == 0


def test_nul_in_ignored_extra_field_is_harmless(client, make):
    response = client.post("/api/v1/organizations", headers=make.auth("staff"),
                           json={"name": "Seura ry", "email": "seura@example.org", "extra\x00": "\x00"})
    assert response.status_code == 201


def test_nul_in_query_path_or_form_is_400(client, make, login):
    login(make.user("staff"))
    assert client.get("/organizations/?q=a%00b").status_code == 400
    assert client.get("/privacy/registration/abc%00def").status_code == 400
    response = client.post("/organizations/new", data={"name": "A\x00", "email": "a@example.org"})
    assert response.status_code == 400 and 'name="name"' not in response.get_data(as_text=True)
    api = client.get("/api/v1/organizations?x=%00", headers=make.auth("ngo"))
    assert api.status_code == 400 and api.json["error"] == "malformed"


def test_huge_ids_in_urls_are_404(client, make, login):
    login(make.user("staff"))
    assert client.get("/organizations/99999999999999999999").status_code == 404
    assert client.get(f"/organizations/{2**31}/edit").status_code == 404
    assert client.post(f"/profile/tokens/{2**40}/revoke").status_code == 404


def test_huge_integers_in_json_are_422(client, make):
    from app.api.core import _unstorable_values

    assert _unstorable_values({"capacity": 2**31, "ok": 5, "nested": [{"n": -(2**40)}], "flag": True}) == {
        "capacity": ["The number is too large."], "nested.0.n": ["The number is too large."]}
    assert _unstorable_values({"a": "x\x00"}) and not _unstorable_values({"a": "ok", "b": None})
