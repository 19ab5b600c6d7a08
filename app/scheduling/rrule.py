"""RRULE text: parse and check one rule (RFC 5545 subset), and write it back in canonical form."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from app.scheduling.errors import (
    MSG_BAD_VALUE, MSG_CLOCK_MISMATCH, MSG_COUNT_AND_UNTIL, MSG_MONTHDAY_WEEKLY, MSG_NO_FREQ, MSG_POSITION_FREQ,
    MSG_POSITION_MIX, MSG_REPEATED_PART, MSG_SETPOS_ALONE, MSG_SUB_DAILY, MSG_UNKNOWN_PART, MSG_UNSUPPORTED,
    RecurrenceError, _invalid,
)
from app.scheduling.zones import _UTC, _instant

WEEKDAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_INDEX = {code: i for i, code in enumerate(WEEKDAY_CODES)}
_WORKDAYS = frozenset(range(5))
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
_KNOWN_PARTS = frozenset({
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST",
    "BYHOUR", "BYMINUTE", "BYSECOND", "BYWEEKNO", "BYYEARDAY",
})


def _stamp(value: datetime | date) -> str:
    """``YYYYMMDD`` or ``YYYYMMDDTHHMMSS`` (strftime does not pad years before 1000 on glibc)."""
    text = f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if isinstance(value, datetime):
        text += f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    return text


@dataclass(frozen=True)
class _Rule:
    """A parsed RRULE: explicit parts only (no defaults filled in from the start)."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: tuple[str, date | datetime] | None = None  # ("date"|"local"|"utc", value)
    byday: tuple[tuple[int | None, int], ...] = ()  # (position or None, weekday 0=Monday)
    bymonthday: tuple[int, ...] = ()
    bymonth: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: int | None = None
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysecond: tuple[int, ...] = ()


_PREFIX_RE = re.compile(r"^RRULE\s*:", re.IGNORECASE)
_INT_RE = re.compile(r"^[+-]?\d{1,6}$")
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL_RE = re.compile(r"^(\d{8})(?:T(\d{6})(Z)?)?$")


def _signed_key(value: int) -> tuple[bool, int]:
    """Sort order for values that may count from the end: 1, 2, …, then -1, -2, …"""
    return (value < 0, abs(value))


def _ints(part: str, raw: str, low: int, high: int, *, signed: bool = False) -> tuple[int, ...]:
    """A comma-separated list of integers in ``low..high`` (or ``±low..±high`` when ``signed``)."""
    values = set()
    for item in raw.split(","):
        item = item.strip()
        if not _INT_RE.match(item):
            raise _invalid(MSG_BAD_VALUE, part=part, value=item)
        value = int(item)
        if not low <= (abs(value) if signed else value) <= high:
            raise _invalid(MSG_BAD_VALUE, part=part, value=item)
        values.add(value)
    return tuple(sorted(values, key=_signed_key))


def _int(part: str, raw: str, low: int, high: int) -> int:
    """A single integer in ``low..high``."""
    if "," in raw:
        raise _invalid(MSG_BAD_VALUE, part=part, value=raw)
    return _ints(part, raw, low, high)[0]


def _weekday(part: str, raw: str) -> int:
    if raw not in _WEEKDAY_INDEX:
        raise _invalid(MSG_BAD_VALUE, part=part, value=raw)
    return _WEEKDAY_INDEX[raw]


def _parse_until(raw: str) -> tuple[str, date | datetime]:
    match = _UNTIL_RE.match(raw)
    if not match:
        raise _invalid(MSG_BAD_VALUE, part="UNTIL", value=raw)
    day, clock, utc = match.groups()
    try:
        value = datetime.strptime(day + (clock or "000000"), "%Y%m%d%H%M%S")
    except ValueError:
        raise _invalid(MSG_BAD_VALUE, part="UNTIL", value=raw) from None
    if not 1000 <= value.year <= 9998:  # keeps the offset arithmetic clear of datetime.min/max
        raise _invalid(MSG_BAD_VALUE, part="UNTIL", value=raw)
    if clock is None:
        return "date", value.date()
    return ("utc", value.replace(tzinfo=_UTC)) if utc else ("local", value)


