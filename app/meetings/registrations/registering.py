"""Registering a person for a date: confirmed when the seats fit, otherwise on the waiting list."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.audit import audit
from app.core.types import utcnow
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.meetings import notifications
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.registrations.capacity import _take_seats, lock_occurrence
from app.meetings.registrations.input import RegistrationData
from app.meetings.registrations.window import _check_open
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus
from app.meetings.tokens import new_manage_secret


def duplicate_error() -> Conflict:
    """The one message for a second live registration by the same email (checked or raced)."""
    return Conflict(_l("This email address is already registered for this meeting. "
                       "Use the link in your confirmation email to manage the registration."),
                    field="email", code="duplicate")


def register(occurrence: MeetingOccurrence, data: RegistrationData, *, actor: Any = None,
             now: datetime | None = None) -> Registration:
    """Register ``data`` for ``occurrence``: confirmed when the seats fit, otherwise waitlisted
    (or ``Conflict("full")`` when the series has no waiting list). Mails the person in this
    transaction: a confirmation with an iCalendar REQUEST, or a waiting-list notice."""
    now = now or utcnow()
    series = occurrence.series
    _check_open(occurrence, now)
    if data.seats > series.max_seats_per_registration:
        raise ValidationError(_l("At most %(n)d seats per registration.", n=series.max_seats_per_registration),
                              field="seats")
    if data.seats > occurrence.capacity:
        raise ValidationError(_l("At most %(n)d seats per registration.", n=occurrence.capacity),
                              field="seats")
    if db.session.scalar(select(Registration.id).where(Registration.occurrence_id == occurrence.id,
                                                       Registration.email == data.email,
                                                       Registration.status != RegistrationStatus.CANCELLED)):
        raise duplicate_error()
    try:
        with db.session.begin_nested():
            confirmed = _take_seats(occurrence.id, data.seats, fifo=series.waitlist)
            if not confirmed:
                # Serialise with cancellations before joining the queue, then try once more: a
                # cancellation that committed meanwhile may have freed the seats.
                locked = lock_occurrence(occurrence.id)
                if locked.status != OccurrenceStatus.SCHEDULED:
                    raise Conflict(_l("This meeting is cancelled; registration is not possible."),
                                   code="closed")
                confirmed = _take_seats(occurrence.id, data.seats, fifo=series.waitlist)
            if not confirmed and not series.waitlist:
                raise Conflict(_l("The meeting is full."), code="full")
            registration = Registration(
                occurrence_id=occurrence.id, user_id=data.user_id, name=data.name, email=data.email,
                organization_id=data.organization_id, organization_name=data.organization_name,
                seats=data.seats, status=(RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED).value, needs=data.needs,
                show_on_participant_list=data.show_on_participant_list,
                consent_at=now if data.consent else None, locale=data.locale, manage_secret=new_manage_secret(),
                created_at=now, updated_at=now)
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        # The partial unique index caught a concurrent second registration by the same email.
        raise duplicate_error() from None
    db.session.refresh(occurrence, ["seats_taken"])
    audit(actor, "registration.create", "registration", registration.id,
          occurrence_id=occurrence.id, status=registration.status, seats=registration.seats)
    notifications.registration_received(registration)
    return registration

