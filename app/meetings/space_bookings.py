"""A meeting held in a resident space books it (issue 5).

Every live, not yet finished occurrence of a series with a ``space_id`` owns one confirmed
:class:`~app.spaces.models.Booking` of that space for exactly its ``[starts_at, ends_at)``
(``MeetingOccurrence.booking_id``). Moving the occurrence moves the booking, cancelling or
deleting it frees the booking, changing or removing the series' space moves the bookings or frees
them. All writes go through the spaces services (:func:`create_booking`, :func:`move_booking`,
:func:`cancel_booking`), so the never-double-book guarantee is the spaces one: the PostgreSQL
exclusion constraint, serialised check-then-insert on SQLite.

Decisions:

* **Staff actions are strict.** A conflict raises :class:`BookingConflict` listing every
  conflicting time before the caller commits; the view or API rolls the whole transaction back
  (no series, no occurrences, no bookings) and shows the conflicts (409 in the API).
* **Opening hours do not stop a meeting.** Meetings are planned by staff, who may book outside
  the opening hours with a reason; the reason is filled in automatically as ``Meeting: <title>``
  rather than refusing the series. The space's own length and horizon rules do not apply either
  (a series is planned up to ``MEETINGS_MATERIALISE_DAYS`` ahead); only the no-overlap guarantee does.
* **The scheduled job is lenient.** ``flask meetings materialise`` has nobody to ask: an
  occurrence whose slot is taken is created without a booking and reported. Such an occurrence is
  recognisable without a schema change: ``booking_id IS NULL`` while the series has a space
  (:func:`unbooked_occurrence_ids`), and the staff series page warns about it.
* Occurrences that have already ended are left alone (their booking, if any, is history).
* Drafts book too: staff planning a meeting hold the room while they prepare it.
"""
from __future__ import annotations

import logging
from datetime import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Iterable

from sqlalchemy import or_, select

from app.extensions import db
from app.meetings import booking_owner as _booking_owner  # noqa: F401  (registers the spaces lookup)
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces import services as spaces
from app.spaces.models import Booking, Space
from app.spaces.services import BookingConflict, ConflictItem
from app.meetings.statuses import OccurrenceStatus, SeriesStatus

log = logging.getLogger(__name__)

#: Stored as the booking's override reason when a meeting falls outside the space's opening hours.
OVERRIDE_PREFIX = "Meeting: "


def booking_title(series: MeetingSeries) -> str:
    """The booking's title: the series' Finnish title (the space's staff feed shows it)."""
    return (series.title_fi or "").strip()[:200] or f"Meeting {series.id}"


def booking_notes(occurrence: MeetingOccurrence) -> str:
    """Links the booking back to its meeting (shown with the booking to the space's staff)."""
    from app.core.urls import external_url

    return (f"Meeting series {occurrence.series_id}, occurrence {occurrence.id}: "
            f"{external_url('registrations.occurrence', occurrence_id=occurrence.id)}")


def _wanted(occurrence: MeetingOccurrence, now: datetime) -> bool:
    series = occurrence.series
    return (series.space_id is not None and series.status != SeriesStatus.CANCELLED
            and occurrence.status == OccurrenceStatus.SCHEDULED and occurrence.ends_at > now)


def _live_booking(occurrence: MeetingOccurrence) -> Booking | None:
    if occurrence.booking_id is None:
        return None
    booking = db.session.get(Booking, occurrence.booking_id)
    if booking is None or booking.status == "cancelled":
        return None
    return booking


def release(occurrence: MeetingOccurrence, actor: Any, now: datetime, *, reason: str | None = None) -> None:
    """Free the occurrence's booking, if it has a live one (idempotent)."""
    booking = _live_booking(occurrence)
    occurrence.booking_id = None
    if booking is not None:
        spaces.cancel_booking(booking, actor, now, reason=reason or "Meeting cancelled or moved elsewhere",
                              notify=False)