def _parts(text: str) -> dict[str, str]:
    """The ``NAME=value`` parts of one RRULE text, upper case, each known part at most once."""
    body = text.strip()
    body = _PREFIX_RE.sub("", body, count=1).strip().rstrip(";").upper()
    if not body or any(c in body for c in "\r\n:"):
        raise _invalid()
    parts: dict[str, str] = {}
    for chunk in body.split(";"):
        key, sep, value = (s.strip() for s in chunk.partition("="))
        if not sep or not key or not value:
            raise _invalid()
        if key not in _KNOWN_PARTS:
            raise _invalid(MSG_UNKNOWN_PART, part=key)
        if key in parts:
            raise _invalid(MSG_REPEATED_PART, part=key)
        parts[key] = value
    return parts


def _freq(parts: dict[str, str]) -> str:
    """FREQ, checked, with the parts that no rule of ours may have."""
    freq = parts.get("FREQ")
    if freq is None:
        raise _invalid(MSG_NO_FREQ)
    if freq in _SUB_DAILY:
        raise RecurrenceError("sub_daily", MSG_SUB_DAILY)
    if freq not in _FREQS:
        raise _invalid(MSG_BAD_VALUE, part="FREQ", value=freq)
    for part in ("BYWEEKNO", "BYYEARDAY"):
        if part in parts:
            # No form produces them and describe() could not put them into words.
            raise RecurrenceError("unsupported", MSG_UNSUPPORTED, params={"part": part})
    if "COUNT" in parts and "UNTIL" in parts:
        raise _invalid(MSG_COUNT_AND_UNTIL)
    return freq


def _clock(parts: dict[str, str]) -> dict[str, tuple[int, ...]]:
    """BYHOUR, BYMINUTE and BYSECOND: at most one value each (at most once a day)."""
    clock = {}
    for part, high in (("BYHOUR", 23), ("BYMINUTE", 59), ("BYSECOND", 59)):
        values = _ints(part, parts[part], 0, high) if part in parts else ()
        if len(values) > 1:
            raise RecurrenceError("sub_daily", MSG_SUB_DAILY)
        clock[part] = values
    return clock


def _byday(raw: str | None, freq: str) -> tuple[tuple[int | None, int], ...]:
    """BYDAY as (position or None, weekday), sorted; positions only in monthly and yearly rules."""
    byday_set: set[tuple[int | None, int]] = set()
    for item in raw.split(",") if raw is not None else ():
        match = _BYDAY_RE.match(item.strip())
        if not match:
            raise _invalid(MSG_BAD_VALUE, part="BYDAY", value=item.strip())
        position = int(match.group(1)) if match.group(1) else None
        if position is not None and not 1 <= abs(position) <= 53:
            raise _invalid(MSG_BAD_VALUE, part="BYDAY", value=item.strip())
        byday_set.add((position, _WEEKDAY_INDEX[match.group(2)]))
    byday = sorted(byday_set, key=lambda pw: (pw[1],) + _signed_key(pw[0] or 0))
    positions = {position is not None for position, _ in byday}
    if True in positions and freq not in ("MONTHLY", "YEARLY"):
        raise _invalid(MSG_POSITION_FREQ)
    if len(positions) > 1:
        # dateutil would AND the two kinds together and RFC 5545 ORs them: refuse the ambiguity.
        raise _invalid(MSG_POSITION_MIX)
    return tuple(byday)


def _optional(parts: dict[str, str], part: str, read: Callable[..., Any], *args: Any, default: Any = None,
              **kwargs: Any) -> Any:
    """``read(part, parts[part], *args)`` when the rule gives ``part``, else ``default``."""
    return read(part, parts[part], *args, **kwargs) if part in parts else default


