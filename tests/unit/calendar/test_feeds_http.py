"""The feed endpoints over HTTP: headers, conditional requests, caching, 404s, tokens, pages."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from flask_babel import force_locale, gettext

from app.accounts.models import User
from app.calendar import feeds, tokens
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries

UTC = timezone.utc
START = datetime(2027, 3, 2, 17, 0)  # Tuesdays, across the end of March 2027 (DST)


def _personal_url(app, user) -> str:
    with app.test_request_context():
        return f"/calendar/u/{tokens.personal_feed_token(db.session.get(User, user.id))}.ics"


def _count_serialisations(monkeypatch) -> dict[str, int]:
    calls = {"build_calendar": 0, "serialize_event": 0}
    for name in calls:
        original = getattr(feeds, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(feeds, name, counting)
    return calls


def test_meetings_feed_headers(make, client):
    series = make.series(start_local=START, rrule="FREQ=WEEKLY;COUNT=4", occurrences=4)
    response = client.get("/calendar/meetings.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="meetings.ics"'
    assert response.headers["ETag"] == '"%s"' % hashlib.sha256(response.data).hexdigest()
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.last_modified is not None
    assert response.last_modified <= datetime.now(UTC) + timedelta(seconds=1)
    assert series.uid.encode() in response.data and b"RRULE:FREQ=WEEKLY;COUNT=4" in response.data
    assert b"METHOD:PUBLISH" in response.data


def test_304_on_etag_and_date_without_serialising(make, client, monkeypatch):
    make.series(start_local=START, rrule="FREQ=WEEKLY;COUNT=4", occurrences=4)
    first = client.get("/calendar/meetings.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    calls = _count_serialisations(monkeypatch)

    again = client.get("/calendar/meetings.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag  # Werkzeug drops Last-Modified from a 304 (RFC 9110 allows it)
    assert client.get("/calendar/meetings.ics", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/calendar/meetings.ics", headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert calls == {"build_calendar": 0, "serialize_event": 0}

    # A stale ETag wins over a current date (RFC 9110: If-None-Match decides when present).
    stale = client.get("/calendar/meetings.ics", headers={"If-None-Match": '"old"', "If-Modified-Since": modified})
    assert stale.status_code == 200 and stale.data == first.data
    assert calls == {"build_calendar": 0, "serialize_event": 0}  # served from the cache
    older = (first.last_modified - timedelta(seconds=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get("/calendar/meetings.ics", headers={"If-Modified-Since": older}).status_code == 200


def test_a_change_rebuilds_only_the_changed_series(make, app, client, monkeypatch):
    a = make.series(start_local=START, rrule="FREQ=WEEKLY;COUNT=4", occurrences=4)
    make.series(start_local=START, rrule="FREQ=WEEKLY;COUNT=4", occurrences=4)
    first = client.get("/calendar/meetings.ics")
    calls = _count_serialisations(monkeypatch)
    with app.app_context():
        occurrence = db.session.scalars(db.select(MeetingOccurrence).filter_by(series_id=a.id)
                                        .order_by(MeetingOccurrence.starts_at)).all()[1]
        occurrence.status = "cancelled"
        occurrence.sequence += 1
        db.session.commit()
    second = client.get("/calendar/meetings.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert b"EXDATE;TZID=Europe/Helsinki:20270309T170000" in second.data
    assert calls == {"build_calendar": 1, "serialize_event": 1}  # the other series came from the cache


def test_a_registration_does_not_invalidate_the_public_feed(make, app, client, monkeypatch):
    series = make.series(start_local=START, rrule="FREQ=WEEKLY;COUNT=4", occurrences=4)
    user = make.user()
    first = client.get("/calendar/meetings.ics")
    personal = client.get(_personal_url(app, user))
    calls = _count_serialisations(monkeypatch)
    # seats_taken and updated_at change
    make.registration(make.occurrences(series)[1], user_id=user.id, email=user.email)
    again = client.get("/calendar/meetings.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and calls["build_calendar"] == 0
    changed = client.get(_personal_url(app, user), headers={"If-None-Match": personal.headers["ETag"]})
    assert changed.status_code == 200 and changed.data.count(b"BEGIN:VEVENT") == 1


def test_deleted_and_unpublished_series_change_the_feed(make, app, client):
    a = make.series(start_local=START, rrule="FREQ=WEEKLY;COUNT=2", occurrences=2)
    b = make.series(start_local=START, rrule="FREQ=WEEKLY;COUNT=2", occurrences=2)
    first = client.get("/calendar/meetings.ics")
    with app.app_context():
        db.session.delete(db.session.get(MeetingSeries, a.id))
        db.session.commit()
    second = client.get("/calendar/meetings.ics")
    assert a.uid.encode() not in second.data and b.uid.encode() in second.data
    assert second.headers["ETag"] != first.headers["ETag"]
    with app.app_context():
        db.session.get(MeetingSeries, b.id).status = "draft"
        db.session.commit()
    assert b.uid.encode() not in client.get("/calendar/meetings.ics").data


@pytest.mark.parametrize("feed", ["meetings", "series", "personal"])
def test_query_count_does_not_grow_with_the_data(make, app, client, count_queries, feed):
    user = make.user()

    def add(n: int) -> MeetingSeries | None:
        last = None
        for i in range(n):
            last = make.series(start_local=START + timedelta(days=i), rrule="FREQ=WEEKLY;COUNT=3", occurrences=3)
            occurrences = make.occurrences(last)
            make.registration(occurrences[0], user_id=user.id, email=user.email)
            make.registration(occurrences[1], user_id=user.id, email=user.email, status="waitlisted")
            with app.app_context():
                row = db.session.get(MeetingOccurrence, occurrences[2].id)
                row.moved, row.starts_at, row.ends_at = True, row.starts_at + timedelta(hours=1), row.ends_at + timedelta(hours=1)
                db.session.commit()
        return last

    def count() -> int:
        feeds.clear_caches()
        url = {"meetings": "/calendar/meetings.ics", "series": f"/calendar/series/{last.id}.ics",
               "personal": _personal_url(app, user)}[feed]
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    last = add(2)
    small = count()
    last = add(18)
    assert count() == small
    assert small <= 6  # a series feed also reads its earlier segments (split at effective_from)


def test_calendars_page_query_count_and_links(make, client, count_queries):
    make.space()
    make.series(title_fi="Ensimmäinen sarja")

    def count() -> int:
        with count_queries() as counter:
            assert client.get("/calendar/").status_code == 200
        return counter.count

    small = count()
    for _ in range(18):
        make.series()
    make.series(status="draft", title_fi="Luonnos")
    assert count() == small
    page = client.get("/calendar/").get_data(as_text=True)
    assert "Ensimmäinen sarja" in page and "Luonnos" not in page
    assert page.count('href="webcal://kohtaamo.test/calendar/series/') == 19
    assert 'href="webcal://kohtaamo.test/calendar/meetings.ics?lang=fi"' in page
    assert 'href="webcal://kohtaamo.test/calendar/spaces/' in page


def test_subscribe_macro_renders_every_option(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% from "calendar/_subscribe.html" import subscribe_links %}'
            '{{ subscribe_links("https://kohtaamo.hel.fi/calendar/series/7.ics?lang=sv", name="Möte & co") }}')
        html = template.render()
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert "webcal://kohtaamo.hel.fi/calendar/series/7.ics?lang=sv" in hrefs
    google = next(h for h in hrefs if h.startswith("https://calendar.google.com/calendar/render?cid="))
    assert unquote(google.split("cid=", 1)[1]) == "webcal://kohtaamo.hel.fi/calendar/series/7.ics?lang=sv"
    outlook = next(h for h in hrefs if h.startswith("https://outlook.live.com/calendar/0/addfromweb?"))
    query = parse_qs(urlsplit(outlook.replace("&amp;", "&")).query)
    assert query == {"url": ["https://kohtaamo.hel.fi/calendar/series/7.ics?lang=sv"], "name": ["Möte & co"]}
    assert "https://kohtaamo.hel.fi/calendar/series/7.ics?lang=sv" in hrefs  # plain download
    field_id = re.search(r'<input id="([^"]+)" type="url"[^>]*readonly', html).group(1)
    assert f'<label for="{field_id}">' in html
    assert f'data-copy-target="{field_id}"' in html and " hidden>" in html  # shown by JS only
    assert "js/calendar-copy.js" in html


def test_lang_parameter_and_unknown_language(make, client):
    make.series(title_fi="Kokous", title_sv="Möte", title_en="Meeting", rrule="FREQ=WEEKLY;COUNT=2", occurrences=2)
    assert b"SUMMARY:M\xc3\xb6te" in client.get("/calendar/meetings.ics?lang=sv").data
    assert b"SUMMARY:Meeting" in client.get("/calendar/meetings.ics?lang=en").data
    default = client.get("/calendar/meetings.ics?lang=xx")
    assert default.status_code == 200 and b"SUMMARY:Kokous" in default.data
    assert b"NAME;LANGUAGE=fi:" in default.data


def test_not_public_is_404(make, app, client):
    draft = make.series(status="draft", occurrences=2)
    draft_occurrence = make.occurrences(draft)[0]
    for url in ["/calendar/series/999999.ics", f"/calendar/series/{draft.id}.ics",
                "/calendar/occurrences/999999.ics", f"/calendar/occurrences/{draft_occurrence.id}.ics",
                "/calendar/spaces/999999.ics", "/calendar/u/1.abc.ics", "/calendar/u/nonsense.ics"]:
        assert client.get(url).status_code == 404, url


def test_cancelled_series_feed_is_empty_not_gone(make, client):
    series = make.series(status="cancelled", rrule="FREQ=WEEKLY;COUNT=2", occurrences=2)
    response = client.get(f"/calendar/series/{series.id}.ics")
    assert response.status_code == 200 and b"BEGIN:VEVENT" not in response.data
    occurrence = make.occurrences(series)[0]
    single = client.get(f"/calendar/occurrences/{occurrence.id}.ics")
    assert single.status_code == 200 and b"STATUS:CANCELLED" in single.data


def test_cancelled_one_off_meeting_is_left_out(make, app, client):
    kept = make.occurrence()
    gone = make.occurrence()
    with app.app_context():
        db.session.get(MeetingOccurrence, gone.id).status = "cancelled"
        db.session.commit()
    data = client.get("/calendar/meetings.ics").data
    assert data.count(b"BEGIN:VEVENT") == 1
    with app.app_context():
        assert db.session.get(MeetingOccurrence, kept.id).series.uid.encode() in data


def test_personal_feed_on_profile_renew_revokes(make, app, client, login):
    user = make.user()
    occurrence = make.occurrence()
    make.registration(occurrence, user_id=user.id, email=user.email)
    login(user)
    page = client.get("/profile").get_data(as_text=True)
    url = _personal_url(app, user)
    assert f"http://kohtaamo.test{url}?lang=fi" in page
    assert "webcal://kohtaamo.test" + url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert b"BEGIN:VEVENT" in response.data

    csrf = re.search(r'action="/calendar/feed/renew".*?name="csrf_token" value="([^"]+)"', page, re.S).group(1)
    ask = client.post("/calendar/feed/renew", data={"csrf_token": csrf})  # a confirmation page first
    assert ask.status_code == 200 and 'name="confirm" value="1"' in ask.get_data(as_text=True)
    assert client.get(url).status_code == 200
    renewed = client.post("/calendar/feed/renew", data={"csrf_token": csrf, "confirm": "1"})
    assert renewed.status_code == 302 and "/profile" in renewed.headers["Location"]
    assert client.get(url).status_code == 404
    new_url = _personal_url(app, user)
    assert new_url != url and client.get(new_url).status_code == 200
    assert new_url in client.get("/profile").get_data(as_text=True)


def test_renew_needs_login_and_csrf(make, client, login, app):
    assert client.post("/calendar/feed/renew").status_code == 302  # to the login page
    user = make.user()
    url = _personal_url(app, user)
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/calendar/feed/renew").status_code == 400  # no CSRF token: refused
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert client.get(url).status_code == 200


def test_inactive_users_feed_is_404(make, app, client):
    user = make.user()
    url = _personal_url(app, user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get(url).status_code == 404


def test_space_feed_public_and_staff(make, app, client):
    org = make.organization(name="Salainen Yhdistys ry")
    space = make.space()
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    make.booking(space, soon, title="Maija Mäkisen syntymäpäivät", organization_id=org.id, notes="Avain: 1234")
    make.booking(space, soon + timedelta(days=1), status="cancelled", title="Peruttu")
    make.booking(space, soon - timedelta(days=400), title="Muinainen")

    public = client.get(f"/calendar/spaces/{space.id}.ics?lang=en")
    assert public.status_code == 200 and public.headers["Cache-Control"] == "public, max-age=300"
    assert public.data.count(b"BEGIN:VEVENT") == 1
    assert b"SUMMARY:Booked" in public.data
    for secret in (b"Maija", b"Salainen", b"Avain", b"Peruttu", b"Muinainen", b"DESCRIPTION:"):
        assert secret not in public.data
    with app.test_request_context(), force_locale("fi"):
        booked_fi = gettext("Booked").encode()
    assert b"SUMMARY:" + booked_fi in client.get(f"/calendar/spaces/{space.id}.ics").data

    staff, ngo = make.user("staff"), make.user("ngo")
    with app.app_context():
        signed = tokens.space_staff_token(db.session.get(User, staff.id), space.id)
    for token in (signed,):
        detailed = client.get(f"/calendar/spaces/{space.id}.ics", query_string={"token": token})
        assert detailed.status_code == 200, token
        assert "Maija Mäkisen syntymäpäivät".encode() in detailed.data and b"Salainen Yhdistys ry" in detailed.data
        assert detailed.headers["Cache-Control"] == "private, max-age=300"
        assert b"Peruttu" not in detailed.data
    for token in ("nonsense", make.token(ngo), make.token(staff), signed + "x"):
        assert client.get(f"/calendar/spaces/{space.id}.ics", query_string={"token": token}).status_code == 404


def test_space_feed_range_is_bounded(make, client):
    space = make.space()
    make.booking(space, datetime(2027, 1, 10, 10, tzinfo=UTC), title="A")
    make.booking(space, datetime(2029, 1, 10, 10, tzinfo=UTC), title="B")
    wide = client.get(f"/calendar/spaces/{space.id}.ics?from=2027-01-01&to=2099-01-01")
    assert wide.status_code == 200 and wide.data.count(b"BEGIN:VEVENT") == 1  # at most 400 days
    assert client.get(f"/calendar/spaces/{space.id}.ics?from=2029-01-01&to=2029-02-01").data.count(
        b"BEGIN:VEVENT") == 1
    assert client.get(f"/calendar/spaces/{space.id}.ics?from=tomorrow").status_code == 400


def test_footer_links_to_calendars(client):
    assert 'href="/calendar/"' in client.get("/").get_data(as_text=True)


def test_feeds_do_not_take_the_sqlite_write_lock(make, app, client, count_queries):
    make.series(rrule="FREQ=WEEKLY;COUNT=2", occurrences=2)
    with count_queries() as counter:
        assert client.get("/calendar/meetings.ics").status_code == 200
    begins = [s for s in counter.statements if s.upper().startswith("BEGIN")]
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        assert begins == ["BEGIN"]  # deferred: readers and writers go on meanwhile (WAL)
    else:
        assert not [s for s in begins if "IMMEDIATE" in s.upper()]


def test_staff_see_signed_space_links_on_the_calendars_page(make, app, client, login):
    space = make.space()
    make.booking(space, datetime.now(UTC).replace(microsecond=0) + timedelta(days=2), title="Sisäinen koulutus")
    assert "token=" not in client.get("/calendar/").get_data(as_text=True)
    login(make.user("ngo"))
    assert "token=" not in client.get("/calendar/").get_data(as_text=True)
    login(make.user("staff"))
    page = client.get("/calendar/").get_data(as_text=True)
    link = re.search(r'value="http://kohtaamo\.test(/calendar/spaces/\d+\.ics\?[^"]*token=[^"]+)"', page).group(1)
    detailed = client.get(link.replace("&amp;", "&"))
    assert detailed.status_code == 200 and b"Sis\xc3\xa4inen koulutus" in detailed.data
