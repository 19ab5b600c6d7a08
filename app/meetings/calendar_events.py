"""Meetings as iCalendar events: the one mapping from the database to :mod:`app.scheduling.ical`.

Feeds, "add to my calendar" and email invitations all go through here so that a client sees the
same UID, SEQUENCE, times and RECURRENCE-IDs whichever way an event reached it.

* A series is one VEVENT per segment (a change "from a date onward" starts a new one, with its own
  UID) with an RRULE that ends where the service's dates end (``materialised_until``, moved on by
  the nightly job); cancelled occurrences are EXDATEs (clients that never saw an occurrence should
  not show a ghost of it), moved ones and dates whose local time is unclear (spring gap, autumn
  fold) are RECURRENCE-ID overrides. See ``app/meetings/segments.py``.
* Skipped public holidays are EXDATEs as well, because an RRULE cannot express them: all of them,
  since the rule is bounded; identical data gives identical bytes.
* One date served on its own (personal feed, "add to my calendar", invitations) is a standalone
  event with the date's own UID, valid on its own; every event carries ORGANIZER.
* SEQUENCE of one occurrence = series SEQUENCE + occurrence SEQUENCE: both only grow, so every
  change of either reaches clients as a higher number (RFC 5546 §2.1.4).
* A one-off meeting whose only occurrence is cancelled is left out of feeds altogether
  (:func:`listed_in_feeds`), the same "vanish" a cancelled date of a series gets from its EXDATE.
* A booking of a resident space (:func:`booking_event`) is a busy block without personal data
  unless the feed is a staff feed.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from app.scheduling.ical import Attendee, Event, Organizer, Override
from app.core.i18n import localized
from app.core.urls import external_url
from app import scheduling as recurrence
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingSeriesSegment
from app.meetings.places import occurrence_location, own_location, series_location
from app.meetings.segments import Segment, Shape, bounded_rule, in_gap, nominal, occurrence_uid, segment_uid
from app.meetings.segments import shape as shape_of
from app.spaces.models import Booking

UTC = timezone.utc


def series_url(series: MeetingSeries) -> str:
    """The public page of a series (absolute, for feeds and mails)."""
    return external_url("meetings.detail", series_id=series.id)


def occurrence_url(occurrence: MeetingOccurrence) -> str:
    """The public page of one occurrence (absolute, for feeds and mails)."""
    return external_url("registrations.occurrence", occurrence_id=occurrence.id)


def location_text(series: MeetingSeries, *, lang: str | None = None, online: bool = True) -> str | None:
    """Where, in ``lang``: the resident space (name, address), a street address and/or the online
    link (``app.meetings.places``; one date's place is ``occurrence_location``). ``online=False``
    for what the public sees: the link goes only to registrants (app/meetings/online_link.py)."""
    return series_location(series, lang=lang, online=online)


def _description(series: MeetingSeries, lang: str, url: str, *, public: bool = False) -> str:
    text = localized(series, "description", lang).strip()
    if public and getattr(series, "online_url", None):
        # The online link is for registrants only; the public description says where it comes from.
        text = (text + "\n\n" if text else "") + str(_("The online link is sent to registrants."))
    return f"{text}\n\n{url}" if text else url


def service_organizer() -> Organizer:
    """ORGANIZER of every meeting: the From address of the service's mail (DESIGN.md); feeds
    carry it too, since iTIP-aware clients (libical) flag a published event without one."""
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return address, name or None


def _start(series: MeetingSeries) -> datetime:
    return recurrence.localize(series.start_local, series.timezone)


def _horizon(series: MeetingSeries) -> datetime:
    """Feeds show a rule's dates up to where the service has them (the nightly job moves it)."""
    if series.materialised_until is not None:
        return series.materialised_until
    return _start(series) + timedelta(days=current_app.config["RECURRENCE_HORIZON_DAYS"])


def _segments(series: MeetingSeries, closed: Sequence[MeetingSeriesSegment]) -> list[Segment]:
    items = [Segment(uid=c.uid, start_local=c.start_local, timezone=c.timezone,
                     duration_minutes=c.duration_minutes, rrule=c.rrule, skip_holidays=c.skip_holidays,
                     starts_from=c.starts_from, ends_before=c.ends_before, sequence=c.sequence)
             for c in closed]
    items.append(Segment(uid=segment_uid(series.uid, series.segment_from), start_local=series.start_local,
                         timezone=series.timezone, duration_minutes=series.duration_minutes, rrule=series.rrule,
                         skip_holidays=series.skip_holidays, starts_from=series.segment_from, ends_before=None,
                         sequence=series.sequence))
    return items


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


def _single_event(segment: Segment, first: datetime, duration: timedelta, rows: list[MeetingOccurrence],
                  common: dict, status: str) -> Event:
    """A segment without RRULE: its one occurrence's current time and status."""
    only = rows[0] if rows else None
    start, end = first, first + duration
    row_status = status
    place = {}
    if only is not None:
        start, end = only.starts_at, only.ends_at
        if only.status == "cancelled":
            row_status = "CANCELLED"
        place = _own_place(only)
    sequence = segment.sequence + (only.sequence if only is not None else 0)
    return Event(uid=segment.uid, start=start, end=end, sequence=sequence, status=row_status,
                 **{**common, **place})


def _exceptions(segment: Segment, run: list[datetime], shape: Shape, by_instant: dict[datetime, MeetingOccurrence],
                duration: timedelta) -> tuple[list[datetime], list[Override]]:
    """EXDATEs (skipped holidays, cancelled dates) and overrides (moved dates, unclear local times)
    of one run of a rule."""
    clock, tz = segment.start_local.time(), segment.timezone
    holidays = set(shape.holidays)
    exdates = [nominal(t, clock, tz) for t in run if t in holidays]
    overrides: list[Override] = []
    for instant in run:
        row = by_instant.get(instant)
        if row is not None and row.status == "cancelled":
            exdates.append(nominal(instant, clock, tz))
        elif row is not None and (row.moved or own_location(row, online=False) is not None):
            # A moved date, or one whose space is not booked (issue 17: not named there).
            overrides.append(Override(recurrence_id=nominal(instant, clock, tz), start=row.starts_at,
                                      end=row.ends_at, sequence=segment.sequence + row.sequence,
                                      location=own_location(row, online=False)))
        elif instant in shape.explicit and instant not in holidays:
            overrides.append(Override(recurrence_id=nominal(instant, clock, tz), start=instant,
                                      end=instant + duration))
    return exdates, overrides


def _rule_events(series: MeetingSeries, segment: Segment, shape: Shape, rows: list[MeetingOccurrence],
                 duration: timedelta, common: dict, status: str) -> list[Event]:
    """A segment with a RRULE: one event a run of dates between spring-gap dates, each of those alone."""
    clock, tz = segment.start_local.time(), segment.timezone
    by_instant = {o.recurrence_id.astimezone(UTC): o for o in rows}
    holidays = set(shape.holidays)
    events: list[Event] = []
    # libical's iterator keeps the shifted hour after a date in the spring gap (every later
    # date an hour off), so no RRULE runs across such a date: it stands alone, with its own
    # UID, and the rule goes on under a new UID after it.
    runs: list[list[datetime]] = [[]]
    for instant in shape.instants:
        if in_gap(instant, clock, tz):
            if instant not in holidays:
                events.append(_standalone(segment, instant, duration, by_instant.get(instant), common, status))
            runs.append([])
        else:
            runs[-1].append(instant)
    for index, run in enumerate(r for r in runs if r):
        exdates, overrides = _exceptions(segment, run, shape, by_instant, duration)
        first = run[0]
        rrule = shape.rrule if len(runs) == 1 else bounded_rule(shape.rrule, run[-1], tz)
        uid = segment.uid if index == 0 else segment_uid(series.uid, first)
        events.append(Event(uid=uid, start=first, end=first + duration, sequence=segment.sequence,
                            rrule=rrule, exdates=exdates, overrides=overrides, status=status, **common))
    return events


def series_events(series: MeetingSeries, occurrences: Sequence[MeetingOccurrence], *, lang: str,
                  segments: Sequence[MeetingSeriesSegment] = (), categories: Iterable[str] = (),
                  last_modified: datetime | None = None) -> list[Event]:
    """The series as events: one per segment (see ``app/meetings/segments.py``), each with its
    EXDATEs (cancelled dates, skipped holidays) and overrides (moved dates, unclear local times).

    ``occurrences`` are the series' materialised occurrences; only cancelled and moved ones matter
    for a recurring series, so feeds pass just those plus ``last_modified`` (the latest
    ``updated_at`` of the series and all its occurrences, computed in SQL). ``segments`` are the
    series' closed segments (``series_split.segments_of``).
    A series without RRULE is a single event: its one occurrence's current time and status.
    """
    url = series_url(series)
    description = _description(series, lang, url, public=True)  # series events are only in public feeds
    summary = localized(series, "title", lang)
    stamps = [series.updated_at, *(o.updated_at for o in occurrences)]
    if last_modified is not None:
        stamps.append(last_modified)
    last_modified = max(stamps)
    status = "CANCELLED" if series.status == "cancelled" else "CONFIRMED"
    common = dict(summary=summary, description=description, location=location_text(series, lang=lang, online=False),
                  url=url, tzid=series.timezone, categories=tuple(categories), last_modified=last_modified,
                  organizer=service_organizer())
    limit = current_app.config["RECURRENCE_MAX_OCCURRENCES"] * 20
    horizon = _horizon(series)
    events: list[Event] = []
    for segment in _segments(series, segments):
        duration = timedelta(minutes=segment.duration_minutes)
        shape = shape_of(segment, horizon=horizon, limit=limit)
        if not shape.instants:
            continue
        own = set(shape.instants)
        rows = [o for o in occurrences if o.recurrence_id.astimezone(UTC) in own]
        if shape.rrule is None:
            events.append(_single_event(segment, shape.instants[0], duration, rows, common, status))
        else:
            events += _rule_events(series, segment, shape, rows, duration, common, status)
    return events


def _standalone(segment: Segment, instant: datetime, duration: timedelta, row: MeetingOccurrence | None,
                common: dict, status: str) -> Event:
    """One date of a rule written on its own (its own UID), at the service's time."""
    start, end, sequence = instant, instant + duration, segment.sequence
    place = {}
    if row is not None:
        start, end, sequence = row.starts_at, row.ends_at, segment.sequence + row.sequence
        if row.status == "cancelled":
            status = "CANCELLED"
        place = _own_place(row)
    uid = segment_uid(segment.uid, instant).replace("-" + segment.uid, "-date-" + segment.uid, 1)
    return Event(uid=uid, start=start, end=end, sequence=sequence, status=status, **{**common, **place})


def _own_place(row: MeetingOccurrence) -> dict:
    """``{"location": ...}`` when the date's place differs from the series' (space not booked)."""
    own = own_location(row, online=False)  # series events are only in public feeds
    return {} if own is None else {"location": own or None}


def series_event(series: MeetingSeries, occurrences: Sequence[MeetingOccurrence], *, lang: str,
                 categories: Iterable[str] = (), last_modified: datetime | None = None) -> Event:
    """The series' current segment as one event (a series never split has only that one)."""
    return series_events(series, occurrences, lang=lang, categories=categories,
                         last_modified=last_modified)[-1]


def occurrence_event(occurrence: MeetingOccurrence, *, lang: str, organizer: Organizer | None = None,
                     attendees: Sequence[Attendee] = (), tentative: bool = False,
                     changed_at: datetime | None = None, public: bool = False) -> Event:
    """One occurrence: "add to my calendar", the personal feed and the iMIP invitations.

    A standalone event with the date's own UID (``segments.occurrence_uid``), never a RECURRENCE-ID
    instance: such an instance without its series is rejected by CalDAV servers, and UID-keyed
    clients keep only the last one they imported. The UID stays for the life of the date, so a
    REQUEST, every update and the CANCEL replace exactly that date in the calendar. ``tentative`` marks
    a place on the waiting list (STATUS:TENTATIVE) unless the occurrence is cancelled.
    ``changed_at`` (e.g. the registration's ``updated_at``) raises DTSTAMP, so that a client
    applies a change of the person's status even when the meeting's SEQUENCE stayed the same.
    ``public`` (the "add to my calendar" download) leaves out the online link, which only the
    registrants' events (personal feed, invitations) carry.
    """
    series = occurrence.series
    url = occurrence_url(occurrence)
    cancelled = occurrence.status == "cancelled" or series.status == "cancelled"
    return Event(
        uid=occurrence_uid(series.uid, occurrence.id),
        summary=localized(series, "title", lang),
        start=occurrence.starts_at,
        end=occurrence.ends_at,
        last_modified=max(filter(None, (series.updated_at, occurrence.updated_at, changed_at))),
        sequence=occurrence_sequence(occurrence),
        description=_description(series, lang, url, public=public),
        location=occurrence_location(occurrence, lang=lang, online=not public),
        url=url,
        tzid=series.timezone,
        status="CANCELLED" if cancelled else ("TENTATIVE" if tentative else "CONFIRMED"),
        organizer=organizer if organizer is not None else service_organizer(),
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
                     end=booking.ends_at, last_modified=booking.updated_at, tzid=tzid,
                     organizer=service_organizer())
    lines = [f"{_('Organisation')}: {organization_name}"] if organization_name else []
    if booking.notes:
        lines.append(booking.notes)
    return Event(uid=booking_uid(booking), summary=booking.title, start=booking.starts_at, end=booking.ends_at,
                 last_modified=booking.updated_at, tzid=tzid, description="\n".join(lines) or None,
                 organizer=service_organizer())
