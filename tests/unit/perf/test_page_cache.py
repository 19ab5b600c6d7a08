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
    statements = [s for s in counter.statements if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))]
    assert len(statements) == 1 and "content_versions" in statements[0]


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
