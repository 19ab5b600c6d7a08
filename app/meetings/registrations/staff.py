"""Staff's tools for a date's registrations: attendance and a message to everyone registered."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.audit import audit
from app.core.auth import require_staff
from app.core.types import utcnow
from app.core.validation import ErrorCollector
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.meetings import notifications
from app.meetings.models import ATTENDANCE, MeetingOccurrence, Registration
from app.meetings.registrations.listings import occurrence_registrations
from app.meetings.statuses import LIVE_REGISTRATION, OccurrenceStatus, RegistrationStatus

MAX_SUBJECT = 200
MAX_BODY = 10000


def attendance_open(occurrence: MeetingOccurrence, now: datetime) -> bool:
    """Attendance is a fact only once a held meeting has started."""
    return occurrence.status == OccurrenceStatus.SCHEDULED and occurrence.starts_at <= now


def set_attendance(occurrence: MeetingOccurrence, marks: dict[int, str | None], *, actor: Any,
                   now: datetime | None = None) -> int:
    """Record present / no-show (or clear it) for confirmed registrations; returns how many changed."""
    require_staff(actor)
    now = now or utcnow()
    if not attendance_open(occurrence, now):
        raise ValidationError(_l("Attendance can be marked once the meeting has started (%(start)s).",
                                 start=format_datetime(occurrence.starts_at, "d.M.yyyy HH.mm")),
                              field="attendance", code="not_started")
    if any(value not in (None, *ATTENDANCE) for value in marks.values()):
        raise ValidationError(_l("Unknown attendance value."), field="attendance")
    registrations = {r.id: r for r in db.session.scalars(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   Registration.status == RegistrationStatus.CONFIRMED, Registration.id.in_(list(marks))))}
    changed = 0
    for registration_id, value in marks.items():
        registration = registrations.get(registration_id)
        if registration is None:
            raise NotFound(_l("The registration was not found."))
        if registration.attendance != value:
            registration.attendance = value
            registration.updated_at = now
            changed += 1
    db.session.flush()
    if changed:
        audit(actor, "registration.attendance", "occurrence", occurrence.id, changed=changed)
    return changed


def message_registrants(occurrence: MeetingOccurrence, subject: str, body: str, *, actor: Any,
                        include_waitlist: bool = True, now: datetime | None = None) -> int:
    """One outbox mail per live registrant (each in their language's frame); audited. Returns the count."""
    require_staff(actor)
    subject, body = (subject or "").strip(), (body or "").strip()
    _check_message(subject, body)
    statuses = LIVE_REGISTRATION if include_waitlist else (RegistrationStatus.CONFIRMED,)
    registrations = [r for r in occurrence_registrations(occurrence) if r.status in statuses]
    for registration in registrations:
        notifications.staff_message(registration, subject, body)
    audit(actor, "registration.message", "occurrence", occurrence.id, recipients=len(registrations),
          subject=subject)
    return len(registrations)



def _check_message(subject: str, body: str) -> None:
    errors = ErrorCollector()
    if not subject:
        errors.add("subject", _l("Enter a subject."))
    elif len(subject) > MAX_SUBJECT:
        errors.add("subject", _l("At most %(n)d characters.", n=MAX_SUBJECT))
    if not body:
        errors.add("body", _l("Enter a message."))
    elif len(body) > MAX_BODY:
        errors.add("body", _l("At most %(n)d characters.", n=MAX_BODY))
    errors.raise_if_any()
