"""When a space is free: availability in a window, the accessible week view, and the finder."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.spaces.models import Booking, Space, SpaceException
from app.spaces.services.bookings import bookings_query
from app.spaces.services.common import MAX_BLOCK, MAX_BOOKING_LENGTH, Interval, _aware, _error
from app.spaces.services.conflicts import _conflict_items
from app.spaces.services.hours import _at, _load_exceptions, _merge, _subtract, _within, open_intervals
from app.spaces.services.spaces import list_spaces
from app.spaces.statuses import BookingStatus


@dataclass
class Availability:
    """Within a window: ``busy`` = booked intervals, ``open`` = opening hours, ``free`` = bookable."""

    busy: list[Interval]
    open: list[Interval]
    free: list[Interval]


def availability(space: Space, start: datetime, end: datetime, *, bookings: list[Booking] | None = None) -> Availability:
    """Busy, open and free intervals of ``space`` within ``[start, end)`` (UTC, half-open).

    ``free`` leaves out what a new booking could not use: bookings with their buffers on both sides
    (a new booking needs its own buffer before the next one).
    """
    if bookings is None:
        bookings = list(db.session.scalars(bookings_query(space, start=start - timedelta(
            minutes=space.buffer_minutes or 0), end=end)))
    buffer = timedelta(minutes=space.buffer_minutes or 0)
    busy = [(max(b.starts_at, start), min(b.ends_at, end)) for b in bookings
            if b.starts_at < end and b.ends_at > start]
    opened = open_intervals(space, start, end)
    holes = _merge((b.block_starts_at - buffer, b.block_ends_at) for b in bookings)
    free = [(a, b) for a, b in _subtract(opened, holes) if a < b]
    return Availability(busy=busy, open=opened, free=free)


# --- week view --------------------------------------------------------------------------------

@dataclass
class Cell:
    """One hour of one day: ``state`` free / booked / partly / closed, with the exact times if partial."""

    state: str
    start: datetime
    end: datetime
    booked: list[Interval] = field(default_factory=list)
    opened: list[Interval] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)


@dataclass
class WeekView:
    """A week of a space as rows of hours × columns of days (for an accessible table)."""

    space: Space
    monday: date
    days: list[date]
    hours: list[int]
    rows: list[list[Cell]]
    previous_monday: date
    next_monday: date


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _shown_hours(space: Space, zone: ZoneInfo, opened: list[Interval], bookings: list[Booking],
                 week: Interval) -> list[int]:
    """The rows of the table: 8–20, widened to every opening hour and booking of the week."""
    week_start, week_end = week
    spans = [(b.starts_at, b.ends_at) for b in bookings]
    if space.opening_hours is not None:
        spans += opened
    first_hour, last_hour = (24, 0) if spans and space.opening_hours is not None and opened else (8, 20)
    for a, b in spans:
        a_local, b_local = max(a, week_start).astimezone(zone), min(b, week_end).astimezone(zone)
        first_hour = min(first_hour, a_local.hour if a_local.date() == b_local.date() else 0)
        end_hour = b_local.hour + (1 if b_local.minute or b_local.second else 0)
        last_hour = max(last_hour, 24 if b_local.date() != a_local.date() else end_hour)
    return list(range(first_hour, max(last_hour, first_hour + 1)))


def _state(slot: Interval, booked: list[Interval], open_parts: list[Interval], now: datetime | None) -> str:
    slot_start, slot_end = slot
    if slot_end <= slot_start:
        return "closed"
    if booked:
        return "booked" if booked == [slot] or not _subtract(open_parts, booked) else "partly"
    if now is not None and slot_end <= now:
        return "past"
    if not open_parts:
        return "closed"
    return "free" if open_parts == [slot] else "partly_open"


def _cell(day: date, hour: int, zone: ZoneInfo, bookings: list[Booking], opened: list[Interval],
          now: datetime | None) -> Cell:
    slot_start = _at(day, f"{hour:02d}:00", zone)
    slot_end = _at(day, f"{hour + 1:02d}:00", zone) if hour < 23 else _at(day, "24:00", zone)
    in_slot = [b for b in bookings if b.starts_at < slot_end and b.ends_at > slot_start]
    booked = _merge((max(b.starts_at, slot_start), min(b.ends_at, slot_end)) for b in in_slot)
    open_parts = [(max(a, slot_start), min(b, slot_end)) for a, b in opened if a < slot_end and b > slot_start]
    state = _state((slot_start, slot_end), booked, open_parts, now)
    return Cell(state, slot_start, slot_end, booked, open_parts, in_slot)


def week_view(space: Space, day: date, *, now: datetime | None = None, exact: bool = False) -> WeekView:
    """The week (Monday–Sunday, local) containing ``day``: two queries whatever the data.

    ``exact``: the seven days from ``day`` itself (the page starts at today: no past days first).

    Cells: ``free``, ``booked``, ``partly`` (booked in part), ``partly_open``, ``closed``, and
    ``past`` for unbooked hours that are over (with ``now``).
    """
    zone = ZoneInfo(space.timezone)
    monday = day if exact else monday_of(day)
    days = [monday + timedelta(days=i) for i in range(7)]
    week = (_at(monday, "00:00", zone), _at(days[-1], "24:00", zone))
    exceptions = _load_exceptions(space, monday - timedelta(days=1), days[-1] + timedelta(days=1))
    opened = open_intervals(space, *week, exceptions)
    bookings = list(db.session.scalars(bookings_query(space, start=week[0], end=week[1])))
    hours = _shown_hours(space, zone, opened, bookings, week)
    rows = [[_cell(d, hour, zone, bookings, opened, now) for d in days] for hour in hours]
    return WeekView(space, monday, days, hours, rows, monday - timedelta(days=7), monday + timedelta(days=7))


# --- finder -----------------------------------------------------------------------------------

def _busy_by_space(spaces: list[Space], start: datetime, end: datetime) -> dict[int, list[Booking]]:
    """The live bookings around ``[start, end)`` of every candidate, in one query."""
    max_buffer = timedelta(minutes=max(s.buffer_minutes or 0 for s in spaces))
    busy = db.session.scalars(select(Booking).where(
        Booking.space_id.in_([s.id for s in spaces]), Booking.status != BookingStatus.CANCELLED,
        Booking.block_starts_at < end + max_buffer, Booking.block_starts_at > start - MAX_BLOCK,
        Booking.block_ends_at > start))
    by_space: dict[int, list[Booking]] = {}
    for booking in busy:
        by_space.setdefault(booking.space_id, []).append(booking)
    return by_space


def _exceptions_by_space(spaces: list[Space], start: datetime,
                         end: datetime) -> dict[int, dict[date, SpaceException]]:
    rows = db.session.scalars(select(SpaceException).where(
        SpaceException.space_id.in_([s.id for s in spaces]), SpaceException.day >= (start - timedelta(days=2)).date(),
        SpaceException.day <= (end + timedelta(days=2)).date()))
    exceptions: dict[int, dict[date, SpaceException]] = {}
    for row in rows:
        exceptions.setdefault(row.space_id, {})[row.day] = row
    return exceptions


def find_free_spaces(capacity: int | None, district: str | None, start: datetime, end: datetime, *,
                     accessibility: Iterable[str] = ()) -> list[Space]:
    """Spaces for ``capacity`` people in ``district`` (``None`` = any) that are open and free for
    ``[start, end)`` with their buffer; by name. A fixed number of queries."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise _error(_l("The end must be after the start."), "end", "invalid_interval")
    if end - start > MAX_BOOKING_LENGTH:
        raise _error(_l("A booking can last at most %(days)d days.", days=MAX_BOOKING_LENGTH.days), "end", "too_long")
    candidates = list_spaces(district=district, accessibility=accessibility, min_capacity=capacity)
    if not candidates:
        return []
    by_space = _busy_by_space(candidates, start, end)
    exceptions = _exceptions_by_space(candidates, start, end)
    result = []
    for space in candidates:
        opened = open_intervals(space, start - timedelta(days=1), end + timedelta(days=1),
                                exceptions.get(space.id, {}))
        if _within(opened, start, end) and not _conflict_items(by_space.get(space.id, []), [(start, end)], space):
            result.append(space)
    return result
