"""iMIP invitations (RFC 6047) for registrants: REQUEST on confirmation and changes, CANCEL when
their registration or the occurrence is cancelled. Mail with ``enqueue(..., ics=, ics_method=)``."""
from __future__ import annotations

from email.utils import parseaddr

from flask import current_app

from app.calendar.events import occurrence_event
from app.calendar.ical import build_invitation
from app.meetings.models import Registration


def organizer() -> tuple[str, str | None]:
    """ORGANIZER = the From address of the mail, as clients expect (DESIGN.md)."""
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return address, name or None


def registration_invitation(registration: Registration, method: str = "REQUEST") -> bytes:
    """The calendar part for a mail to ``registration``'s person about its occurrence.

    REQUEST carries the occurrence's current time and SEQUENCE (bumped by every change), CANCEL
    removes it from the person's calendar (their cancellation, or a cancelled occurrence).
    """
    partstat = "ACCEPTED" if method == "REQUEST" else "DECLINED"
    event = occurrence_event(registration.occurrence, lang=registration.locale, organizer=organizer(),
                             attendees=[(registration.email, registration.name or None, partstat)])
    return build_invitation(event, method=method)
