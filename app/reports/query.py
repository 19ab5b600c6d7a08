"""Small SQL helpers the report's sections share: which occurrences it covers, month buckets, numbers."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, literal, select

from app.meetings.models import MeetingOccurrence, series_themes
from app.reports.period import REPORT_TZ, local_midnight


def month_bucket(column, months: list[date]):
    """A CASE giving the index of the local month ``column`` falls in (boundaries computed in Python,
    so daylight saving time is right on SQLite too, which has no time zones)."""
    whens = []
    for index, first in enumerate(months):
        next_first = (first + timedelta(days=32)).replace(day=1)
        whens.append((column < local_midnight(next_first), literal(index)))
    return case(*whens, else_=literal(len(months) - 1))


def occurrence_filter(start: datetime, end: datetime, series_id: int | None, theme_id: int | None):
    """WHERE clause selecting the occurrences the report covers."""
    conditions = [MeetingOccurrence.starts_at >= start, MeetingOccurrence.starts_at < end]
    if series_id is not None:
        conditions.append(MeetingOccurrence.series_id == series_id)
    if theme_id is not None:
        conditions.append(MeetingOccurrence.series_id.in_(theme_series(theme_id)))
    return and_(*conditions)


def count_of(value) -> int:
    """A SQL count or sum as an int (``None``, from an empty SUM, is 0)."""
    return int(value or 0)


def ratio_of(part: int, whole: int) -> float | None:
    """``part / whole``; ``None`` when ``whole`` is 0."""
    return part / whole if whole else None


def rounded_average(value) -> float | None:
    """A SQL average rounded to two decimals; ``None`` stays ``None``."""
    return None if value is None else round(float(value), 2)


def names_by_language(fi, sv, en) -> dict[str, str | None]:
    """A translated name as ``{"fi": …, "sv": …, "en": …}``."""
    return {"fi": fi, "sv": sv, "en": en}


def report_date(value: datetime) -> date:
    """The date of ``value`` in the report's time zone."""
    return value.astimezone(REPORT_TZ).date()


def theme_series(theme_id: int):
    """The ids of the series that have theme ``theme_id`` (a subquery)."""
    return select(series_themes.c.series_id).where(series_themes.c.theme_id == theme_id)
