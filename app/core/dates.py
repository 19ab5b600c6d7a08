"""The range of dates the service takes from people: years 1900–2199.

Python's dates run from year 1 to 9999, so ``date(9999, 12, 31) + timedelta(days=1)`` (the end
of a "to" day, a week view, a time zone offset) overflows and became a 500. Input outside this
range is refused where it enters (forms, query strings, API bodies) with a clear message.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

MIN_YEAR = 1900
MAX_YEAR = 2199


def in_range(value: date | datetime | None) -> bool:
    """True for None and for dates and times within the service's range."""
    return value is None or MIN_YEAR <= value.year <= MAX_YEAR


def out_of_range_message() -> Any:
    return _l("Give a date between the years %(first)d and %(last)d.", first=MIN_YEAR, last=MAX_YEAR)


def parse_day(raw: str | None) -> date | None:
    """``YYYY-MM-DD`` from a query string; None when missing, malformed or out of range."""
    text = (raw or "").strip()
    if not text or not text.isascii():
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_range(day) else None
