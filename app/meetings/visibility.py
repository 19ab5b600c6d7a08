"""THE visibility rule of meetings: a draft series, its occurrences and everything hanging on
them exist only for staff; to anyone else they are simply not found (404, never 403).

Every route taking a ``series_id`` or ``occurrence_id`` goes through it (``app.core.visibility``
runs these checks before the view); lists use ``visible_series_clause``.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, true

from app.core import visibility
from app.errors import NotFound
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.meetings.statuses import SeriesStatus


def is_staff(viewer: Any) -> bool:
    return bool(viewer is not None and getattr(viewer, "is_authenticated", True)
                and getattr(viewer, "is_staff", False))


def can_see_series(series: MeetingSeries | None, viewer: Any) -> bool:
    """Published and cancelled series are public; drafts are for staff only."""
    return series is not None and (series.status != SeriesStatus.DRAFT or is_staff(viewer))


def visible_series_clause(viewer: Any) -> ColumnElement[bool]:
    """The same rule as an SQL condition on MeetingSeries, for lists."""
    return true() if is_staff(viewer) else MeetingSeries.status != SeriesStatus.DRAFT


def visible_series_or_404(series_id: int, viewer: Any) -> MeetingSeries:
    """The series if ``viewer`` may see it, else NotFound."""
    series = db.session.get(MeetingSeries, series_id)
    if not can_see_series(series, viewer):
        raise NotFound(_l("The meeting was not found."))
    return series


def visible_occurrence_or_404(occurrence_id: int, viewer: Any) -> MeetingOccurrence:
    """The occurrence if ``viewer`` may see its series, else NotFound."""
    occurrence = db.session.get(MeetingOccurrence, occurrence_id)
    if occurrence is None or not can_see_series(occurrence.series, viewer):
        raise NotFound(_l("The meeting was not found."))
    return occurrence


visibility.register("series_id", visible_series_or_404)
visibility.register("occurrence_id", visible_occurrence_or_404)
