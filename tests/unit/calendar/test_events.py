"""The mapping from meetings to iCalendar events."""
from datetime import datetime

from app.meetings.calendar_events import occurrence_event, series_event
from app.scheduling.ical import build_calendar
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.meetings.tokens import registration_from_token, registration_token


def test_series_event_has_exdates_overrides_and_holiday_exdates(make, app):
    series = make.series(start_local=datetime(2026, 12, 1, 17, 0), rrule="FREQ=WEEKLY;COUNT=6",
                         occurrences=6, skip_holidays=True)
    with app.app_context():
        s = db.session.get(MeetingSeries, series.id)
        occ = s.occurrences
        occ[1].status = "cancelled"
        occ[2].moved = True
        occ[2].sequence = 1
        event = series_event(s, occ, lang="fi")
        assert event.exdates[0] == datetime(2026, 12, 8, 17, 0)  # the rule's wall time
        assert [o.recurrence_id for o in event.overrides] == [datetime(2026, 12, 15, 17, 0)]
        assert event.overrides[0].sequence == s.sequence + 1
        text = build_calendar([event], name="t").decode()
        assert "RRULE:FREQ=WEEKLY;COUNT=6" in text and "EXDATE;TZID=Europe/Helsinki:20261208T170000" in text


def test_holidays_become_exdates(make, app):
    # Thursdays from 2026-12-03: Christmas Eve 2026-12-24 is a Thursday and a holiday in FI.
    series = make.series(start_local=datetime(2026, 12, 3, 10, 0), rrule="FREQ=WEEKLY;COUNT=5",
                         occurrences=5, skip_holidays=True)
    with app.app_context():
        s = db.session.get(MeetingSeries, series.id)
        event = series_event(s, s.occurrences, lang="fi")
        assert [d.date().isoformat() for d in event.exdates] == ["2026-12-24"]


def test_occurrence_event_is_a_standalone_date_with_summed_sequence(make, app):
    series = make.series(occurrences=2, sequence=3)
    with app.app_context():
        occurrence = db.session.get(MeetingSeries, series.id).occurrences[1]
        occurrence.sequence = 2
        event = occurrence_event(occurrence, lang="sv")
        assert event.recurrence_id is None  # valid on its own
        assert event.sequence == 5
        assert event.uid == f"occurrence-{occurrence.id}-{series.uid}"
        assert event.organizer == ("kohtaamo@hel.fi", "Kohtaamo")
        assert event.url.endswith(f"/meetings/occurrences/{occurrence.id}")


def test_single_meeting_is_not_detached(make, app):
    occurrence = make.occurrence()
    with app.app_context():
        row = db.session.get(MeetingOccurrence, occurrence.id)
        assert occurrence_event(row, lang="fi").recurrence_id is None


def test_manage_token_round_trip_and_tampering(make, app):
    occurrence = make.occurrence()
    registration = make.registration(occurrence)
    with app.test_request_context():
        row = db.session.get(Registration, registration.id)
        token = registration_token(row)
        assert registration_from_token(token).id == row.id
        assert registration_from_token(token[:-2] + "xx") is None
        assert registration_from_token("garbage") is None
        row.manage_secret = "0" * 32
        assert registration_from_token(token) is None


def test_registration_invitation_request_and_cancel(make, app):
    from app.meetings.invitations import registration_invitation

    occurrence = make.occurrence()
    registration = make.registration(occurrence, name="Maija Meikäläinen", email="maija@example.org")
    with app.app_context():
        row = db.session.get(Registration, registration.id)
        request = registration_invitation(row).decode()
        cancel = registration_invitation(row, "CANCEL").decode()
    assert "METHOD:REQUEST" in request and "ATTENDEE;" in request and "maija@example.org" in request
    assert "ORGANIZER;CN=Kohtaamo:mailto:kohtaamo@hel.fi" in request
    assert "METHOD:CANCEL" in cancel and "STATUS:CANCELLED" in cancel
