"""Time zones and wall-clock times: IANA names, the gap/fold rules, instants in UTC."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from app.scheduling.errors import MSG_START_RANGE, MSG_UNKNOWN_TIMEZONE, RecurrenceError

_UTC = timezone.utc
# Starts outside these years are refused: far from any meeting, and near date.min/date.max the
# offset arithmetic would overflow.
_MIN_YEAR, _MAX_YEAR = 1900, 2999


@lru_cache(maxsize=1)
def _zone_keys() -> dict[str, str]:
    """Case-folded IANA key → canonical key, read once (scanning tzdata takes ~50 ms)."""
    # "localtime" depends on the host and "Factory" is a placeholder: neither is a real zone.
    return {key.casefold(): key for key in available_timezones() if key not in {"localtime", "Factory"}}


def validate_timezone(name: str | ZoneInfo) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name (matched case-insensitively; store ``zone.key``).

    Raises ``RecurrenceError("unknown_timezone", field="timezone")`` for anything else, including
    file-system paths and the ``posix/`` and ``right/`` copies of the database.
    """
    if isinstance(name, ZoneInfo):
        return name
    key = _zone_keys().get(name.strip().casefold()) if isinstance(name, str) else None
    if key is None:
        raise RecurrenceError("unknown_timezone", MSG_UNKNOWN_TIMEZONE, field="timezone",
                              params={"timezone": str(name)})
    return ZoneInfo(key)


def _wall(value: datetime, zone: ZoneInfo) -> datetime:
    """A start as naive wall-clock time in ``zone``, to the second (aware values are converted)."""
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise RecurrenceError("out_of_range", MSG_START_RANGE, field="start",
                              params={"min": _MIN_YEAR, "max": _MAX_YEAR})
    if value.tzinfo is not None:
        value = value.astimezone(zone).replace(tzinfo=None)
    return value.replace(microsecond=0, fold=0)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive wall time; PEP 495 ``fold=0`` gives exactly our gap/fold rules."""
    # In a gap, fold=0 uses the offset from before the transition, so 03:30 "+02:00" is 01:30Z,
    # i.e. 04:30 EEST: the wall time moves forward by the gap. In a fold it is the first instant.
    return wall.replace(tzinfo=zone, fold=0).astimezone(_UTC)


def localize(wall: datetime, tz: str | ZoneInfo) -> datetime:
    """An aware datetime in ``tz`` for a naive wall-clock time, with the series' gap/fold rules.

    A time in the spring-forward gap moves forward by the gap (03:30 → 04:30 EEST); an ambiguous
    autumn time is the first of the two (summer time). An aware ``wall`` is just converted.
    """
    zone = validate_timezone(tz)
    if wall.tzinfo is not None:
        return wall.astimezone(zone)
    return _instant(wall, zone).astimezone(zone)


def _as_utc(value: datetime, zone: ZoneInfo) -> datetime:
    """An instant in UTC; a naive value is read as wall time in ``zone``.

    Everything is compared in UTC because PEP 495 makes an aware datetime inside a fold unequal to
    any datetime of another zone, even one denoting the same instant.
    """
    try:
        return _instant(value, zone) if value.tzinfo is None else value.astimezone(_UTC)
    except OverflowError:  # a window bound such as datetime.min: clamp
        return (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=_UTC)


def _local_date(instant: datetime, zone: ZoneInfo, shift: timedelta) -> date:
    """The local date of ``instant + shift``, clamped to the calendar's ends."""
    try:
        return (instant + shift).astimezone(zone).date()
    except OverflowError:
        return date.max if shift > timedelta(0) else date.min
