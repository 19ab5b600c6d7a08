"""The report's period: local dates in Europe/Helsinki and the UTC window they cover."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from app.errors import ValidationError


REPORT_TZ = ZoneInfo("Europe/Helsinki")


# The longest period one report covers; keeps the month buckets and the page a sensible size.
MAX_PERIOD_MONTHS = 60


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` starts in Helsinki."""
    return datetime.combine(day, time(), REPORT_TZ).astimezone(timezone.utc)


def period_window(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """The half-open UTC interval ``[start, end)`` covering the local dates, both included."""
    return local_midnight(period_start), local_midnight(period_end + timedelta(days=1))


def months_between(period_start: date, period_end: date) -> list[date]:
    """First days of the months the period touches, in order."""
    months = []
    current = period_start.replace(day=1)
    while current <= period_end:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def helsinki_today() -> date:
    """Today's date in Helsinki."""
    return datetime.now(REPORT_TZ).date()


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months: from the first day of the month 11 months back until ``today``."""
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), today


def check_period(period_start: date, period_end: date) -> None:
    """Refuse an inverted or overly long period (a ValidationError naming the ``to`` field)."""
    if period_end < period_start:
        raise ValidationError(_l("The end date must not be before the start date."), field="to")
    if len(months_between(period_start, period_end)) > MAX_PERIOD_MONTHS:
        raise ValidationError(_l("The period can be at most %(n)d months long.", n=MAX_PERIOD_MONTHS),
                              field="to")
