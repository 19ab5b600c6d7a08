"""Expanding a rule into occurrences: checking a user's rule (:func:`normalize_rrule`) and listing
its dates (:func:`expand`, :func:`next_dates`) with a period-by-period expander that always stops."""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from app.scheduling.errors import (
    MSG_BEYOND_HORIZON, MSG_EMPTY, MSG_ENDS_BEFORE_START, MSG_START_MISMATCH, MSG_TOO_MANY, RecurrenceError, _invalid,
)
from app.scheduling.finnish_holidays import is_holiday
from app.scheduling.rrule import _check_clock, _format, _parse, _resolve_until, _Rule, _stamp
from app.scheduling.zones import _as_utc, _instant, _local_date, _wall, validate_timezone

#: Defaults matching ``Config.RECURRENCE_MAX_OCCURRENCES`` / ``RECURRENCE_HORIZON_DAYS``; callers
#: should pass the configured values.
DEFAULT_MAX_OCCURRENCES = 260
DEFAULT_HORIZON = timedelta(days=730)

# Expansion never looks further than this past the start: a bound for rules without an end that
# are expanded without a window, so that even a rule that never matches terminates.
_MAX_SPAN_YEARS = 100
# Wider than any DST shift in the tz database (2 h), so a local UNTIL bound never cuts an
# occurrence that the exact instant comparison afterwards would keep.
_UNTIL_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class _Plan:
    """A rule with the start's defaults filled in, ready for :func:`_iter_dates`."""

    freq: str
    interval: int
    wkst: int
    months: frozenset[int] | None
    monthdays: frozenset[int] | None  # positive days and negative ones counted from the month's end
    weekdays: frozenset[int] | None  # plain BYDAY
    nth: tuple[tuple[int, int], ...] | None  # BYDAY with a position: (position, weekday)
    setpos: tuple[int, ...] | None


def _plan(rule: _Rule, start: date) -> _Plan:
    months = set(rule.bymonth)
    monthdays = set(rule.bymonthday)
    weekdays = {wd for n, wd in rule.byday if n is None}
    nth = tuple((n, wd) for n, wd in rule.byday if n is not None)
    # RFC 5545: what the rule leaves open comes from DTSTART (the same defaults as dateutil).
    if not rule.byday and not rule.bymonthday:
        if rule.freq == "YEARLY":
            months = months or {start.month}
            monthdays = {start.day}
        elif rule.freq == "MONTHLY":
            monthdays = {start.day}
        elif rule.freq == "WEEKLY":
            weekdays = {start.weekday()}
    return _Plan(
        freq=rule.freq,
        interval=rule.interval,
        wkst=rule.wkst or 0,
        months=frozenset(months) or None,
        monthdays=frozenset(monthdays) or None,
        weekdays=frozenset(weekdays) or None,
        nth=nth or None,
        setpos=rule.bysetpos or None,
    )


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _nth_days(nth: Iterable[tuple[int, int]], first: date, last: date) -> set[date]:
    """The days that are the n-th (or n-th from the end) given weekday between first and last."""
    days = set()
    for n, wd in nth:
        if n > 0:
            day = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
            if day <= last:
                days.add(day)
        else:
            day = last - timedelta(days=(last.weekday() - wd) % 7 + 7 * (-n - 1))
            if day >= first:
                days.add(day)
    return days


def _period(plan: _Plan, start: date, k: int) -> tuple[date, list[tuple[date, date]]]:
    """The k-th period's first day and the ranges that BYDAY positions count within."""
    step = k * plan.interval
    if plan.freq == "DAILY":
        day = start + timedelta(days=step)
        return day, [(day, day)]
    if plan.freq == "WEEKLY":
        first = start - timedelta(days=(start.weekday() - plan.wkst) % 7) + timedelta(weeks=step)
        return first, [(first, first + timedelta(days=6))]
    if plan.freq == "MONTHLY":
        year, month0 = divmod(start.year * 12 + start.month - 1 + step, 12)
        first = date(year, month0 + 1, 1)
        return first, [(first, _month_end(year, month0 + 1))]
    year = start.year + step
    if plan.months:
        # Yearly with BYMONTH: positions such as -1SU count within each month (RFC 5545, note 2).
        return date(year, 1, 1), [(date(year, m, 1), _month_end(year, m)) for m in sorted(plan.months)]
    return date(year, 1, 1), [(date(year, 1, 1), date(year, 12, 31))]


