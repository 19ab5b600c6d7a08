"""Appointments as iCalendar events: the booker's iMIP invitations and the adviser's feed.

One UID per appointment forever (``guidance-appointment-<id>@<host>``); moving it keeps the UID and
raises SEQUENCE, cancelling sends METHOD:CANCEL under the same identity (DESIGN.md, iMIP).
The booker's invitation carries no one else's data; the adviser's feed is private (a secret URL)
and carries the booker's name, organisation and question, which the adviser needs.
"""
from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from app.scheduling.ical import Event, build_invitation
from app.core.i18n import localized
from app.guidance.models import GuidanceAppointment, GuidanceHour
from app.guidance.statuses import AppointmentStatus
from app.core.urls import external_url
from app.spaces.places import place_text


def organizer() -> tuple[str, str | None]:
    """ORGANIZER = the From address of the mail, as clients expect."""
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return address, name or None


def appointment_uid(appointment: GuidanceAppointment) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "kohtaamo.local"
    return f"guidance-appointment-{appointment.id}@{host}"


def location_text(hour: GuidanceHour, *, lang: str | None = None, online: bool = True) -> str | None:
    """Where, in ``lang`` (None: the page's or mail's): the resident space (name, address), a street
    address and/or the online link. ``online=False`` for what the public sees: the link is for the
    booker, advisers and staff (app/guidance/online_link.py)."""
    return place_text(hour.space, hour.location, hour.online_url, lang, online=online)


def organisation_of(appointment: GuidanceAppointment) -> str:
    """The registry name, or the free text the booker gave."""
    if appointment.organization is not None:
        return appointment.organization.name
    return appointment.organization_name or ""


def local_date(instant):
    """The Helsinki date of an instant."""
    from zoneinfo import ZoneInfo

    return instant.astimezone(ZoneInfo("Europe/Helsinki")).date()


def hour_url(hour: GuidanceHour) -> str:
    return external_url("guidance.detail", hour_id=hour.id)


def booker_event(appointment: GuidanceAppointment, *, lang: str) -> Event:
    """The event in the booker's invitation (REQUEST on booking and moving, CANCEL on cancelling)."""
    hour = appointment.guidance_hour
    description = "\n\n".join(filter(None, [localized(hour, "description", lang), appointment.question,
                                            hour_url(hour)]))
    return Event(
        uid=appointment_uid(appointment), summary=localized(hour, "title", lang),
        start=appointment.starts_at, end=appointment.ends_at, last_modified=appointment.updated_at,
        sequence=appointment.sequence, description=description, location=location_text(hour, lang=lang),
        url=hour_url(hour), tzid=hour.timezone,
        status="CANCELLED" if appointment.status == AppointmentStatus.CANCELLED else "CONFIRMED",
        organizer=organizer(),
        attendees=((appointment.email, appointment.name or None,
                    "DECLINED" if appointment.status == AppointmentStatus.CANCELLED else "ACCEPTED"),),
    )


def invitation(appointment: GuidanceAppointment, method: str) -> bytes:
    """The iMIP body (RFC 6047) for a mail to the booker."""
    return build_invitation(booker_event(appointment, lang=appointment.locale), method=method)


def adviser_event(appointment: GuidanceAppointment, *, lang: str) -> Event:
    """The appointment in the adviser's private feed: who, which organisation, what about."""
    hour = appointment.guidance_hour
    organisation = organisation_of(appointment)
    summary = localized(hour, "title", lang) + (f": {organisation}" if organisation else f": {appointment.name}")
    lines = [f"{_('Name')}: {appointment.name}", f"{_('Email')}: {appointment.email}"]
    if organisation:
        lines.append(f"{_('Organisation')}: {organisation}")
    if appointment.question:
        lines += ["", appointment.question]
    return Event(uid=appointment_uid(appointment), summary=summary, start=appointment.starts_at,
                 end=appointment.ends_at, last_modified=appointment.updated_at, sequence=appointment.sequence,
                 description="\n".join(lines), location=location_text(hour, lang=lang), tzid=hour.timezone)
