"""The rules a booking (or a request) must meet before the overlap check: a real interval within
the space's limits, not in the past nor beyond the horizon, inside the opening hours."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from app.core.dates import format_duration
from app.spaces.models import Space
from app.spaces.services.common import (MAX_BOOKING_LENGTH, PAST_TOLERANCE, STAFF_HORIZON_DAYS, Interval, _error)
from app.spaces.services.hours import _within, open_intervals


def _check_length(space: Space, start: datetime, end: datetime, *, strict: bool) -> None:
    """end > start; at most MAX_BOOKING_LENGTH; the space's own minimum and maximum when ``strict``."""
    if end <= start:
        raise _error(_l("The end must be after the start."), "end", "invalid_interval")
    if end - start > MAX_BOOKING_LENGTH:
        raise _error(_l("A booking can last at most %(days)d days.", days=MAX_BOOKING_LENGTH.days), "end", "too_long")
    if not strict:
        return
    minutes = (end - start).total_seconds() / 60
    if space.min_duration_minutes and minutes < space.min_duration_minutes:
        raise _error(_l("A booking of this space must last at least %(duration)s.",
                        duration=format_duration(space.min_duration_minutes)),
                     "end", "too_short")
    if space.max_duration_minutes and minutes > space.max_duration_minutes:
        raise _error(_l("A booking of this space can last at most %(duration)s.",
                        duration=format_duration(space.max_duration_minutes)),
                     "end", "too_long")


def _check_headcount(space: Space, headcount: Any) -> None:
    if headcount is None:
        return
    if isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 1:
        raise _error(_l("The number of people must be a whole number of at least 1."), "headcount", "invalid")
    if headcount > space.capacity:
        raise _error(_l("The space holds at most %(n)d people.", n=space.capacity), "headcount", "over_capacity")


def _check_interval(space: Space, start: datetime, end: datetime, *, strict: bool,
                    headcount: int | None) -> None:
    """end > start, length limits, headcount within capacity."""
    _check_length(space, start, end, strict=strict)
    _check_headcount(space, headcount)


def horizon_days_for(space: Space, actor: Any) -> int:
    """How far ahead ``actor`` may book: the space's horizon, for staff at least a year."""
    days = space.booking_horizon_days or 365
    if getattr(actor, "is_staff", False):
        days = max(days, STAFF_HORIZON_DAYS)
    return days


def _check_when(space: Space, start: datetime, *, now: datetime, actor: Any) -> None:
    """Not in the past, not beyond the booking horizon."""
    if start < now - PAST_TOLERANCE:
        raise _error(_l("The start is in the past."), "start", "in_the_past")
    days = horizon_days_for(space, actor)
    if start > now + timedelta(days=days):
        raise _error(_l("This space can be booked at most %(days)d days ahead.", days=days), "start", "beyond_horizon")


def _check_open(space: Space, start: datetime, end: datetime, *, override_reason: str | None, actor: Any,
                intervals: list[Interval] | None = None) -> str | None:
    """The override reason to store when the space is closed then, or ``None``; refuses without one."""
    intervals = intervals if intervals is not None else open_intervals(space, start - timedelta(days=1),
                                                                     end + timedelta(days=1))
    if _within(intervals, start, end):
        return None
    reason = (override_reason or "").strip()
    if reason and getattr(actor, "is_staff", False):
        return reason[:1000]
    raise _error(_l("The space is not open at that time. Staff may book outside the opening hours by "
                    "giving a reason."), "start", "outside_opening_hours")


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise _error(_l("Enter a title for the booking."), "title", "required")
    if len(title) > 200:
        raise _error(_l("The title is too long (at most 200 characters)."), "title", "too_long")
    return title
