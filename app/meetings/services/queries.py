"""Reading series and their dates: for the public list, the staff pages and the API."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app import scheduling
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, Registration
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus, SeriesStatus

UTC = timezone.utc


def _is_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_staff", False))


def _seats(status: RegistrationStatus):
    """SUM of the seats of registrations in ``status`` (0 when none)."""
    return func.coalesce(func.sum(case((Registration.status == status, Registration.seats), else_=0)), 0)


def get_series(series_id: int, *, viewer: Any = None) -> MeetingSeries:
    """A series visible to ``viewer`` (drafts for staff only) or NotFound: the one rule of visibility."""
    from app.meetings.visibility import visible_series_or_404

    return visible_series_or_404(series_id, viewer)


def series_page(*, page: int, per_page: int, status: str | None = None, viewer: Any = None):
    """Series for the staff list (newest first) or the public API (published only)."""
    query = select(MeetingSeries).options(selectinload(MeetingSeries.themes)).order_by(
        MeetingSeries.start_local.desc(), MeetingSeries.id.desc())
    if not _is_staff(viewer):
        query = query.where(MeetingSeries.status == SeriesStatus.PUBLISHED)
    if status:
        query = query.where(MeetingSeries.status == status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def registration_counts(occurrence_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{occurrence id: (confirmed seats, waitlisted seats)} in one aggregated query."""
    if not occurrence_ids:
        return {}
    rows = db.session.execute(
        select(Registration.occurrence_id,
               _seats(RegistrationStatus.CONFIRMED), _seats(RegistrationStatus.WAITLISTED))
        .where(Registration.occurrence_id.in_(occurrence_ids))
        .group_by(Registration.occurrence_id))
    counts = {oid: (0, 0) for oid in occurrence_ids}
    for oid, confirmed, waitlisted in rows:
        counts[oid] = (int(confirmed), int(waitlisted))
    return counts


def series_occurrences(series: MeetingSeries, *, start: datetime | None = None, end: datetime | None = None,
                       limit: int = 500) -> list[MeetingOccurrence]:
    """The series' occurrences starting in ``[start, end)``, in time order (at most ``limit``)."""
    query = select(MeetingOccurrence).where(MeetingOccurrence.series_id == series.id)
    if start is not None:
        query = query.where(MeetingOccurrence.starts_at >= start)
    if end is not None:
        query = query.where(MeetingOccurrence.starts_at < end)
    return list(db.session.scalars(query.order_by(MeetingOccurrence.starts_at).limit(limit)))


@dataclass
class MeetingFilters:
    """Filters of the public meetings list."""

    theme_id: int | None = None
    district: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def upcoming_page(filters: MeetingFilters, *, now: datetime, page: int, per_page: int):
    """Upcoming scheduled occurrences of published series, with their series, themes and space.

    A fixed number of queries whatever the data: count, page, themes (selectin), spaces (selectin).
    """
    query = (select(MeetingOccurrence).join(MeetingOccurrence.series)
             .where(MeetingSeries.status == SeriesStatus.PUBLISHED, MeetingOccurrence.status == OccurrenceStatus.SCHEDULED,
                    MeetingOccurrence.ends_at > now)
             .options(contains_eager(MeetingOccurrence.series).selectinload(MeetingSeries.themes),
                      contains_eager(MeetingOccurrence.series).selectinload(MeetingSeries.space),
                      selectinload(MeetingOccurrence.booking))  # the card names a space only when booked
             .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id))
    if filters.theme_id:
        query = query.where(MeetingSeries.themes.any(MeetingTheme.id == filters.theme_id))
    if filters.district:
        query = query.where(MeetingSeries.district == filters.district)
    if filters.language:
        query = query.where(MeetingSeries.language == filters.language)
    if filters.date_from:
        query = query.where(MeetingOccurrence.starts_at >= scheduling.localize(
            datetime.combine(filters.date_from, time(0, 0)), "Europe/Helsinki").astimezone(UTC))
    if filters.date_to:
        query = query.where(MeetingOccurrence.starts_at < scheduling.localize(
            datetime.combine(filters.date_to + timedelta(days=1), time(0, 0)), "Europe/Helsinki").astimezone(UTC))
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def staff_occurrences(series: MeetingSeries, *, now: datetime, past: bool = False,
                      limit: int = 200) -> list[tuple[MeetingOccurrence, int, int]]:
    """(occurrence, confirmed seats, waitlisted seats) for the staff series page, one aggregated query."""
    confirmed, waitlisted = _seats(RegistrationStatus.CONFIRMED), _seats(RegistrationStatus.WAITLISTED)
    query = (select(MeetingOccurrence, confirmed, waitlisted)
             .outerjoin(Registration, and_(Registration.occurrence_id == MeetingOccurrence.id))
             .where(MeetingOccurrence.series_id == series.id)
             .group_by(MeetingOccurrence.id))
    if past:
        query = query.where(MeetingOccurrence.ends_at <= now).order_by(MeetingOccurrence.starts_at.desc())
    else:
        query = query.where(MeetingOccurrence.ends_at > now).order_by(MeetingOccurrence.starts_at)
    return [(o, int(c), int(w)) for o, c, w in db.session.execute(query.limit(limit))]

