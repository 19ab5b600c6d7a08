"""iMIP invitations of a registration (app/meetings/invitations.py), read back by ical.js, and the
whole path through the outbox to a real SMTP server."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.extensions import db
from app.mail import services as mail
from app.meetings.invitations import registration_invitation
from app.meetings.models import MeetingOccurrence, Registration
from tests.unit.calendar.conftest import assert_wellformed
from tests.unit.calendar.test_ical_clients import ical_js

UTC = timezone.utc
HEL = ZoneInfo("Europe/Helsinki")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def props(data: bytes) -> dict[str, list[str]]:
    """Unfolded content lines by property name (with parameters), e.g. {"SEQUENCE": ["2"]},
    outside the VTIMEZONE (whose own DTSTART and RRULE lines are not the event's)."""
    out: dict[str, list[str]] = {}
    in_zone = False
    for line in data.decode().replace("\r\n ", "").split("\r\n"):
        in_zone = (in_zone or line == "BEGIN:VTIMEZONE") and line != "END:VTIMEZONE"
        name, sep, value = line.partition(":")
        if sep and not in_zone:
            out.setdefault(name, []).append(value)
    return out


def invitation(app, registration_id: int, method: str) -> bytes:
    with app.app_context():
        data = registration_invitation(db.session.get(Registration, registration_id), method)
    assert_wellformed(data)
    return data


def _series_occurrence(make, app, index=1):
    series = make.series(start_local=datetime(2027, 10, 5, 17), rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
                         occurrences=6, title_fi="Verkosto", title_sv="Nätverket")
    return series, make.occurrences(series)[index]


def test_request_on_confirmation(make, app):
    series, occurrence = _series_occurrence(make, app)
    registration = make.registration(occurrence, name="Maija Mäkinen", email="maija@example.org", locale="sv")
    data = invitation(app, registration.id, "REQUEST")
    p = props(data)
    assert p["METHOD"] == ["REQUEST"]
    assert p["UID"] == [f"occurrence-{occurrence.id}-{series.uid}"]  # the date's own identity
    assert "RECURRENCE-ID;TZID=Europe/Helsinki" not in p  # valid on its own, no series needed
    assert p["ORGANIZER;CN=Kohtaamo"] == ["mailto:kohtaamo@hel.fi"]
    assert p["ATTENDEE;CN=Maija Mäkinen;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE"] == [
        "mailto:maija@example.org"]
    assert p["SUMMARY"] == ["Nätverket"]  # the registrant's language
    assert "RRULE" not in p
    [seen] = ical_js(data)
    assert (seen["uid"], seen["start"], seen["end"], seen["status"]) == (
        f"occurrence-{occurrence.id}-{series.uid}", iso(occurrence.starts_at), iso(occurrence.ends_at), "CONFIRMED")


def test_update_after_a_move_keeps_uid_and_raises_sequence(make, app):
    series, occurrence = _series_occurrence(make, app)
    registration = make.registration(occurrence)
    before = props(invitation(app, registration.id, "REQUEST"))
    new_start = datetime(2027, 10, 13, 18, tzinfo=HEL)
    with app.app_context():
        row = db.session.get(MeetingOccurrence, occurrence.id)
        row.starts_at, row.ends_at = new_start, new_start + timedelta(hours=2)
        row.moved, row.sequence = True, row.sequence + 1
        db.session.commit()
    data = invitation(app, registration.id, "REQUEST")
    after = props(data)
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"][0]) > int(before["SEQUENCE"][0])
    assert after["DTSTART;TZID=Europe/Helsinki"] == ["20271013T180000"]
    assert after["DTSTAMP"][0] >= before["DTSTAMP"][0]
    [seen] = ical_js(data)
    assert seen["start"] == "2027-10-13T15:00:00.000Z"


def test_cancel_of_a_registration(make, app):
    series, occurrence = _series_occurrence(make, app)
    registration = make.registration(occurrence)
    request = props(invitation(app, registration.id, "REQUEST"))
    with app.app_context():
        db.session.get(Registration, registration.id).status = "cancelled"
        db.session.commit()
    data = invitation(app, registration.id, "CANCEL")
    p = props(data)
    assert p["METHOD"] == ["CANCEL"] and p["STATUS"] == ["CANCELLED"]
    assert p["UID"] == request["UID"]
    assert int(p["SEQUENCE"][0]) >= int(request["SEQUENCE"][0])  # clients drop a CANCEL older than they know
    assert any("PARTSTAT=DECLINED" in name for name in p)
    [seen] = ical_js(data)
    assert seen["status"] == "CANCELLED" and seen["start"] == iso(occurrence.starts_at)


def test_cancel_of_an_occurrence(make, app):
    series, occurrence = _series_occurrence(make, app, index=3)
    registration = make.registration(occurrence)
    request = props(invitation(app, registration.id, "REQUEST"))
    with app.app_context():
        row = db.session.get(MeetingOccurrence, occurrence.id)
        row.status, row.sequence = "cancelled", row.sequence + 1
        db.session.commit()
    data = invitation(app, registration.id, "CANCEL")
    p = props(data)
    assert p["METHOD"] == ["CANCEL"] and p["STATUS"] == ["CANCELLED"]
    assert p["UID"] == request["UID"]
    assert p["DTSTART;TZID=Europe/Helsinki"] == ["20271026T170000"]  # 17:00 EEST, before the change
    assert int(p["SEQUENCE"][0]) > int(request["SEQUENCE"][0])
    [seen] = ical_js(data)
    assert seen["status"] == "CANCELLED" and seen["start"] == "2027-10-26T14:00:00.000Z"


def test_one_off_meeting_and_waiting_list(make, app):
    occurrence = make.occurrence(start_local=datetime(2027, 11, 2, 9, 0))  # after the October change
    waiting = make.registration(occurrence, status="waitlisted")
    data = invitation(app, waiting.id, "REQUEST")
    p = props(data)
    assert "RECURRENCE-ID;TZID=Europe/Helsinki" not in p and "RRULE" not in p
    assert p["STATUS"] == ["TENTATIVE"] and any("PARTSTAT=TENTATIVE" in name for name in p)
    [seen] = ical_js(data)
    assert seen["start"] == "2027-11-02T07:00:00.000Z" and seen["status"] == "TENTATIVE"


def test_outbox_mail_with_invitation_over_smtp(make, app, smtp_server):
    _series, occurrence = _series_occurrence(make, app)
    registration = make.registration(occurrence, email="maija@example.org")

    class Person:
        display_name = "Maija"

    with app.app_context():
        ics = registration_invitation(db.session.get(Registration, registration.id), "REQUEST")
        mail.enqueue("maija@example.org", "password_reset", ics=ics, ics_method="REQUEST", user=Person(),
                     link="http://kohtaamo.test/x")
        db.session.commit()
        assert mail.deliver_due() == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html", "text/calendar"]
    calendar = parts[2]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    body = calendar.get_payload(decode=True)
    assert body == ics  # byte for byte: CRLF and folding survive the transfer encoding
    assert re.search(rb"\r\nMETHOD:REQUEST\r\n", body)
    assert_wellformed(body)
    [seen] = ical_js(body)
    assert seen["start"] == iso(occurrence.starts_at)
