"""``flask reminders send``: each confirmed registrant is reminded once before each meeting date.

Due: a confirmed registration of a scheduled date of a published series whose
``reminder_hours_before`` is set, when the date starts within that many hours and has not started.
Cancelled dates, cancelled (or waitlisted) registrations and dates already begun get nothing; a run
missed for a while still reminds a date that has not started.

Claimed like the other jobs: the unique (registration, start) ``MeetingReminder`` row is inserted
with ``ON CONFLICT DO NOTHING`` in the same transaction as the mail, so two hosts never both send
it. A date moved to another time is reminded again for its new time.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.subscriptions import notifications
from app.subscriptions.announcements import insert_ignoring_duplicates
from app.subscriptions.models import MeetingReminder

MAX_LEAD = timedelta(hours=336)  # the longest reminder_hours_before allowed


def due(now: datetime) -> list[tuple[int, int, datetime]]:
    """(registration id, occurrence id, start) of every reminder due and not yet sent."""
    sent = select(MeetingReminder.id).where(MeetingReminder.registration_id == Registration.id,
                                            MeetingReminder.starts_at == MeetingOccurrence.starts_at)
    rows = db.session.execute(
        select(Registration.id, MeetingOccurrence.id, MeetingOccurrence.starts_at,
               MeetingSeries.reminder_hours_before)
        .join(MeetingOccurrence, MeetingOccurrence.id == Registration.occurrence_id)
        .join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
        .where(Registration.status == "confirmed", Registration.anonymised_at.is_(None),
               MeetingOccurrence.status == "scheduled", MeetingSeries.status == "published",
               MeetingSeries.reminder_hours_before.is_not(None),
               MeetingOccurrence.starts_at > now, MeetingOccurrence.starts_at <= now + MAX_LEAD,
               ~sent.exists())
        .order_by(MeetingOccurrence.starts_at, Registration.id)).all()
    return [(r[0], r[1], r[2]) for r in rows if r[2] - timedelta(hours=r[3]) <= now]


def send_reminders(now: datetime) -> int:
    """Send every due reminder, one short transaction each; returns how many this run sent."""
    pending = due(now)
    db.session.commit()
    dialect = db.session.get_bind().dialect.name
    sent = 0
    for registration_id, occurrence_id, starts_at in pending:
        claimed = db.session.execute(
            insert_ignoring_duplicates(dialect, MeetingReminder)
            .values(registration_id=registration_id, occurrence_id=occurrence_id, starts_at=starts_at, sent_at=now)
            .on_conflict_do_nothing(index_elements=["registration_id", "starts_at"])
            .returning(MeetingReminder.id)).scalar()
        if claimed is None:
            db.session.rollback()
            continue
        registration = db.session.get(Registration, registration_id, populate_existing=True)
        occurrence = registration.occurrence
        # Still as it was when listed? (cancelled or moved in between: nothing now; a move is reminded anew)
        if (registration.status != "confirmed" or occurrence.status != "scheduled"
                or occurrence.starts_at != starts_at):
            db.session.rollback()
            continue
        notifications.send_reminder(registration)
        db.session.commit()
        sent += 1
    return sent
