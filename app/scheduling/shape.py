"""What a rule says, classified into the patterns that have a sentence in :mod:`app.scheduling.words`."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from app.scheduling.rrule import _WORKDAYS, _Rule

@dataclass(frozen=True)
class _Shape:
    """What a rule says, in the terms that the sentences use."""

    kind: str  # daily | weekly | monthdays | nth | nth_workday | yearly_dates | yearly_nth | custom
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    monthdays: tuple[int, ...] = ()
    nth: tuple[tuple[int, int], ...] = ()  # (position, weekday)
    position: int = 0
    dates: tuple[tuple[int, int], ...] = ()  # (month, day)
    months: tuple[int, ...] = ()


_POSITIONS = (1, 2, 3, 4, 5, -1, -2)


_CUSTOM = _Shape("custom")


def _shape_daily(rule: _Rule, plain: tuple[int, ...]) -> _Shape:
    if not (rule.byday or rule.bymonthday or rule.bymonth or rule.bysetpos):
        return _Shape("daily", rule.interval)
    if plain and rule.interval == 1 and not (rule.bymonthday or rule.bymonth or rule.bysetpos):
        return _Shape("weekly", 1, weekdays=plain)  # daily on given weekdays = every week on them
    return _CUSTOM


def _shape_weekly(rule: _Rule, plain: tuple[int, ...], start: datetime) -> _Shape:
    if rule.bymonth or rule.bysetpos:
        return _CUSTOM
    return _Shape("weekly", rule.interval, weekdays=plain or (start.weekday(),))


def _shape_monthly(rule: _Rule, plain: tuple[int, ...], positioned: tuple[tuple[int, int], ...],
                   start: datetime) -> _Shape:
    i = rule.interval
    if rule.bymonth:
        return _CUSTOM
    if not rule.byday:
        if rule.bysetpos:
            return _CUSTOM
        days = rule.bymonthday or (start.day,)
        if all(d > 0 for d in days) or (len(days) == 1 and days[0] in (-1, -2)):
            return _Shape("monthdays", i, monthdays=days)
        return _CUSTOM
    if rule.bymonthday:
        return _CUSTOM
    if positioned and not rule.bysetpos:
        return _Shape("nth", i, nth=positioned)
    if len(rule.bysetpos) == 1:
        if len(plain) == 1:
            return _Shape("nth", i, nth=((rule.bysetpos[0], plain[0]),))
        if set(plain) == _WORKDAYS:
            return _Shape("nth_workday", i, position=rule.bysetpos[0])
    return _CUSTOM


def _shape_yearly(rule: _Rule, plain: tuple[int, ...], positioned: tuple[tuple[int, int], ...],
                  start: datetime) -> _Shape:
    i = rule.interval
    if not rule.byday and not rule.bysetpos:
        if rule.bymonthday and not rule.bymonth:
            return _CUSTOM  # the given days of every month: a monthly rule in disguise
        months = rule.bymonth or (start.month,)
        days = rule.bymonthday or (start.day,)
        if any(d < 0 for d in days):
            return _CUSTOM
        dates = tuple((m, d) for m in months for d in days if d <= calendar.monthrange(2000, m)[1])
        return _Shape("yearly_dates", i, dates=dates) if dates else _CUSTOM
    if rule.bymonth and not rule.bymonthday:
        if positioned and not rule.bysetpos:
            return _Shape("yearly_nth", i, nth=positioned, months=rule.bymonth)
        if len(plain) == 1 and len(rule.bysetpos) == 1:
            return _Shape("yearly_nth", i, nth=((rule.bysetpos[0], plain[0]),), months=rule.bymonth)
    return _CUSTOM


def _shape(rule: _Rule, start: datetime) -> _Shape:
    """Classify a rule into the patterns that have a sentence; anything else is ``custom``."""
    plain = tuple(wd for n, wd in rule.byday if n is None)
    positioned = tuple((n, wd) for n, wd in rule.byday if n is not None)
    if any(n not in _POSITIONS for n, _ in positioned) or any(p not in _POSITIONS for p in rule.bysetpos):
        return _CUSTOM
    if rule.freq == "DAILY":
        return _shape_daily(rule, plain)
    if rule.freq == "WEEKLY":
        return _shape_weekly(rule, plain, start)
    if rule.freq == "MONTHLY":
        return _shape_monthly(rule, plain, positioned, start)
    return _shape_yearly(rule, plain, positioned, start)