def sync_booking(occurrence: MeetingOccurrence, actor: Any, now: datetime, strict: bool = True) -> Booking | None:
    """Make the occurrence's booking match it: create, move, re-space or free it.

    ``strict``: a conflict raises :class:`BookingConflict` (nothing of this occurrence's booking
    is written). Lenient: the occurrence is left without a booking and the conflict is logged.
    Returns the live booking or ``None``. An occurrence that has ended is left as it is.
    """
    if occurrence.ends_at <= now:
        return _live_booking(occurrence)
    if not _wanted(occurrence, now):
        release(occurrence, actor, now)
        return None
    series = occurrence.series
    space = db.session.get(Space, series.space_id)
    booking = _live_booking(occurrence)
    if booking is not None and booking.space_id != space.id:
        release(occurrence, actor, now, reason="Meeting moved to another space")
        booking = None
    title = booking_title(series)
    start, end = occurrence.starts_at, occurrence.ends_at
    try:
        if booking is None:
            occurrence.booking_id = None
            booking = spaces.create_booking(space, start, end, title, actor, now, strict=False,
                                            notes=booking_notes(occurrence))
            booking.override_reason = spaces.outside_hours_reason(space, start, end, OVERRIDE_PREFIX + title)
            occurrence.booking_id = booking.id
        elif (booking.starts_at, booking.ends_at) != (start, end):
            spaces.move_booking(booking, start, end, actor, now, strict=False, notify=False)
            booking.override_reason = spaces.outside_hours_reason(space, start, end, OVERRIDE_PREFIX + title)
    except BookingConflict:
        if strict:
            raise
        log.warning("space %s not booked for meeting occurrence %s (%s): conflict", space.id, occurrence.id,
                    start.isoformat())
        release(occurrence, actor, now, reason="Meeting moved; the new time was taken")
        return None
    if booking.title != title:
        booking.title = title
    db.session.flush()
    return booking


def sync_bookings(occurrences: Iterable[MeetingOccurrence], actor: Any, now: datetime, *,
                  strict: bool = True) -> list[MeetingOccurrence]:
    """:func:`sync_booking` for many occurrences (materialisation, series edits).

    Strict: every occurrence is tried and one :class:`BookingConflict` lists all conflicting
    times (the caller's transaction must then be rolled back). Lenient: returns the occurrences
    left without a booking because their slot was taken.
    """
    items: list[ConflictItem] = []
    unbooked: list[MeetingOccurrence] = []
    tz = "Europe/Helsinki"
    for occurrence in sorted(occurrences, key=lambda o: o.starts_at):
        try:
            booking = sync_booking(occurrence, actor, now, strict=strict)
        except BookingConflict as exc:
            items.extend(exc.conflicts)
            tz = exc.tz
            continue
        if booking is None and _wanted(occurrence, now):
            unbooked.append(occurrence)
    if items:
        raise BookingConflict(items, tz=tz)
    return unbooked


def sync_series(series: MeetingSeries, actor: Any, now: datetime, *, strict: bool = True,
                since: datetime | None = None) -> list[MeetingOccurrence]:
    """Sync every occurrence of ``series`` that ends after ``since`` (default ``now``)."""
    since = since or now
    rows = db.session.scalars(select(MeetingOccurrence).where(
        MeetingOccurrence.series_id == series.id, MeetingOccurrence.ends_at > since))
    return sync_bookings(list(rows), actor, now, strict=strict)


def unbooked_occurrence_ids(series: MeetingSeries, now: datetime) -> set[int]:
    """Upcoming scheduled occurrences whose space is not booked: ``booking_id IS NULL`` (the slot
    was taken when the scheduled job created them), or their booking was cancelled from the
    space's own pages. One query."""
    if series.space_id is None or series.status == SeriesStatus.CANCELLED:
        return set()
    return set(db.session.scalars(
        select(MeetingOccurrence.id)
        .outerjoin(Booking, Booking.id == MeetingOccurrence.booking_id)
        .where(MeetingOccurrence.series_id == series.id, MeetingOccurrence.status == OccurrenceStatus.SCHEDULED,
               MeetingOccurrence.ends_at > now,
               or_(MeetingOccurrence.booking_id.is_(None), Booking.status == "cancelled"))))


@contextmanager
def conflict_message(message: Callable[[str], Any]) -> Iterator[None]:
    """A :class:`BookingConflict` raised inside says ``message(times)`` (the taken times, listed),
    so that the page shows why in one line; its ``conflicts`` stay for the API and the forms."""
    from app.core.dates import timespan

    try:
        yield
    except BookingConflict as exc:
        times = ", ".join(timespan(c.start, c.end) for c in exc.conflicts)
        raise BookingConflict(exc.conflicts, message(times), tz=exc.tz, fields=exc.fields, code=exc.code,
                              **exc.extra) from exc


__all__ = ["OVERRIDE_PREFIX", "conflict_message", "booking_notes", "booking_title", "release", "sync_booking", "sync_bookings",
           "sync_series", "unbooked_occurrence_ids"]
