"""The series form's date preview: how many dates there are, the first few, and the space's conflicts.

The preview answers what saving would do: "the first 5 of 6 dates" (not "6 times" next to five
dates), and — when the meeting is held in a resident space — the dates at which that space is
already booked, the same check that makes saving refuse (``space_bookings.sync_bookings``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.extensions import db
from app import scheduling
from app.meetings.models import MeetingSeries
from app.spaces import services as spaces
from app.spaces.models import Space
from app.spaces.services import ConflictItem

SHOWN = 5


@dataclass
class Preview:
    """``dates``: the first ``SHOWN`` upcoming dates; ``total``: all upcoming ones (``None``: no end)."""

    description: str
    dates: list[datetime]
    total: int | None
    rrule: str | None
    conflicts: list[ConflictItem] = field(default_factory=list)


def build_preview(start_local: datetime, tz: str, rule: str | None, *, now: datetime, description: str,
                  skip_holidays: bool, duration: timedelta, max_count: int, horizon_days: int,
                  space: Space | None = None, series: MeetingSeries | None = None) -> Preview:
    """Dates after ``now``; a rule without COUNT/UNTIL has no total. Conflicts within the booking horizon."""
    upcoming = scheduling.next_dates(start_local, tz, rule, after=now, n=max_count, skip_holidays=skip_holidays)
    endless = bool(rule) and "COUNT=" not in rule.upper() and "UNTIL=" not in rule.upper()
    total = None if endless else len(upcoming)
    conflicts: list[ConflictItem] = []
    if space is not None:
        horizon = now + timedelta(days=horizon_days)
        conflicts = space_conflicts(space, [(s, s + duration) for s in upcoming if s < horizon], series)
    return Preview(description, upcoming[:SHOWN], total, rule, conflicts)


def space_conflicts(space: Space, intervals: list[tuple[datetime, datetime]],
                    series: MeetingSeries | None = None) -> list[ConflictItem]:
    """The live bookings of ``space`` in the way of the intervals (the series' own bookings are not)."""
    own = {o.booking_id for o in series.occurrences if o.booking_id} if series is not None else set()
    items = []
    for start, end in intervals:
        for booking in spaces.find_conflicts(space, start, end):
            if booking.id not in own:
                items.append(ConflictItem(booking.starts_at, booking.ends_at, booking.id, start, end, booking.title))
    return items


def chosen_space(form: Any) -> Space | None:
    """The resident space the form names, when the meeting is held in one."""
    if form.location_mode.data not in ("space", "hybrid") or not (form.space_id.data or "").isdigit():
        return None
    return db.session.get(Space, int(form.space_id.data))
