"""Meetings as iCalendar events: the one mapping from the database to :mod:`app.calendar.ical`.

Feeds, "add to my calendar" and email invitations all go through here so that a client sees the
same UID, SEQUENCE, times and RECURRENCE-IDs whichever way an event reached it.

* A series is one VEVENT with its RRULE; cancelled occurrences are EXDATEs (clients that never
  saw an occurrence should not show a ghost of it), moved ones are RECURRENCE-ID overrides.
* Skipped public holidays are EXDATEs as well, because an RRULE cannot express them; they are
  listed up to the later of the materialisation horizon and ``RECURRENCE_HORIZON_DAYS`` after the
  start, a bound taken from the data so that identical data gives identical bytes.
* SEQUENCE of one occurrence = series SEQUENCE + occurrence SEQUENCE: both only grow, so every
  change of either reaches clients as a higher number (RFC 5546 §2.1.4).
* A one-off meeting whose only occurrence is cancelled is left out of feeds altogether
  (:func:`listed_in_feeds`), the same "vanish" a cancelled date of a series gets from its EXDATE.
* A booking of a resident space (:func:`booking_event`) is a busy block without personal data
  unless the feed is a staff feed.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from app.calendar.ical import Attendee, Event, Organizer, Override
from app.core.i18n import localized
from app.meetings import recurrence
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces.models import Booking


def series_url(series: MeetingSeries) -> str:
    """The public page of a series (absolute, for feeds and mails)."""
    return f"{current_app.config['BASE_URL']}/meetings/{series.id}"


def occurrence_url(occurrence: MeetingOccurrence) -> str:
    """The public page of one occurrence (absolute, for feeds and mails)."""
    return f"{current_app.config['BASE_URL']}/meetings/occurrences/{occurrence.id}"


def location_text(series: MeetingSeries) -> str | None:
    """Where: the resident space (name, address), a street address and/or the online link."""
    parts: list[str] = []
    if series.space is not None:
        parts.append(f"{series.space.name}, {series.space.address}")
    elif series.location:
        parts.append(series.location)
    if series.online_url:
        parts.append(series.online_url)
    return " / ".join(parts) or None


def _description(series: MeetingSeries, lang: str, url: str) -> str:
    text = localized(series, "description", lang).strip()
    return f"{text}\n\n{url}" if text else url


def _start(series: MeetingSeries) -> datetime:
    return recurrence.localize(series.start_local, series.timezone)


def _holiday_exdates(series: MeetingSeries) -> list[datetime]:
    if not series.skip_holidays or not series.rrule:
        return []
    start = _start(series)
    end = start + timedelta(days=current_app.config["RECURRENCE_HORIZON_DAYS"])
    if series.materialised_until is not None:
        end = max(end, series.materialised_until)
    limit = current_app.config["RECURRENCE_MAX_OCCURRENCES"] * 10
    every = recurrence.expand(series.start_local, series.timezone, series.rrule, window_end=end, limit=limit)
    kept = set(recurrence.expand(series.start_local, series.timezone, series.rrule, window_end=end,
                                 skip_holidays=True, limit=limit))
    return [instant for instant in every if instant not in kept]


def occurrence_sequence(occurrence: MeetingOccurrence) -> int:
    """The SEQUENCE clients see for one occurrence (see the module docstring)."""
    return occurrence.series.sequence + occurrence.sequence


def listed_in_feeds(series: MeetingSeries, occurrences: Sequence[MeetingOccurrence]) -> bool:
    """Whether a published series appears in public feeds at all.

    A one-off meeting whose occurrence is cancelled is left out, as a cancelled date of a
    recurring series is (EXDATE): clients that ignore STATUS would otherwise show it as on.
    """
    if series.status != "published":
        return False
    if series.rrule:
        return True
    return not occurrences or occurrences[0].status != "cancelled"


def series_event(series: MeetingSeries, occurrences: Sequence[MeetingOccurrence], *, lang: str,
                 categories: Iterable[str] = (), last_modified: datetime | None = None) -> Event:
    """The whole series as one event with EXDATEs and overrides.

    ``occurrences`` are the series' materialised occurrences; only cancelled and moved ones matter
    for a recurring series, so feeds pass just those plus ``last_modified`` (the latest
    ``updated_at`` of the series and all its occurrences, computed in SQL).
    A series without RRULE is a single event: its one occurrence's current time and status.
    """
    url = series_url(series)
    description = _description(series, lang, url)
    summary = localized(series, "title", lang)
    stamps = [series.updated_at, *(o.updated_at for o in occurrences)]
    if last_modified is not None:
        stamps.append(last_modified)
    last_modified = max(stamps)
    status = "CANCELLED" if series.status == "cancelled" else "CONFIRMED"
    start = _start(series)
    end = start + timedelta(minutes=series.duration_minutes)
    common = dict(uid=series.uid, summary=summary, description=description, location=location_text(series),
                  url=url, tzid=series.timezone, categories=tuple(categories), last_modified=last_modified)
    if not series.rrule:
        only = occurrences[0] if occurrences else None
        if only is not None:
            start, end = only.starts_at, only.ends_at
            if only.status == "cancelled":
                status = "CANCELLED"
        sequence = series.sequence + (only.sequence if only is not None else 0)
        return Event(start=start, end=end, sequence=sequence, status=status, **common)

    exdates = [o.recurrence_id for o in occurrences if o.status == "cancelled"]
    exdates += _holiday_exdates(series)
    overrides = [
        Override(recurrence_id=o.recurrence_id, start=o.starts_at, end=o.ends_at,
                 sequence=series.sequence + o.sequence)
        for o in occurrences if o.status != "cancelled" and o.moved
    ]
    return Event(start=start, end=end, sequence=series.sequence, rrule=series.rrule, exdates=exdates,
                 overrides=overrides, status=status, **common)


def occurrence_event(occurrence: MeetingOccurrence, *, lang: str, organizer: Organizer | None = None,
                     attendees: Sequence[Attendee] = (), tentative: bool = False,
                     changed_at: datetime | None = None) -> Event:
    """One occurrence: "add to my calendar", the personal feed and the iMIP invitations.

    For a recurring series it is a detached instance (same UID, RECURRENCE-ID), so an update or a
    cancellation mail replaces exactly that date in the recipient's calendar. ``tentative`` marks
    a place on the waiting list (STATUS:TENTATIVE) unless the occurrence is cancelled.
    ``changed_at`` (e.g. the registration's ``updated_at``) raises DTSTAMP, so that a client
    applies a change of the person's status even when the meeting's SEQUENCE stayed the same.
    """
    series = occurrence.series
    url = occurrence_url(occurrence)
    cancelled = occurrence.status == "cancelled" or series.status == "cancelled"
    return Event(
        uid=series.uid,
        summary=localized(series, "title", lang),
        start=occurrence.starts_at,
        end=occurrence.ends_at,
        last_modified=max(filter(None, (series.updated_at, occurrence.updated_at, changed_at))),
        sequence=occurrence_sequence(occurrence),
        description=_description(series, lang, url),
        location=location_text(series),
        url=url,
        tzid=series.timezone,
        status="CANCELLED" if cancelled else ("TENTATIVE" if tentative else "CONFIRMED"),
        recurrence_id=occurrence.recurrence_id if series.rrule else None,
        organizer=organizer,
        attendees=tuple(attendees),
    )


def booking_uid(booking: Booking) -> str:
    """A booking's UID, stable forever (the id and the site's host name)."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "kohtaamo.local"
    return f"booking-{booking.id}@{host}"


def booking_event(booking: Booking, *, tzid: str, detailed: bool, organization_name: str | None = None) -> Event:
    """A booking of a resident space, in the active locale.

    Public (``detailed=False``): only a busy block, "Booked", without title, organisation or
    notes. Staff feeds get the title, the organisation and the notes.
    """
    if not detailed:
        return Event(uid=booking_uid(booking), summary=_("Booked"), start=booking.starts_at,
                     end=booking.ends_at, last_modified=booking.updated_at, tzid=tzid)
    lines = [f"{_('Organisation')}: {organization_name}"] if organization_name else []
    if booking.notes:
        lines.append(booking.notes)
    return Event(uid=booking_uid(booking), summary=booking.title, start=booking.starts_at, end=booking.ends_at,
                 last_modified=booking.updated_at, tzid=tzid, description="\n".join(lines) or None)
