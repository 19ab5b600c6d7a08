"""``flask guidance remind``: one reminder per appointment, however often and on however many hosts
the job runs.

Each due appointment is claimed with a conditional ``UPDATE ... SET reminder_sent_at = :now WHERE
id = :id AND reminder_sent_at IS NULL``: of two hosts running at once, the second one's UPDATE
waits for the first one's row lock (PostgreSQL) or write lock (SQLite, ``BEGIN IMMEDIATE``) and
then matches no row, so it sends nothing. The mail goes into the outbox in the same transaction
as the claim, so a crash between the two is impossible. Moving an appointment clears the mark:
the new time gets its own reminder.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.guidance import notifications
from app.guidance.models import GuidanceAppointment, GuidanceHour
from app.guidance.statuses import AppointmentStatus, HourStatus

# The longest reminder lead time allowed (GuidanceHour.reminder_range), used to bound the scan.
MAX_LEAD = timedelta(hours=336)


def due_ids(now: datetime) -> list[int]:
    """Appointments whose reminder time has come and that have not been reminded."""
    rows = db.session.execute(
        select(GuidanceAppointment.id, GuidanceAppointment.starts_at, GuidanceHour.reminder_hours_before)
        .join(GuidanceHour, GuidanceHour.id == GuidanceAppointment.guidance_hour_id)
        .where(GuidanceAppointment.status == AppointmentStatus.BOOKED, GuidanceAppointment.reminder_sent_at.is_(None),
               GuidanceAppointment.starts_at > now, GuidanceAppointment.starts_at <= now + MAX_LEAD,
               GuidanceHour.reminder_hours_before.is_not(None), GuidanceHour.status == HourStatus.PUBLISHED)
        .order_by(GuidanceAppointment.starts_at, GuidanceAppointment.id)).all()
    return [row.id for row in rows if row.starts_at - timedelta(hours=row.reminder_hours_before) <= now]


def send_due_reminders(now: datetime) -> int:
    """Send every due reminder, one short transaction each; returns how many this run sent."""
    sent = 0
    ids = due_ids(now)
    db.session.commit()
    for appointment_id in ids:
        claimed = db.session.execute(
            update(GuidanceAppointment)
            .where(GuidanceAppointment.id == appointment_id, GuidanceAppointment.reminder_sent_at.is_(None),
                   GuidanceAppointment.status == AppointmentStatus.BOOKED)
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if claimed == 1:
            appointment = db.session.get(GuidanceAppointment, appointment_id, populate_existing=True)
            notifications.send_reminder(appointment)
            sent += 1
        db.session.commit()
    return sent
