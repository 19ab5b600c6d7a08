"""Guidance appointments in GDPR requests (export and erasure) and retention.

The source is registered here (app/core/personal_data.py); the privacy package collects it.

Erasure cancels the person's upcoming appointments (the slot is free again, no mail to the person
being erased) and anonymises the rest: name, email, free-text organisation and question are
removed, the manage link stops working; the time, the guidance hour and the registry organisation
stay, so the cooperation report's counts do not change.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, literal, select, update

from app.core.audit import audit
from app.extensions import db
from app.guidance.events import organisation_of
from app.guidance.models import GuidanceAppointment
from app.core.personal_data import PersonalDataSource, iso, register_source
from app.core.personal_data import placeholder_email as _placeholder
from app.guidance.statuses import AppointmentStatus


def placeholder_email(appointment_id: int) -> str:
    return _placeholder("guidance", appointment_id)


def _rows(subject: Any) -> list[GuidanceAppointment]:
    # By address: an appointment booked for someone else is theirs (see app/meetings/privacy.py).
    email = (subject.email or "").strip().lower()
    return list(db.session.scalars(select(GuidanceAppointment).where(
        func.lower(GuidanceAppointment.email) == email, GuidanceAppointment.anonymised_at.is_(None))
        .order_by(GuidanceAppointment.id)))


def export(subject: Any) -> list[dict[str, Any]]:
    return [{"id": a.id, "guidance_hour": a.guidance_hour.title_fi, "start": iso(a.starts_at), "end": iso(a.ends_at),
             "status": a.status, "name": a.name, "email": a.email, "organisation": organisation_of(a) or None,
             "question": a.question, "created_at": iso(a.created_at), "cancelled_at": iso(a.cancelled_at)}
            for a in _rows(subject)]


def anonymise(row: GuidanceAppointment, *, now: datetime) -> None:
    """Remove the personal data of one appointment; an upcoming one is cancelled first (slot freed)."""
    if row.status == AppointmentStatus.BOOKED and row.starts_at > now:
        row.status = AppointmentStatus.CANCELLED
        row.cancelled_at = now
        row.sequence += 1
    row.name = ""
    row.email = placeholder_email(row.id)
    row.organization_name = None
    row.question = None
    row.user_id = None
    row.manage_secret = ""
    row.anonymised_at = now
    row.updated_at = now


def erase(subject: Any, *, actor: Any, now: datetime) -> int:
    rows = _rows(subject)
    for row in rows:
        anonymise(row, now=now)
    if getattr(subject, "user", None) is not None:  # booked for others: theirs, without the booker
        db.session.execute(update(GuidanceAppointment).where(GuidanceAppointment.user_id == subject.user.id)
                           .values(user_id=None).execution_options(synchronize_session=False))
    db.session.flush()
    return len(rows)


register_source(PersonalDataSource("guidance_appointments", export, erase, order=15))


def anonymise_expired(now: datetime, retention_days: int) -> int:
    """Anonymise appointments that ended more than ``retention_days`` ago, in one UPDATE (idempotent)."""
    a = GuidanceAppointment
    placeholder = literal("guidance-") + cast(a.id, String) + literal("@anonymised.invalid")
    count = db.session.execute(
        update(a).where(a.anonymised_at.is_(None), a.ends_at < now - timedelta(days=retention_days))
        .values(name="", email=placeholder, organization_name=None, question=None, user_id=None,
                manage_secret="", anonymised_at=now, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount or 0
    if count:
        audit(None, "privacy.anonymise_expired", "guidance_appointment", "-", count=count,
              retention_days=retention_days)
    return count
