"""Public pages cached for anonymous visitors, keyed by the content version: edits show at once."""
from __future__ import annotations

from datetime import datetime, timezone

from app.core.page_cache import PAGES
from app.extensions import db
from app.meetings import registrations
from app.meetings.models import MeetingOccurrence, MeetingSeries


def test_a_new_series_shows_at_once(client, make):
    assert "Verkosto" not in client.get("/").get_data(as_text=True)
    series = make.series(occurrences=1)
    assert series.title_fi in client.get("/").get_data(as_text=True)
    assert series.title_fi in client.get("/meetings").get_data(as_text=True)


def test_free_seats_follow_registrations(app, client, make):
    occurrence = make.occurrence(capacity=5)
    assert "Vapaita paikkoja: 5" in client.get("/meetings", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    with app.app_context():
        registrations.register(db.session.get(MeetingOccurrence, occurrence.id),
                               registrations.RegistrationData(name="Maija", email="m@example.org", seats=2,
                                                              consent=True), now=datetime.now(timezone.utc))
        db.session.commit()
    assert "Vapaita paikkoja: 3" in client.get("/meetings", headers={"Accept-Language": "fi"}).get_data(as_text=True)


def test_each_language_is_its_own_page(client, make):
    make.series(occurrences=1, title_sv="Nätverksträff X", title_en="Network meeting X")
    fi = client.get("/meetings", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    sv = client.get("/meetings", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    en = client.get("/meetings?lang=en").get_data(as_text=True)
    assert "Nätverksträff X" in sv and "Nätverksträff X" not in fi and "Network meeting X" in en


def test_etag_and_304(client, make):
    make.series(occurrences=1)
    first = client.get("/")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make.series(occurrences=1)
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_cache_hit_is_one_query(client, make, count_queries):
    make.series(occurrences=3)
    client.get("/meetings")
    with count_queries() as counter:
        assert client.get("/meetings").status_code == 200
    # No page rendering: only the session check (the user's session version, which logout and a
    # password reset bump) and the versions read, the latter on a pooled DBAPI connection of its own.
    assert counter.count <= 2


def test_logged_in_pages_are_not_cached(client, make, login):
    user = make.user("ngo")
    make.series(occurrences=1)
    PAGES.clear()
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "csrf_token" in page  # the logout form: personal, never shared
    assert not PAGES.data
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_flashed_messages_are_not_cached(app, client, make):
    make.series(occurrences=1)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Tallennettu juuri nyt")]
    assert "Tallennettu juuri nyt" in client.get("/").get_data(as_text=True)
    assert "Tallennettu juuri nyt" not in client.get("/").get_data(as_text=True)


def test_a_draft_series_page_is_not_public(app, client, make):
    series = make.series(occurrences=1)
    assert client.get(f"/meetings/{series.id}").status_code == 200
    with app.app_context():
        db.session.get(MeetingSeries, series.id).status = "draft"
        db.session.commit()
    assert client.get(f"/meetings/{series.id}").status_code == 404


def test_staff_pages_are_kept_per_person_and_follow_edits(app, client, make, login):
    from app.accounts.models import Organization, User

    staff = make.user("staff")
    org = make.organization(name="Alfa ry")
    login(staff)
    assert "Alfa ry" in client.get("/organizations/").get_data(as_text=True)
    with app.app_context():
        db.session.get(Organization, org.id).name = "Beta ry"
        db.session.commit()
    page = client.get("/organizations/").get_data(as_text=True)
    assert "Beta ry" in page and "Alfa ry" not in page
    other = app.test_client()
    assert other.get("/organizations/").status_code == 302  # anonymous: still the login redirect
    with app.app_context():
        db.session.get(User, staff.id).role = "ngo"
        db.session.commit()
    assert client.get("/organizations/").status_code == 403  # the role change is checked at once


def test_api_lists_are_kept_per_token_and_follow_revocation(app, client, make):
    from app.accounts.models import ApiToken

    headers = make.auth("staff")
    make.organization(name="Alfa ry")
    first = client.get("/api/v1/organizations", headers=headers)
    assert first.status_code == 200 and [o["name"] for o in first.get_json()] == ["Alfa ry"]
    assert client.get("/api/v1/organizations", headers=headers).get_json() == first.get_json()
    assert client.get("/api/v1/organizations").status_code == 401
    assert client.get("/api/v1/organizations", headers={"Authorization": "Bearer kht_wrong"}).status_code == 401
    make.organization(name="Gamma ry", email="g@example.org", district=None)
    assert len(client.get("/api/v1/organizations", headers=headers).get_json()) == 2
    with app.app_context():
        db.session.scalar(db.select(ApiToken)).revoked_at = datetime.now(timezone.utc)
        db.session.commit()
    assert client.get("/api/v1/organizations", headers=headers).status_code == 401


def test_staff_list_hit_sends_no_orm_statement(app, client, make, login, count_queries):
    login(make.user("staff"))
    make.series(occurrences=1)
    client.get("/meetings/manage")  # creates the session's CSRF secret (the logout form): not kept
    client.get("/meetings/manage")
    with count_queries() as counter:
        assert client.get("/meetings/manage").status_code == 200
    # No page rendering: only the session check (the user's session version, which logout and a
    # password reset bump) and the versions read, the latter on a pooled DBAPI connection of its own.
    assert counter.count <= 2
