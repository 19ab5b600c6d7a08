"""Splitting a series where its time or rule changes "from a date onward" (``effective_from``).

The dates that exist before the split keep their time in the service; so that calendars agree,
the definition they follow is kept as a :class:`MeetingSeriesSegment` (its own iCalendar
identity, see ``app/meetings/segments.py``) and the series' current definition applies from
``segment_from`` on, in the feeds and in materialisation alike.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app import scheduling
from app.meetings.models import MeetingSeries, MeetingSeriesSegment
from app.meetings.segments import segment_uid, split_at

TIMING = ("start_local", "timezone", "duration_minutes", "rrule", "skip_holidays")


def snapshot(series: MeetingSeries) -> dict[str, Any]:
    """The series' current definition, taken before an edit."""
    values = {name: getattr(series, name) for name in TIMING}
    values["segment_from"] = series.segment_from
    values["materialised_until"] = series.materialised_until
    return values


def split(series: MeetingSeries, before: dict[str, Any], boundary: datetime) -> datetime | None:
    """Close the definition ``before`` at the split point if it has dates before it.

    Returns the split instant (the current definition now applies from there), or ``None``
    when nothing before the boundary follows the old definition (nothing to keep apart).
    """
    at = split_at(boundary, before["materialised_until"])
    old_from = before["segment_from"]
    if old_from is not None and at < old_from:
        # A change reaching back before an earlier split: earlier segments give way from ``at``.
        for segment in db.session.scalars(select(MeetingSeriesSegment).where(
                MeetingSeriesSegment.series_id == series.id, MeetingSeriesSegment.ends_before > at)):
            if segment.starts_from is not None and segment.starts_from >= at:
                db.session.delete(segment)
            else:
                segment.ends_before = at
        series.segment_from = at
        return at
    dates = scheduling.expand(before["start_local"], before["timezone"], before["rrule"],
                              window_start=old_from, window_end=at, limit=1)
    if not dates:
        return None
    db.session.add(MeetingSeriesSegment(
        series_id=series.id, uid=segment_uid(series.uid, old_from), start_local=before["start_local"],
        timezone=before["timezone"], duration_minutes=before["duration_minutes"], rrule=before["rrule"],
        skip_holidays=before["skip_holidays"], starts_from=old_from, ends_before=at, sequence=series.sequence))
    series.segment_from = at
    return at


def segments_of(series_ids: list[int]) -> dict[int, list[MeetingSeriesSegment]]:
    """The closed segments of the given series, in time order, in one query."""
    if not series_ids:
        return {}
    out: dict[int, list[MeetingSeriesSegment]] = {}
    for row in db.session.scalars(select(MeetingSeriesSegment).where(
            MeetingSeriesSegment.series_id.in_(series_ids)).order_by(
            MeetingSeriesSegment.series_id, MeetingSeriesSegment.ends_before)):
        out.setdefault(row.series_id, []).append(row)
    return out
