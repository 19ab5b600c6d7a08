"""The public registration form must not answer "is this address registered?".

A person without an account who registers gets the same answer whether the address is new or
already registered for the meeting: "we sent you a message". A new registration is stored and
confirmed by mail; for an address already registered, the owner of the address is mailed their
existing manage link instead. Only the mailbox's owner learns which it was.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.errors import Conflict
from app.extensions import db
from app.meetings import notifications
from app.meetings import registrations as services
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.statuses import RegistrationStatus


def register_or_remind(occurrence: MeetingOccurrence, raw: dict[str, Any], *, actor: Any = None
                       ) -> Registration | None:
    """Register from the public form; ``None`` when the address was already registered and its
    owner was mailed their link instead (only for people without an account: ``actor`` None).

    The refused registration wrote nothing (its seats are taken in a savepoint), so the reminder
    joins the same transaction."""
    data = services.clean_registration_data(raw, series=occurrence.series)
    try:
        return services.register(occurrence, data, actor=actor)
    except Conflict as error:
        if actor is not None or error.code != "duplicate":
            raise
    mail_existing_registration(occurrence, data.email)
    return None


def mail_existing_registration(occurrence: MeetingOccurrence, email: str) -> bool:
    """Remind the owner of ``email`` of their live registration for ``occurrence``; True if mailed."""
    registration = db.session.scalar(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   func.lower(Registration.email) == (email or "").lower(),
                                   Registration.status != RegistrationStatus.CANCELLED))
    if registration is None:
        return False
    notifications.already_registered(registration)
    return True
