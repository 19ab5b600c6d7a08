"""Reminders before meetings: once per registration and date, only when due, never for what was
cancelled or has begun; the series' reminder_hours_before (default 24, None = none)."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.subscriptions.reminders import send_reminders
from tests.unit.subscriptions.helpers import outbox


def _remind(app, now):
    with app.app_context():
        return send_reminders(now)


def test_one_reminder_when_due_in_the_registrants_language(app, make):
    occurrence = make.occurrence(title_fi="Verkostoilta", title_sv="Nätverkskväll", online_url="https://meet.example/x",
                                 description_sv="Vi pratar om lokaler.")
    registration = make.registration(occurrence, locale="sv", name="Greta")
    start = occurrence.starts_at
    assert _remind(app, start - timedelta(hours=25)) == 0  # not yet
    assert _remind(app, start - timedelta(hours=23)) == 1
    assert _remind(app, start - timedelta(hours=23)) == 0
    assert _remind(app, start - timedelta(hours=1)) == 0
    [mail] = outbox(app, "meeting_reminder")
    assert mail.recipient == registration.email and "Nätverkskväll" in mail.subject
    text = mail.text_body
    assert "https://meet.example/x" in text and "Vi pratar om lokaler." in text
    assert f"/calendar/occurrences/{occurrence.id}.ics" in text and "/registrations/manage/" in text
    local = start.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Helsinki"))
    assert f"{local.day}.{local.month}.{local.year} {local.hour}.{local.minute:02d}" in text  # 4.12.2026 17.00


def test_cancelled_waitlisted_past_and_switched_off_get_nothing(app, make):
    occurrence = make.occurrence()
    make.registration(occurrence, status="cancelled")
    make.registration(occurrence, status="waitlisted")
    cancelled_date = make.occurrence()
    make.registration(cancelled_date)
    off = make.occurrence(reminder_hours_before=None)
    make.registration(off)
    with app.app_context():
        db.session.get(MeetingOccurrence, cancelled_date.id).status = "cancelled"
        db.session.commit()
    assert _remind(app, occurrence.starts_at - timedelta(hours=2)) == 0
    begun = make.occurrence()
    make.registration(begun)
    assert _remind(app, begun.starts_at + timedelta(minutes=1)) == 0
    assert outbox(app) == []


def test_the_series_setting_and_a_moved_date(app, make):
    occurrence = make.occurrence(reminder_hours_before=72)
    make.registration(occurrence)
    start = occurrence.starts_at
    assert _remind(app, start - timedelta(hours=73)) == 0
    assert _remind(app, start - timedelta(hours=71)) == 1
    with app.app_context():  # moved two days later: reminded again for the new time
        row = db.session.get(MeetingOccurrence, occurrence.id)
        row.starts_at += timedelta(days=2)
        row.ends_at += timedelta(days=2)
        db.session.commit()
    assert _remind(app, start - timedelta(hours=70)) == 0
    assert _remind(app, start + timedelta(days=2) - timedelta(hours=71)) == 1


def test_agenda_from_the_meeting_record_is_included(app, make):
    occurrence = make.occurrence(description_fi="Kuvaus")
    make.registration(occurrence)
    make.record(occurrence, agenda={"fi": "1. Avaus\n2. Tilat"})
    assert _remind(app, occurrence.starts_at - timedelta(hours=2)) == 1
    [mail] = outbox(app, "meeting_reminder")
    assert "1. Avaus" in mail.text_body and "Kuvaus" not in mail.text_body


def test_series_column_default_and_cleaning(app, make):
    from app.core.types import utcnow
    from app.errors import ValidationError
    from app.meetings.services import clean_series_data

    series = make.series()
    with app.app_context():
        assert db.session.get(MeetingSeries, series.id).reminder_hours_before == 24
        base = {"title_fi": "T", "start_local": "2027-01-05T17:00", "duration_minutes": 60, "capacity": 5,
                "location": "Katu 1"}
        assert clean_series_data(base, now=utcnow())["reminder_hours_before"] == 24
        assert clean_series_data(dict(base, reminder_hours_before=None), now=utcnow())["reminder_hours_before"] is None
        assert clean_series_data(dict(base, reminder_hours_before="48"), now=utcnow())["reminder_hours_before"] == 48
        for bad in (0, 337, "x", True):
            try:
                clean_series_data(dict(base, reminder_hours_before=bad), now=utcnow())
            except ValidationError as error:
                assert "reminder_hours_before" in error.fields
            else:
                raise AssertionError(bad)
    # cancelled registration made later does not matter
    assert Registration
