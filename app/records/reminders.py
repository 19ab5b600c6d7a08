"""``flask records remind``: staff are reminded 3 and 7 days after a meeting whose record is
still unpublished. Idempotent and safe on several hosts: a reminder is claimed by inserting the
unique (occurrence, days) row with ``ON CONFLICT DO NOTHING`` in the same transaction as its mail.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.database import insert_ignoring
from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.records.models import MeetingRecord, RecordReminder
from app.records.notifications import mail_record_reminder

REMINDER_DAYS = (3, 7)
# Meetings that ended longer ago than this are never reminded about (e.g. on the first run).
LOOKBACK_DAYS = 30


@dataclass
class RemindResult:
    reminders: int = 0
    mails: int = 0


def due_stage(ends_at: datetime, now: datetime) -> int | None:
    """The latest reminder stage that is due (only that one is sent when a run was missed)."""
    stages = [days for days in REMINDER_DAYS if now >= ends_at + timedelta(days=days)]
    return max(stages) if stages else None


def recipients(series: MeetingSeries) -> list[User]:
    """The series' creator when they are active staff; otherwise every active staff member."""
    creator = db.session.get(User, series.created_by_id) if series.created_by_id else None
    if creator is not None and creator.active and creator.is_staff:
        return [creator]
    return list(db.session.scalars(select(User).where(User.role == "staff", User.active.is_(True))
                                   .order_by(User.id)))


def send_reminders(now: datetime | None = None) -> RemindResult:
    """Send the due reminders; each occurrence in its own short transaction."""
    now = now or utcnow()
    result = RemindResult()
    candidates = db.session.execute(
        select(MeetingOccurrence.id, MeetingOccurrence.ends_at)
        .join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
        .outerjoin(MeetingRecord, MeetingRecord.occurrence_id == MeetingOccurrence.id)
        .where(MeetingOccurrence.status == "scheduled", MeetingSeries.status == "published",
               MeetingOccurrence.ends_at <= now - timedelta(days=min(REMINDER_DAYS)),
               MeetingOccurrence.ends_at > now - timedelta(days=LOOKBACK_DAYS),
               MeetingRecord.published_at.is_(None))
        .order_by(MeetingOccurrence.ends_at, MeetingOccurrence.id)).all()
    db.session.commit()
    for occurrence_id, ends_at in candidates:
        stage = due_stage(ends_at, now)
        if stage is None:
            continue
        claimed = db.session.execute(
            insert_ignoring(RecordReminder).values(occurrence_id=occurrence_id, days=stage, sent_at=now, recipients=0)
            .on_conflict_do_nothing(index_elements=["occurrence_id", "days"])
            .returning(RecordReminder.id)).scalar()
        if claimed is None:
            db.session.rollback()
            continue  # another run (or host) sent this one
        occurrence = db.session.get(MeetingOccurrence, occurrence_id)
        people = recipients(occurrence.series)
        for user in people:
            mail_record_reminder(user, occurrence, stage)
        db.session.get(RecordReminder, claimed).recipients = len(people)
        db.session.commit()
        result.reminders += 1
        result.mails += len(people)
    return result
