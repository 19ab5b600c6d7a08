"""The mails to registrants, by name: one context, one manage link, one place per date.

Every mail about a registration (confirmed, waiting list, promoted, cancelled, a change of the
meeting, a staff message, "you are already registered") is built here from the same context, so
the manage link, the meeting page and the place read the same in all of them. Links are absolute
(``external_url``); the place is the date's own (:func:`app.meetings.places.occurrence_location`):
a date whose space booking is not live does not name the space.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.i18n import localized
from app.core.urls import external_url
from app.extensions import db
from app.mail.services import enqueue
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.places import occurrence_location
from app.meetings.statuses import LIVE_REGISTRATION, RegistrationStatus
from app.meetings.tokens import registration_token


def manage_url(registration: Registration) -> str:
    """The registrant's personal manage link (absolute, for mails and the API)."""
    return external_url("registrations.manage", token=registration_token(registration))


def occurrence_url(occurrence: MeetingOccurrence) -> str:
    """The public page of one date (absolute)."""
    return external_url("registrations.occurrence", occurrence_id=occurrence.id)


def registration_context(registration: Registration) -> dict[str, Any]:
    """What every registrant mail's template gets."""
    occurrence = registration.occurrence
    series = occurrence.series
    lang = registration.locale or "fi"
    return {"registration": registration, "occurrence": occurrence, "series": series,
            "title": localized(series, "title", lang), "lang": lang,
            "manage_url": manage_url(registration), "occurrence_url": occurrence_url(occurrence),
            "location": occurrence_location(occurrence, lang=lang) or ""}


def _invitation(registration: Registration, method: str) -> bytes:
    from app.meetings.invitations import registration_invitation

    return registration_invitation(registration, method)


def _send(registration: Registration, template: str, *, method: str | None = None, **extra: Any) -> None:
    ics = _invitation(registration, method) if method else None
    enqueue(registration.email, template, locale=registration.locale or "fi", ics=ics, ics_method=method,
            **registration_context(registration), **extra)


# --- one registration ----------------------------------------------------------------------------
def registration_received(registration: Registration) -> None:
    """Confirmed (with an iCalendar REQUEST) or on the waiting list."""
    if registration.status == RegistrationStatus.CONFIRMED:
        _send(registration, "registration_confirmed", method="REQUEST")
    else:
        _send(registration, "registration_waitlisted")


def registration_cancelled(registration: Registration) -> None:
    """A CANCEL also for a place on the waiting list: a change of the meeting may have sent it a
    TENTATIVE invitation, and a CANCEL of a date the calendar never had is ignored (RFC 5546)."""
    _send(registration, "registration_cancelled", method="CANCEL")


def registration_promoted(registration: Registration) -> None:
    """A seat became free: confirmed from the waiting list, with a REQUEST."""
    _send(registration, "registration_promoted", method="REQUEST")


def already_registered(registration: Registration) -> None:
    """The address's owner gets their existing manage link (registration_privacy)."""
    _send(registration, "registration_already")


def staff_message(registration: Registration, subject: str, body: str) -> None:
    """A message written by staff, in the person's language's frame."""
    _send(registration, "registration_message", message_subject=subject, message_body=body)


# --- a change of the meeting ---------------------------------------------------------------------
def live_registrations(occurrence_ids: list[int]) -> list[Registration]:
    """Confirmed and waiting registrations (not anonymised) of the dates, in a stable order."""
    if not occurrence_ids:
        return []
    return list(db.session.scalars(
        select(Registration).where(Registration.occurrence_id.in_(occurrence_ids),
                                   Registration.status.in_(LIVE_REGISTRATION),
                                   Registration.anonymised_at.is_(None))
        .order_by(Registration.id)))


def date_changed(registrations: list[Registration], template: str, method: str, **context: Any) -> int:
    """Tell each registrant of a cancelled (CANCEL) or moved / changed (REQUEST) date; returns the count."""
    for registration in registrations:
        _send(registration, template, method=method, **context)
    return len(registrations)


def dates_cancelled(occurrence_ids: list[int], *, reason: str | None) -> int:
    return date_changed(live_registrations(occurrence_ids), "occurrence_cancelled", "CANCEL", reason=reason)


def date_moved(occurrence: MeetingOccurrence, *, old_start: Any, old_end: Any) -> int:
    return date_changed(live_registrations([occurrence.id]), "occurrence_moved", "REQUEST",
                        old_start=old_start, old_end=old_end)


def series_changed(occurrence_ids: list[int]) -> int:
    return date_changed(live_registrations(occurrence_ids), "series_changed", "REQUEST")
