"""The public registration form must not answer "is this address registered?".

A person without an account who registers gets the same answer whether the address is new or
already registered for the meeting: "we sent you a message". A new registration is stored and
confirmed by mail; for an address already registered, the owner of the address is mailed their
existing manage link instead. Only the mailbox's owner learns which it was.
"""
from __future__ import annotations

from sqlalchemy import func, select

from app.mail.services import enqueue
from app.extensions import db
from app.meetings import registrations as services
from app.meetings.models import MeetingOccurrence, Registration


def mail_existing_registration(occurrence: MeetingOccurrence, email: str) -> bool:
    """Remind the owner of ``email`` of their live registration for ``occurrence``; True if mailed."""
    registration = db.session.scalar(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   func.lower(Registration.email) == (email or "").lower(),
                                   Registration.status != "cancelled"))
    if registration is None:
        return False
    enqueue(registration.email, "registration_already", locale=registration.locale,
            **services._mail_context(registration))
    return True
