"""iMIP invitations (RFC 6047) for registrants: REQUEST on confirmation and changes, CANCEL when
their registration or the occurrence is cancelled. Mail with ``enqueue(..., ics=, ics_method=)``."""
from __future__ import annotations

from app.meetings.calendar_events import occurrence_event, service_organizer
from app.scheduling.ical import build_invitation
from app.meetings.models import Registration


def organizer() -> tuple[str, str | None]:
    """ORGANIZER = the From address of the mail, as clients expect (DESIGN.md)."""
    return service_organizer()


def registration_invitation(registration: Registration, method: str = "REQUEST") -> bytes:
    """The calendar part for a mail to ``registration``'s person about its occurrence.

    REQUEST carries the occurrence's current time and SEQUENCE (bumped by every change), CANCEL
    removes it from the person's calendar (their cancellation, or a cancelled occurrence). A place
    on the waiting list is sent as STATUS:TENTATIVE with PARTSTAT=TENTATIVE; the REQUEST sent on
    promotion then confirms it. Every message about one date uses that date's own UID
    (a standalone event, no RECURRENCE-ID), so each is valid on its own.
    """
    method = method.upper()
    waitlisted = registration.status == "waitlisted"
    if method != "REQUEST":
        partstat = "DECLINED"
    else:
        partstat = "TENTATIVE" if waitlisted else "ACCEPTED"
    event = occurrence_event(registration.occurrence, lang=registration.locale, organizer=organizer(),
                             attendees=[(registration.email, registration.name or None, partstat)],
                             tentative=waitlisted and method == "REQUEST", changed_at=registration.updated_at)
    return build_invitation(event, method=method)
