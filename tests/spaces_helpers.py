"""Helpers for the resident-space tests: committed spaces and bookings, detached for reading."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.extensions import db
from app.spaces.models import Booking, Space
from tests.factories import detach

HEL = ZoneInfo("Europe/Helsinki")
WEEKDAY_HOURS = {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def hel(*args: int) -> datetime:
    """An aware Helsinki datetime."""
    return datetime(*args, tzinfo=HEL)


def next_weekday(weekday: int, *, weeks: int = 1, today: date | None = None) -> date:
    """A date ``weeks`` weeks ahead on ``weekday`` (0 = Monday) that is not a Finnish holiday."""
    from app.scheduling import is_holiday

    today = today or datetime.now(HEL).date()
    day = today + timedelta(days=7 * weeks + (weekday - today.weekday()) % 7)
    while is_holiday(day):
        day += timedelta(days=7)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HEL)


def make_space(app, **fields: Any) -> Space:
    values: dict[str, Any] = {"name": "Kalasataman asukastila", "address": "Capellan puistotie 1, Helsinki",
                              "district": "central", "capacity": 20, "opening_hours": None,
                              "closed_on_holidays": False, "buffer_minutes": 0, "booking_horizon_days": 365,
                              "accessibility": {}, "equipment": []}
    values.update(fields)
    with app.app_context():
        space = Space(**values)
        db.session.add(space)
        db.session.commit()
        return detach(space)


def make_booking(app, space: Space, start: datetime, end: datetime, **fields: Any) -> Booking:
    """A booking written directly (no rules), with the space's buffer in its block."""
    with app.app_context():
        row = Booking(space_id=space.id, title=fields.pop("title", "Varaus"), starts_at=start, ends_at=end,
                      block_starts_at=start, block_ends_at=end + timedelta(minutes=space.buffer_minutes),
                      status=fields.pop("status", "confirmed"), **fields)
        db.session.add(row)
        db.session.commit()
        return detach(row)
