"""Opening hours: the weekly hours and exception days of a space, parsed, checked and turned into
the UTC intervals when it is open; and the small interval arithmetic the rest builds on."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app import scheduling
from app.spaces.models import Space, SpaceException
from app.spaces.services.common import UTC, WEEKDAYS, Interval

_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_RANGE_SPLIT = re.compile(r"\s*[-–—]\s*")


def _clock(text: Any, *, allow_24: bool) -> str:
    """``"8.00"`` → ``"08:00"``; ``24:00`` only as an end."""
    match = _CLOCK.match(str(text)) if isinstance(text, str) else None
    if not match:
        raise ValueError(_("%(value)s is not a time of day (HH:MM).", value=text))
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not allow_24)):
        raise ValueError(_("%(value)s is not a time of day (HH:MM).", value=text))
    return f"{hour:02d}:{minute:02d}"


def clean_ranges(ranges: Any) -> list[list[str]]:
    """Validate ``[["08:00", "12:00"], ["13:00", "20:00"]]``: sorted, start < end, no overlaps."""
    if not isinstance(ranges, (list, tuple)):
        raise ValueError(_("Give the hours as a list of [start, end] pairs."))
    result = []
    for pair in ranges:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(_("Give the hours as a list of [start, end] pairs."))
        start, end = _clock(pair[0], allow_24=False), _clock(pair[1], allow_24=True)
        if end <= start:
            raise ValueError(_("The hours %(start)s–%(end)s end before they start.", start=start, end=end))
        result.append([start, end])
    result.sort()
    for (_s1, e1), (s2, _e2) in zip(result, result[1:]):
        if s2 < e1:
            raise ValueError(_("The hours of one day overlap."))
    return result


def clean_opening_hours(raw: Any) -> dict[str, list[list[str]]] | None:
    """``{"mon": [["08:00","20:00"]], ...}`` checked; ``None`` means bookable at any hour.

    A weekday that is missing (or has no ranges) is closed.
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValidationError(_l("Opening hours must map weekdays (mon … sun) to lists of hours."),
                              field="opening_hours")
    result: dict[str, list[list[str]]] = {}
    for key, ranges in raw.items():
        if key not in WEEKDAYS:
            raise ValidationError(_l("Unknown weekday %(day)s: use mon, tue, wed, thu, fri, sat, sun.", day=key),
                                  field="opening_hours")
        try:
            cleaned = clean_ranges(ranges or [])
        except ValueError as exc:
            raise ValidationError(exc.args[0], field="opening_hours") from None
        if cleaned:
            result[key] = cleaned
    return {day: result[day] for day in WEEKDAYS if day in result}


def parse_hours_text(text: str | None) -> list[list[str]]:
    """``"8-12, 13:00–20:00"`` from a form → ranges; blank → closed. Raises ``ValueError``."""
    text = (text or "").strip()
    if not text:
        return []
    ranges = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        bits = _RANGE_SPLIT.split(part)
        if len(bits) != 2:
            raise ValueError(_("Write the hours like 8.00–16.00, several separated by commas."))
        ranges.append([_with_minutes(bits[0]), _with_minutes(bits[1])])
    return clean_ranges(ranges)


def _with_minutes(text: str) -> str:
    text = text.strip()
    return f"{text}:00" if text.isdigit() else text


def format_hours(ranges: Iterable[Iterable[str]] | None) -> str:
    """``[["08:00","12:00"]]`` → ``"08:00–12:00"``."""
    return ", ".join(f"{a}–{b}" for a, b in (ranges or []))


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local clock time on ``day`` (``24:00`` = the next midnight)."""
    hour, minute = (int(x) for x in clock.split(":"))
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return scheduling.localize(datetime.combine(day, time(hour, minute)), zone).astimezone(UTC)


def _load_exceptions(space: Space, first: date, last: date) -> dict[date, SpaceException]:
    rows = db.session.scalars(select(SpaceException).where(
        SpaceException.space_id == space.id, SpaceException.day >= first, SpaceException.day <= last))
    return {row.day: row for row in rows}


def day_hours(space: Space, day: date, exceptions: dict[date, SpaceException]) -> list[list[str]] | None:
    """The local hours of ``day``: an exception, else closed on a holiday, else the weekly hours.

    ``None`` means open all day (a space without opening hours).
    """
    if day in exceptions:
        return list(exceptions[day].hours or [])
    if space.closed_on_holidays and scheduling.is_holiday(day):
        return []
    if space.opening_hours is None:
        return None
    return list(space.opening_hours.get(WEEKDAYS[day.weekday()], []))


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, overlapping or touching intervals joined."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    """``intervals`` with ``holes`` cut out."""
    result = []
    for start, end in intervals:
        pieces = [(start, end)]
        for h_start, h_end in holes:
            next_pieces = []
            for a, b in pieces:
                if h_end <= a or h_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < h_start:
                    next_pieces.append((a, h_start))
                if h_end < b:
                    next_pieces.append((h_end, b))
            pieces = next_pieces
        result.extend(pieces)
    return result


def _within(intervals: list[Interval], start: datetime, end: datetime) -> bool:
    return any(a <= start and end <= b for a, b in intervals)


def open_intervals(space: Space, start: datetime, end: datetime,
                   exceptions: dict[date, SpaceException] | None = None) -> list[Interval]:
    """When the space is open within ``[start, end)``: merged UTC intervals."""
    zone = ZoneInfo(space.timezone)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    if exceptions is None:
        exceptions = _load_exceptions(space, first, last)
    pieces = []
    day = first
    while day <= last:
        hours = day_hours(space, day, exceptions)
        if hours is None:
            pieces.append((_at(day, "00:00", zone), _at(day, "24:00", zone)))
        else:
            pieces.extend((_at(day, a, zone), _at(day, b, zone)) for a, b in hours)
        day += timedelta(days=1)
    clipped = [(max(a, start), min(b, end)) for a, b in _merge(pieces)]
    return [(a, b) for a, b in clipped if a < b]


def outside_hours_reason(space: Space, start: datetime, end: datetime, reason: str) -> str | None:
    """The override reason of a booking another feature makes (``reason``, cut to 1000 characters)
    when ``[start, end)`` is outside the space's opening hours; ``None`` when it is within them."""
    if space.opening_hours is None and not space.closed_on_holidays:
        return None
    intervals = open_intervals(space, start - timedelta(days=1), end + timedelta(days=1))
    if _within(intervals, start, end):
        return None
    return reason[:1000]
