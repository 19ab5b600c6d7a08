"""Cancelling a registration and moving the waiting list up (strict FIFO, see ``capacity``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.audit import audit
from app.core.types import utcnow
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.meetings import notifications
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.registrations.capacity import _release_seats, _take_seats, lock_occurrence
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus


def can_cancel(registration: Registration, actor: Any) -> bool:
    """Staff, or the registrant (their account, or an API user with the registration's email)."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        return False
    if getattr(actor, "is_staff", False):
        return True
    return (registration.user_id is not None and registration.user_id == actor.id) \
        or (registration.email or "") == (getattr(actor, "email", "") or "").lower()


def cancel_registration(registration: Registration, *, actor: Any = None, now: datetime | None = None,
                        by_token: bool = False, notify: bool = True) -> list[Registration]:
    """Cancel a registration, free its seats and promote the waiting list; returns the promoted.

    ``actor`` must be allowed (:func:`can_cancel`) unless the person used their manage link
    (``by_token``). Cancelling twice is refused so the second click cannot mail again.
    """
    now = now or utcnow()
    if not by_token and not can_cancel(registration, actor):
        raise Forbidden(_l("You cannot cancel this registration."))
    occurrence = lock_occurrence(registration.occurrence_id)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict(_l("This registration is already cancelled."), code="already_cancelled")
    if occurrence.starts_at <= now and not getattr(actor, "is_staff", False):
        # After the start a cancellation frees nothing useful and would blur the attendance figures.
        raise Conflict(_l("The meeting has already started; the registration can no longer be cancelled."),
                       code="closed")
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED.value
    registration.cancelled_at = now
    registration.updated_at = now
    db.session.flush()
    if was_confirmed:
        _release_seats(occurrence.id, registration.seats)
    audit(actor, "registration.cancel", "registration", registration.id, occurrence_id=occurrence.id,
          seats=registration.seats, by_token=by_token or None)
    if notify:
        notifications.registration_cancelled(registration)
    return promote_waitlist(occurrence, actor=actor, now=now, locked=True)


def promote_waitlist(occurrence: MeetingOccurrence, *, actor: Any = None, now: datetime | None = None,
                     locked: bool = False) -> list[Registration]:
    """Confirm waiting registrations in FIFO order while their seats fit; stop at the first that
    does not (strict order, see the module docstring). Mails each promoted person an invitation.

    Also for the series side, e.g. after a capacity increase. Locks the occurrence unless the
    caller already did.
    """
    now = now or utcnow()
    if not locked:
        occurrence = lock_occurrence(occurrence.id)
    if occurrence.status != OccurrenceStatus.SCHEDULED or occurrence.starts_at <= now:
        return []
    waiting = db.session.scalars(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.created_at, Registration.id)).all()
    promoted: list[Registration] = []
    for registration in waiting:
        if not _take_seats(occurrence.id, registration.seats, fifo=False):
            break
        registration.status = RegistrationStatus.CONFIRMED.value
        registration.promoted_at = now
        registration.updated_at = now
        db.session.flush()
        promoted.append(registration)
        audit(actor, "registration.promote", "registration", registration.id, occurrence_id=occurrence.id)
        notifications.registration_promoted(registration)
    db.session.refresh(occurrence, ["seats_taken"])
    return promoted

