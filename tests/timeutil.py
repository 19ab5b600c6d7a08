"""Pure time helpers for tests (no rows): Helsinki datetimes, weekdays that are not holidays."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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