@lru_cache(maxsize=512)
def _parse(text: str) -> _Rule:
    """Parse one RRULE (with or without the ``RRULE:`` prefix) and check its structure."""
    parts = _parts(text)
    freq = _freq(parts)
    clock = _clock(parts)
    byday = _byday(parts.get("BYDAY"), freq)
    bymonthday = _optional(parts, "BYMONTHDAY", _ints, 1, 31, signed=True, default=())
    if bymonthday and freq == "WEEKLY":
        raise _invalid(MSG_MONTHDAY_WEEKLY)
    bymonth = _optional(parts, "BYMONTH", _ints, 1, 12, default=())
    bysetpos = _optional(parts, "BYSETPOS", _ints, 1, 366, signed=True, default=())
    # BYHOUR and friends do not count: they can only repeat the start's time and are dropped.
    if bysetpos and not (byday or bymonthday or bymonth):
        raise _invalid(MSG_SETPOS_ALONE)

    return _Rule(
        freq=freq,
        interval=_optional(parts, "INTERVAL", _int, 1, 1000, default=1),
        count=_optional(parts, "COUNT", _int, 1, 999_999),
        until=_parse_until(parts["UNTIL"]) if "UNTIL" in parts else None,
        byday=byday,
        bymonthday=bymonthday,
        bymonth=bymonth,
        bysetpos=bysetpos,
        wkst=_optional(parts, "WKST", _weekday),
        byhour=clock["BYHOUR"],
        byminute=clock["BYMINUTE"],
        bysecond=clock["BYSECOND"],
    )


def _check_clock(rule: _Rule, start: datetime) -> None:
    """A single BYHOUR/BYMINUTE/BYSECOND is allowed only when it repeats the start's time."""
    for part, values, actual in (("BYHOUR", rule.byhour, start.hour),
                                 ("BYMINUTE", rule.byminute, start.minute),
                                 ("BYSECOND", rule.bysecond, start.second)):
        if values and values[0] != actual:
            raise _invalid(MSG_CLOCK_MISMATCH, part=part)


def _resolve_until(rule: _Rule, start: datetime, zone: ZoneInfo) -> datetime | None:
    """UNTIL as a UTC instant: a date means the start's wall time on that date, inclusive."""
    if rule.until is None:
        return None
    kind, value = rule.until
    if kind == "utc":
        return value  # type: ignore[return-value]
    if kind == "date":
        value = datetime.combine(value, start.time())  # type: ignore[arg-type]
    return _instant(value, zone)  # type: ignore[arg-type]


def _byday_text(rule: _Rule) -> str:
    return ",".join(f"{'' if n is None else n}{WEEKDAY_CODES[wd]}" for n, wd in rule.byday)


def _format(rule: _Rule, until: datetime | None, *, until_text: str | None = None) -> str:
    """The canonical RRULE text: FREQ, INTERVAL, COUNT/UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST.

    Defaults (INTERVAL=1, WKST=MO) are left out so equal rules have equal text; BYHOUR, BYMINUTE
    and BYSECOND are dropped because they can only repeat the start's time.
    """
    out = [f"FREQ={rule.freq}"]
    if rule.interval != 1:
        out.append(f"INTERVAL={rule.interval}")
    if rule.count is not None:
        out.append(f"COUNT={rule.count}")
    if until_text is not None:
        out.append(f"UNTIL={until_text}")
    elif until is not None:
        out.append(f"UNTIL={_stamp(until.astimezone(_UTC))}Z")
    if rule.byday:
        out.append(f"BYDAY={_byday_text(rule)}")
    for name, values in (("BYMONTHDAY", rule.bymonthday), ("BYMONTH", rule.bymonth),
                         ("BYSETPOS", rule.bysetpos)):
        if values:
            out.append(f"{name}={','.join(map(str, values))}")
    if rule.wkst not in (None, 0):
        out.append(f"WKST={WEEKDAY_CODES[rule.wkst]}")  # type: ignore[index]
    return ";".join(out)
