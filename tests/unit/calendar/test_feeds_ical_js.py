"""Every feed, as served over HTTP, read by ical.js (an independent parser) and compared with the
database, occurrence by occurrence in UTC: series crossing the last Sundays of October and March,
a cancelled date (gone), a moved one (at its new time), a skipped public holiday, one-off meetings.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.accounts.models import User
from app.calendar import tokens
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries
from tests.unit.calendar.conftest import assert_wellformed
from tests.unit.calendar.test_ical_clients import ical_js

UTC = timezone.utc
HEL = ZoneInfo("Europe/Helsinki")
LONG_TEXT = ("Yhteistyökokous: järjestöjen ja kaupungin ajankohtaiset asiat – välkommen även på svenska! "
             "Ääkköset, €-merkit ja emojit 🎉 taittuvat oikein; pilkut, puolipisteet ja \\ kenoviivat.")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.fixture
def scenario(make, app):
    """Series and registrations; returns what the tests compare against."""
    user = make.user()
    # Tuesdays 17:00 from 5 Oct 2027: across 31 Oct 2027 (EEST→EET) and 26 Mar 2028 (EET→EEST).
    dst = make.series(start_local=datetime(2027, 10, 5, 17), rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=30",
                      occurrences=30, title_fi="Syyskauden verkosto", title_sv="Nätverket",
                      description_fi=LONG_TEXT)
    monthly = make.series(start_local=datetime(2028, 1, 11, 9, 30), rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
                          occurrences=6, title_fi="Kuukausikokous – ÄÖÅ " + "pitkä otsikko " * 6)
    holiday = make.series(start_local=datetime(2027, 11, 29, 12), rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
                          occurrences=4, skip_holidays=True)
    one_off = make.series(start_local=datetime(2027, 11, 15, 10), occurrences=1)
    cancelled_one_off = make.series(start_local=datetime(2027, 11, 16, 10), occurrences=1)
    draft = make.series(start_local=datetime(2027, 11, 17, 10), occurrences=2, status="draft")

    with app.app_context():
        rows = {s.id: db.session.scalars(db.select(MeetingOccurrence).filter_by(series_id=s.id)
                                         .order_by(MeetingOccurrence.starts_at)).all()
                for s in (dst, monthly, holiday, one_off, cancelled_one_off, draft)}
        a = rows[dst.id]
        a[4].status = "cancelled"  # 2 Nov 2027, the first Tuesday after the October change
        a[4].sequence = 1
        moved_to = datetime(2027, 11, 17, 18, tzinfo=HEL)  # 16 Nov → Wednesday 17 Nov at 18:00
        a[6].starts_at, a[6].ends_at = moved_to, moved_to + timedelta(hours=2)
        a[6].moved, a[6].sequence = True, 1
        a[25].status = "cancelled"  # 28 Mar 2028, just after the March change
        rows[cancelled_one_off.id][0].status = "cancelled"
        # The meetings service does not materialise a skipped holiday (6 Dec 2027, Independence Day).
        independence_day = [o for o in rows[holiday.id] if o.starts_at.astimezone(HEL).date().isoformat()
                            == "2027-12-06"]
        assert len(independence_day) == 1
        db.session.delete(independence_day[0])
        db.session.commit()
        ids = {name: [o.id for o in rows[s.id]] for name, s in
               [("dst", dst), ("monthly", monthly), ("one_off", one_off), ("draft", draft)]}

    make.registration(_occ(app, ids["dst"][1]), user_id=user.id, email=user.email)
    make.registration(_occ(app, ids["dst"][6]), user_id=user.id, email=user.email, status="waitlisted")  # the moved one
    make.registration(_occ(app, ids["dst"][4]), user_id=user.id, email=user.email)  # cancelled occurrence
    make.registration(_occ(app, ids["dst"][2]), user_id=user.id, email=user.email, status="cancelled")
    make.registration(_occ(app, ids["monthly"][0]), user_id=user.id, email=user.email)
    make.registration(_occ(app, ids["one_off"][0]), user_id=user.id, email=user.email)
    make.registration(_occ(app, ids["draft"][0]), user_id=user.id, email=user.email)
    make.registration(_occ(app, ids["monthly"][1]), email="someone.else@example.org")
    return {"user": user, "series": {"dst": dst, "monthly": monthly, "holiday": holiday, "one_off": one_off,
                                     "cancelled_one_off": cancelled_one_off, "draft": draft}, "ids": ids}


def _occ(app, occurrence_id: int) -> MeetingOccurrence:
    with app.app_context():
        row = db.session.get(MeetingOccurrence, occurrence_id)
        db.session.expunge(row)
        return row


def database_occurrences(app, series_ids) -> list[tuple[str, str, str]]:
    """(uid, start, end) of every live occurrence of the given series, from the database."""
    with app.app_context():
        rows = db.session.execute(
            db.select(MeetingSeries.uid, MeetingOccurrence.starts_at, MeetingOccurrence.ends_at)
            .join(MeetingOccurrence.series).where(MeetingSeries.id.in_(series_ids),
                                                 MeetingOccurrence.status != "cancelled")).all()
    return sorted((uid, iso(start), iso(end)) for uid, start, end in rows)


def parsed(data: bytes) -> list[dict]:
    assert_wellformed(data)
    return ical_js(data, limit=400)


def triples(occurrences: list[dict]) -> list[tuple[str, str, str]]:
    return sorted((o["uid"], o["start"], o["end"]) for o in occurrences)


def test_all_meetings_feed_matches_the_database(scenario, app, client):
    data = client.get("/calendar/meetings.ics").data
    got = parsed(data)
    s = scenario["series"]
    listed = [s["dst"].id, s["monthly"].id, s["holiday"].id, s["one_off"].id]
    assert triples(got) == database_occurrences(app, listed)
    assert {o["status"] for o in got} == {"CONFIRMED"}
    assert {o["tzid"] for o in got} == {"Europe/Helsinki"}
    assert s["draft"].uid not in {o["uid"] for o in got}
    assert s["cancelled_one_off"].uid not in {o["uid"] for o in got}

    dst = sorted(o["start"] for o in got if o["uid"] == s["dst"].uid)
    assert dst[:4] == ["2027-10-05T14:00:00.000Z", "2027-10-12T14:00:00.000Z", "2027-10-19T14:00:00.000Z",
                       "2027-10-26T14:00:00.000Z"]  # 17:00 EEST
    assert "2027-11-02T15:00:00.000Z" not in dst  # cancelled (EXDATE)
    assert "2027-11-09T15:00:00.000Z" in dst  # 17:00 EET
    assert "2027-11-16T15:00:00.000Z" not in dst and "2027-11-17T16:00:00.000Z" in dst  # moved
    assert "2028-03-21T15:00:00.000Z" in dst and "2028-03-28T14:00:00.000Z" not in dst
    assert "2028-04-04T14:00:00.000Z" in dst  # 17:00 EEST again
    holiday_days = [o["start"][:10] for o in got if o["uid"] == s["holiday"].uid]
    assert "2027-12-06" not in holiday_days and len(holiday_days) == 3

    text = data.decode()
    assert "EXDATE;TZID=Europe/Helsinki:20271102T170000" in text
    assert "RECURRENCE-ID;TZID=Europe/Helsinki:20271116T170000" in text


def test_series_feed_matches_the_database(scenario, app, client):
    s = scenario["series"]["dst"]
    got = parsed(client.get(f"/calendar/series/{s.id}.ics?lang=sv").data)
    assert triples(got) == database_occurrences(app, [s.id])
    assert {o["summary"] for o in got} == {"Nätverket"}


def test_personal_feed_matches_the_registrations(scenario, app, client):
    user = scenario["user"]
    with app.test_request_context():
        token = tokens.personal_feed_token(db.session.get(User, user.id))
    data = client.get(f"/calendar/u/{token}.ics").data
    got = parsed(data)
    ids = scenario["ids"]
    expected_ids = [ids["dst"][1], ids["dst"][6], ids["monthly"][0], ids["one_off"][0]]
    with app.app_context():
        expected = sorted((f"occurrence-{o.id}-{o.series.uid}", iso(o.starts_at), iso(o.ends_at))
                          for o in (db.session.get(MeetingOccurrence, i) for i in expected_ids))
    assert triples(got) == expected
    status = {o["start"]: o["status"] for o in got}
    assert status["2027-11-17T16:00:00.000Z"] == "TENTATIVE"  # waitlisted, at its moved time
    assert status["2027-10-12T14:00:00.000Z"] == "CONFIRMED"
    assert b"someone.else" not in data and b"ATTENDEE" not in data


def test_occurrence_feed(scenario, app, client):
    moved = scenario["ids"]["dst"][6]
    got = parsed(client.get(f"/calendar/occurrences/{moved}.ics").data)
    assert [(o["start"], o["end"], o["status"]) for o in got] == [
        ("2027-11-17T16:00:00.000Z", "2027-11-17T18:00:00.000Z", "CONFIRMED")]
    one_off = scenario["ids"]["one_off"][0]
    assert [o["start"] for o in parsed(client.get(f"/calendar/occurrences/{one_off}.ics").data)] == [
        "2027-11-15T08:00:00.000Z"]


def test_space_feeds_public_and_staff(make, app, client):
    space = make.space(name="Meri-Rastilan asukastila – ÄÖ")
    org = make.organization()
    starts = [datetime(2027, 3, 27, 16, tzinfo=UTC), datetime(2027, 3, 29, 16, tzinfo=UTC),
              datetime(2027, 10, 30, 20, tzinfo=UTC), datetime(2027, 11, 1, 7, tzinfo=UTC)]
    for i, start in enumerate(starts):
        make.booking(space, start, title=f"Varaus {i} – Mäkinen", organization_id=org.id)
    make.booking(space, datetime(2027, 6, 1, 7, tzinfo=UTC), status="cancelled")
    staff = make.user("staff")
    expected = sorted((iso(s), iso(s + timedelta(hours=2))) for s in starts)
    window = "from=2027-03-01&to=2027-12-31"

    public = parsed(client.get(f"/calendar/spaces/{space.id}.ics?{window}&lang=en").data)
    assert sorted((o["start"], o["end"]) for o in public) == expected
    assert {o["summary"] for o in public} == {"Booked"}

    with app.app_context():
        token = tokens.space_staff_token(db.session.get(User, staff.id), space.id)
    detailed = parsed(client.get(f"/calendar/spaces/{space.id}.ics?{window}&token={token}").data)
    assert sorted((o["start"], o["end"]) for o in detailed) == expected
    assert {o["summary"] for o in detailed} == {f"Varaus {i} – Mäkinen" for i in range(4)}


def test_folding_never_splits_utf8(scenario, client):
    data = client.get("/calendar/meetings.ics").data
    assert_wellformed(data)
    unfolded = data.replace(b"\r\n ", b"").decode()
    assert "ÄÖÅ" in unfolded and "🎉" in unfolded
    assert any(len(line) == 75 for line in data.split(b"\r\n"))  # long lines were really folded
