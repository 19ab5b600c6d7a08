"""Named mail senders of guidance hours (written to the outbox in the caller's transaction)."""
from __future__ import annotations

from typing import Any


from app.core.i18n import localized
from app.guidance import events
from app.guidance.models import GuidanceAppointment
from app.guidance.tokens import appointment_token
from app.mail.services import enqueue
from app.core.urls import external_url


def manage_url(appointment: GuidanceAppointment) -> str:
    """The absolute personal manage link (cancel or move)."""
    return external_url("guidance.manage", token=appointment_token(appointment))


def _context(appointment: GuidanceAppointment) -> dict[str, Any]:
    hour = appointment.guidance_hour
    return {"appointment": appointment, "hour": hour, "lang": appointment.locale,
            "title": localized(hour, "title", appointment.locale), "manage_url": manage_url(appointment),
            "hour_url": events.hour_url(hour),
            "location": events.location_text(hour, lang=appointment.locale) or "",
            "organisation": events.organisation_of(appointment)}


def send_booked(appointment: GuidanceAppointment) -> None:
    """Confirmation with the calendar invitation (REQUEST) and the manage link."""
    enqueue(appointment.email, "guidance_booked", locale=appointment.locale,
            ics=events.invitation(appointment, "REQUEST"), ics_method="REQUEST", **_context(appointment))


def send_moved(appointment: GuidanceAppointment, previous_start) -> None:
    """The new time: an updated invitation (same UID, higher SEQUENCE)."""
    enqueue(appointment.email, "guidance_moved", locale=appointment.locale,
            ics=events.invitation(appointment, "REQUEST"), ics_method="REQUEST", previous_start=previous_start,
            **_context(appointment))


def send_cancelled(appointment: GuidanceAppointment, *, by_city: bool = False) -> None:
    """Cancellation with METHOD:CANCEL so the calendar entry disappears."""
    enqueue(appointment.email, "guidance_cancelled", locale=appointment.locale,
            ics=events.invitation(appointment, "CANCEL"), ics_method="CANCEL", by_city=by_city,
            **_context(appointment))


def send_reminder(appointment: GuidanceAppointment) -> None:
    """The reminder before the appointment."""
    enqueue(appointment.email, "guidance_reminder", locale=appointment.locale, **_context(appointment))


def notify_advisers(appointment: GuidanceAppointment, change: str) -> None:
    """Tell the guidance hour's advisers that an appointment was ``booked``, ``moved`` or ``cancelled``
    (their calendar feed follows too, but calendar apps may poll it only once a day)."""
    hour = appointment.guidance_hour
    for adviser in hour.advisers:
        if not adviser.active:
            continue
        context = dict(_context(appointment), lang=adviser.locale, adviser=adviser, change=change,
                       title=localized(hour, "title", adviser.locale),
                       location=events.location_text(hour, lang=adviser.locale) or "",
                       day_url=external_url("guidance_staff.day",
                                            date=events.local_date(appointment.starts_at).isoformat()))
        context.pop("manage_url")  # the booker's secret link is theirs alone
        enqueue(adviser.email, "guidance_adviser_notice", locale=adviser.locale, **context)