def _candidates(plan: _Plan, first: date, last: date) -> list[date]:
    """The days of one range that pass every BY filter, in order."""
    nth_days = _nth_days(plan.nth, first, last) if plan.nth else None
    # Generate from the most selective part, then apply all filters (RFC parts combine with AND).
    if nth_days is not None:
        pool: Iterable[date] = sorted(nth_days)
    elif plan.weekdays is not None:
        pool = sorted(first + timedelta(days=(wd - first.weekday()) % 7 + 7 * i)
                      for wd in plan.weekdays for i in range(((last - first).days + 7) // 7 + 1))
    elif plan.monthdays is not None and (first.year, first.month) == (last.year, last.month):
        end = _month_end(first.year, first.month).day
        days = {d if d > 0 else end + 1 + d for d in plan.monthdays}
        pool = [first.replace(day=d) for d in sorted(days) if 1 <= d <= end]
    else:
        pool = (first + timedelta(days=i) for i in range((last - first).days + 1))
    out = []
    for day in pool:
        if day < first or day > last:
            continue
        if plan.months is not None and day.month not in plan.months:
            continue
        if plan.weekdays is not None and day.weekday() not in plan.weekdays:
            continue
        if plan.monthdays is not None:
            end = calendar.monthrange(day.year, day.month)[1]
            if day.day not in plan.monthdays and day.day - end - 1 not in plan.monthdays:
                continue
        out.append(day)
    return out


def _first_period(plan: _Plan, start: date, target: date) -> int:
    """A period index whose periods all end before ``target`` (a safe place to fast-forward to)."""
    if target <= start:
        return 0
    if plan.freq == "DAILY":
        k = (target - start).days // plan.interval
    elif plan.freq == "WEEKLY":
        k = (target - start).days // (7 * plan.interval)
    elif plan.freq == "MONTHLY":
        k = ((target.year - start.year) * 12 + target.month - start.month) // plan.interval
    else:
        k = (target.year - start.year) // plan.interval
    return max(0, k - 1)


def _iter_dates(plan: _Plan, start: date, last: date, first_period: int = 0) -> Iterator[date]:
    """The rule's dates from ``start`` to ``last`` inclusive; always terminates."""
    k = first_period
    while True:
        try:
            first, ranges = _period(plan, start, k)
        except (OverflowError, ValueError):  # past date.max
            return
        if first > last:
            return
        days = [d for r in ranges for d in _candidates(plan, *r)]
        if plan.setpos:
            days = _select(days, plan.setpos)
        for day in days:
            if day > last:
                return
            if day >= start:
                yield day
        k += 1


def _select(days: list[date], positions: Iterable[int]) -> list[date]:
    """BYSETPOS: the days at the given 1-based positions (negative from the end), in order."""
    chosen = set()
    for position in positions:
        index = position - 1 if position > 0 else len(days) + position
        if 0 <= index < len(days):
            chosen.add(days[index])
    return sorted(chosen)


@dataclass(frozen=True)
class _Compiled:
    rule: _Rule
    plan: _Plan
    until: datetime | None  # UTC


@lru_cache(maxsize=1024)
def _compile(text: str, start: datetime, tz_key: str) -> _Compiled:
    """Parse, check and plan a rule for one start; cached because series are expanded often."""
    rule = _parse(text)
    _check_clock(rule, start)
    zone = ZoneInfo(tz_key)
    return _Compiled(rule, _plan(rule, start.date()), _resolve_until(rule, start, zone))


def _span_end(start: datetime) -> date:
    return date(min(start.year + _MAX_SPAN_YEARS, date.max.year), 12, 31)


def _walk(compiled: _Compiled, start: datetime, zone: ZoneInfo, *, last: date,
          after: date | None = None) -> Iterator[tuple[datetime, datetime]]:
    """(wall time, UTC instant) of each occurrence up to the date ``last``, honouring COUNT and UNTIL.

    ``after`` lets a rule without COUNT skip whole periods that end before that date.
    """
    until = compiled.until
    if until is not None:
        last = min(last, _local_date(until, zone, _UNTIL_SLACK))
    first_period = 0
    if after is not None and compiled.rule.count is None:
        first_period = _first_period(compiled.plan, start.date(), after)
    clock = start.time()
    for index, day in enumerate(_iter_dates(compiled.plan, start.date(), last, first_period)):
        if compiled.rule.count is not None and index >= compiled.rule.count:
            return
        wall = datetime.combine(day, clock)
        instant = _instant(wall, zone)
        if until is not None and instant > until:
            return
        yield wall, instant


# --- public API: validation and expansion -------------------------------------------------------
def normalize_rrule(text: str | None, *, start_local: datetime, tz: str, max_occurrences: int,
                    horizon: timedelta) -> str | None:
    """Check a user's RRULE for a series starting at ``start_local`` and return its canonical text.

    Accepts ``FREQ=WEEKLY;BYDAY=TU`` with or without ``RRULE:``, in any case; blank or ``None``
    means no recurrence and returns ``None``. The canonical text has a stable part order (FREQ,
    INTERVAL, COUNT/UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST) and UNTIL in UTC
    (``YYYYMMDDTHHMMSSZ``); a date-only or local UNTIL is read in ``tz``, a date meaning the start's
    wall-clock time on that date, so the occurrence on that date is included.

    A rule without an end is allowed. Raises :class:`RecurrenceError` with ``code``:
    ``invalid_rrule`` (syntax, bad values, RFC 5545 violations), ``sub_daily`` (HOURLY, MINUTELY,
    SECONDLY, several BYHOUR/BYMINUTE/BYSECOND values), ``unsupported`` (BYWEEKNO, BYYEARDAY),
    ``empty`` (no dates, or UNTIL before the start), ``start_mismatch`` (field ``start``: the start
    is not one of the rule's dates), ``too_many`` (more than ``max_occurrences`` in
    ``[start, start + horizon)``), ``beyond_horizon`` (a rule with COUNT or UNTIL that still has
    dates after the horizon; leave the end out instead), ``unknown_timezone``, ``out_of_range``
    (field ``start``, a start outside the years 1900–2999).
    """
    if text is None or not str(text).strip():
        return None
    zone = validate_timezone(tz)
    start = _wall(start_local, zone)
    rule = _parse(str(text))
    _check_clock(rule, start)
    until = _resolve_until(rule, start, zone)
    canonical = _format(rule, until)
    _check_with_dateutil(rule, start, until, zone)

    days = horizon.days
    if until is not None and until < _instant(start, zone):
        raise RecurrenceError("empty", MSG_ENDS_BEFORE_START)
    compiled = _compile(canonical, start, zone.key)
    # wall clock: N days ahead is N calendar days whatever DST does
    horizon_end = start + min(horizon, datetime.max - start)
    within: list[datetime] = []
    beyond = False
    for wall, _instant_utc in _walk(compiled, start, zone, last=min(horizon_end.date(), _span_end(start))):
        if wall >= horizon_end:
            beyond = True
            break
        within.append(wall)
        if len(within) > max_occurrences:
            raise RecurrenceError("too_many", MSG_TOO_MANY, params={"max": max_occurrences, "days": days})
    if not within:
        raise RecurrenceError("empty", MSG_EMPTY, params={"days": days})
    if within[0] != start:
        raise RecurrenceError("start_mismatch", MSG_START_MISMATCH, field="start",
                              params={"start": start.date().isoformat(), "first": within[0].date().isoformat()})
    if rule.count is not None:
        # A rule that matches once matches periodically for ever, so the rest lies past the horizon.
        beyond = rule.count > len(within)
    elif until is not None and not beyond:
        for wall, _instant_utc in _walk(compiled, start, zone, last=_span_end(start), after=horizon_end.date()):
            if wall >= horizon_end:
                beyond = True
                break
    if beyond and (rule.count is not None or until is not None):
        raise RecurrenceError("beyond_horizon", MSG_BEYOND_HORIZON, params={"days": days})
    return canonical


def _check_with_dateutil(rule: _Rule, start: datetime, until: datetime | None, zone: ZoneInfo) -> None:
    """A second opinion from dateutil's parser on the canonical rule (naive DTSTART, local UNTIL)."""
    local_until = None
    if until is not None:
        local_until = _stamp(until.astimezone(zone))
    text = _format(rule, None, until_text=local_until)
    if not rule.wkst:
        text += ";WKST=MO"  # explicit: dateutil's default follows calendar.firstweekday()
    try:
        rrulestr(text, dtstart=start)
    except (ValueError, TypeError, OverflowError, IndexError, KeyError) as exc:
        raise _invalid() from exc


def expand(start_local: datetime, tz: str, rrule: str | None, *, window_start: datetime | None = None,
           window_end: datetime | None = None, exdates: Iterable[datetime] = (),
           skip_holidays: bool = False, limit: int) -> list[datetime]:
    """The occurrences of a series as aware datetimes in ``tz``, in order, at most ``limit``.

    ``rrule`` ``None`` (or blank) means one occurrence, the start. Occurrences keep the start's
    wall-clock time across DST (gap times move forward by the gap, ambiguous ones take the first
    instant). Only starts in ``[window_start, window_end)`` are returned (widen ``window_start`` by
    the duration to get meetings overlapping a window). ``exdates`` remove occurrences by instant
    (naive ones are read as wall time in ``tz``); ``skip_holidays`` drops dates that are Finnish
    public holidays. COUNT counts before either removal. Without ``window_end`` or an end in the
    rule, expansion stops after ``limit`` occurrences (and never looks more than 100 years ahead).
    The rule may be any rule :func:`normalize_rrule` accepts; it raises the same errors.
    """
    zone = validate_timezone(tz)
    start = _wall(start_local, zone)
    if limit <= 0:
        return []
    low = _as_utc(window_start, zone) if window_start is not None else None
    high = _as_utc(window_end, zone) if window_end is not None else None
    excluded = {_as_utc(value, zone) for value in exdates}

    if rrule is None or not rrule.strip():
        occurrences: Iterable[tuple[datetime, datetime]] = [(start, _instant(start, zone))]
    else:
        compiled = _compile(rrule.strip(), start, zone.key)
        last = _span_end(start)
        if high is not None:
            last = min(last, _local_date(high, zone, _UNTIL_SLACK))
        after = _local_date(low, zone, -_UNTIL_SLACK) if low is not None else None
        occurrences = _walk(compiled, start, zone, last=last, after=after)

    result: list[datetime] = []
    for _wall_time, instant in occurrences:
        # Instants grow with the dates (days are 24 h ± at most 2 h apart), so stop at the end.
        if high is not None and instant >= high:
            break
        if (low is not None and instant < low) or instant in excluded:
            continue
        local = instant.astimezone(zone)
        if skip_holidays and is_holiday(local.date()):
            continue
        result.append(local)
        if len(result) >= limit:
            break
    return result


def next_dates(start_local: datetime, tz: str, rrule: str | None, *, after: datetime, n: int = 5,
               skip_holidays: bool = False) -> list[datetime]:
    """The first ``n`` occurrences strictly after the instant ``after`` (for the form's preview)."""
    # Occurrences are whole seconds, so "strictly after" is "from one microsecond later".
    try:
        window_start = after + timedelta(microseconds=1)
    except OverflowError:
        return []
    return expand(start_local, tz, rrule, window_start=window_start, skip_holidays=skip_holidays, limit=n)
