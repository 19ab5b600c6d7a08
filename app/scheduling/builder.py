"""The friendly form: an RRULE from the series form's choices, and a date's weekday position."""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from app.scheduling.errors import (
    MSG_COUNT_OR_UNTIL, MSG_COUNT_RANGE, MSG_FREQ_CHOICE, MSG_INTERVAL_RANGE, MSG_MONTHLY_MODE, MSG_NTH,
    MSG_ONE_WEEKDAY, MSG_UNTIL_TYPE, MSG_WEEKDAY, RecurrenceError,
)
from app.scheduling.expansion import DEFAULT_MAX_OCCURRENCES
from app.scheduling.rrule import _FREQS, _WEEKDAY_INDEX, WEEKDAY_CODES, _stamp
from app.scheduling.zones import _UTC

def _whole(value: Any, field: str, message: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RecurrenceError("out_of_range", message, field=field, params={"min": low, "max": high})
    return value


def build_rrule(freq: str | None, *, interval: int = 1, byday: Iterable[str] = (),
                monthly_mode: Literal["monthday", "nth_weekday"] | None = None, nth: int | None = None,
                count: int | None = None, until: date | None = None,
                max_count: int = DEFAULT_MAX_OCCURRENCES) -> str | None:
    """An RRULE from the series form; ``freq`` ``None``/blank means "does not repeat" → ``None``.

    * ``DAILY``, ``WEEKLY`` (``byday`` optional: empty means the start's weekday), ``MONTHLY``,
      ``YEARLY`` (the start's day and month); ``interval`` 1–52.
    * ``MONTHLY`` with ``monthly_mode`` ``None``/``"monthday"`` repeats on the start's day of the
      month (months without that day are skipped, as RFC 5545 says); ``"nth_weekday"`` needs one
      weekday in ``byday`` and ``nth`` 1–4 or -1 (last), and is written in the compact, widely
      supported form ``BYDAY=2TU`` (not ``BYDAY=TU;BYSETPOS=2``).
    * ``count`` 1–``max_count`` or ``until`` (a date, inclusive; :func:`normalize_rrule` turns it
      into UTC), not both.

    Inputs that do not apply to the chosen frequency are ignored, as a form submits hidden fields
    too. The result is not yet checked against a start: pass it to :func:`normalize_rrule`.
    Raises :class:`RecurrenceError` with ``field`` ``freq``, ``interval``, ``byday``,
    ``monthly_mode``, ``nth``, ``count`` or ``until``.
    """
    if freq is None or not str(freq).strip():
        return None
    freq = str(freq).strip().upper()
    if freq not in _FREQS:
        raise RecurrenceError("invalid_choice", MSG_FREQ_CHOICE, field="freq")
    interval = _whole(interval, "interval", MSG_INTERVAL_RANGE, 1, 52)
    if count is not None:
        count = _whole(count, "count", MSG_COUNT_RANGE, 1, max_count)
    if until is not None and not isinstance(until, date):
        raise RecurrenceError("invalid", MSG_UNTIL_TYPE, field="until")
    if count is not None and until is not None:
        raise RecurrenceError("count_and_until", MSG_COUNT_OR_UNTIL, field="until")
    days = []
    for code in byday:
        code = str(code).strip().upper()
        if code not in _WEEKDAY_INDEX:
            raise RecurrenceError("invalid_weekday", MSG_WEEKDAY, field="byday", params={"value": code})
        days.append(code)
    days = sorted(set(days), key=_WEEKDAY_INDEX.__getitem__)

    parts = [f"FREQ={freq}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if count is not None:
        parts.append(f"COUNT={count}")
    if isinstance(until, datetime):
        parts.append(f"UNTIL={_stamp(until.astimezone(_UTC))}Z" if until.tzinfo else f"UNTIL={_stamp(until)}")
    elif until is not None:
        parts.append(f"UNTIL={_stamp(until)}")
    if freq == "WEEKLY" and days:
        parts.append("BYDAY=" + ",".join(days))
    elif freq == "MONTHLY":
        if monthly_mode not in (None, "monthday", "nth_weekday"):
            raise RecurrenceError("invalid_choice", MSG_MONTHLY_MODE, field="monthly_mode")
        if monthly_mode == "nth_weekday":
            if isinstance(nth, bool) or nth not in (1, 2, 3, 4, -1):
                raise RecurrenceError("out_of_range", MSG_NTH, field="nth")
            if len(days) != 1:
                raise RecurrenceError("one_weekday", MSG_ONE_WEEKDAY, field="byday")
            parts.append(f"BYDAY={nth}{days[0]}")
    return ";".join(parts)


def weekday_position(day: date) -> tuple[str, int, bool]:
    """(weekday code, which one of the month 1–5, whether it is the month's last), for the form.

    2026-10-13 → ("TU", 2, False); 2026-10-27 → ("TU", 4, True).
    """
    last = calendar.monthrange(day.year, day.month)[1]
    return WEEKDAY_CODES[day.weekday()], (day.day - 1) // 7 + 1, day.day + 7 > last
