"""A series' dates: the one hook where a date changes, materialising dates up to the horizon,
and staff's changes of one date (cancel, move).

Every place where an occurrence is created, moved, re-timed or cancelled calls
:func:`_occurrence_changed`, the one hook for side effects such as booking the series' resident
space for that occurrence.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.audit import audit
from app.core.auth import require_staff
from app.core.validation import ErrorCollector
from app.errors import ValidationError
from app.extensions import db
from app import scheduling
from app.meetings import notifications, space_bookings
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.meetings.services.fields import MAX_DURATION
from app.meetings.statuses import OccurrenceStatus, SeriesStatus

UTC = timezone.utc


def _occurrence_changed(occurrence: MeetingOccurrence, change: str, now: datetime, *, actor: Any = None) -> None:
    """Called whenever an occurrence is created, re-timed, moved or cancelled.

    ``change`` is ``created``, ``retimed``, ``moved``, ``cancelled`` or ``deleted`` (a future
    occurrence without registrations replaced when the series' time or rule changed). The booking of the
    series' resident space for the occurrence belongs here (one place for the hook). It stamps
    ``updated_at`` with the service's ``now`` so feeds (LAST-MODIFIED, ETag) follow the change.

    Space bookings (app/meetings/space_bookings.py): a move or cancellation moves or frees the
    booking here (strict: a conflict raises BookingConflict); created and re-timed occurrences are
    booked in one batch by their caller (:func:`materialise_series`, :func:`update_series`) so that
    a conflict lists every conflicting date.
    """
    occurrence.updated_at = now
    if change == "deleted":
        space_bookings.release(occurrence, actor, now)
    elif change in ("moved", "cancelled"):
        space_bookings.sync_booking(occurrence, actor, now, strict=True)


def _horizon(now: datetime, series: MeetingSeries | None = None) -> datetime:
    """Occurrences exist up to this instant: MEETINGS_MATERIALISE_DAYS from now, or from the first
    meeting when the series starts later (so a series planned far ahead still has its first dates)."""
    base = now
    if series is not None:
        base = max(now, scheduling.localize(series.start_local, series.timezone).astimezone(UTC))
    return base + timedelta(days=current_app.config["MEETINGS_MATERIALISE_DAYS"])


def _expand(series: MeetingSeries, window_end: datetime, window_start: datetime | None = None) -> list[datetime]:
    limit = current_app.config["RECURRENCE_MAX_OCCURRENCES"] * 4
    if series.segment_from is not None and (window_start is None or window_start < series.segment_from):
        window_start = series.segment_from  # earlier dates follow an earlier definition (series_split)
    starts = scheduling.expand(series.start_local, series.timezone, series.rrule, window_start=window_start,
                               window_end=window_end, skip_holidays=series.skip_holidays, limit=limit)
    return [s.astimezone(UTC) for s in starts]


def _new_occurrence(series: MeetingSeries, start: datetime) -> MeetingOccurrence:
    return MeetingOccurrence(series_id=series.id, recurrence_id=start, starts_at=start,
                             ends_at=start + timedelta(minutes=series.duration_minutes),
                             capacity=series.capacity, seats_taken=0, status=OccurrenceStatus.SCHEDULED.value)


def materialise_series(series: MeetingSeries, *, now: datetime, window_start: datetime | None = None,
                       actor: Any = None, strict: bool = True) -> int:
    """Create the missing occurrences of ``series`` up to the horizon; returns how many were created.

    New occurrences book the series' space (``strict``: a conflict raises BookingConflict; lenient:
    they stay unbooked, see space_bookings). Idempotent; a concurrent run that inserted the same
    (series, recurrence_id) first makes the insert fail on the unique constraint inside a
    savepoint, and the row is simply skipped.
    """
    horizon = _horizon(now, series)
    if series.status == SeriesStatus.CANCELLED:
        return 0
    existing = set(db.session.scalars(
        select(MeetingOccurrence.recurrence_id).where(MeetingOccurrence.series_id == series.id)))
    created = 0
    new: list[MeetingOccurrence] = []
    for start in _expand(series, horizon, window_start):
        if start in existing:
            continue
        occurrence = _new_occurrence(series, start)
        try:
            with db.session.begin_nested():
                db.session.add(occurrence)
                db.session.flush()
        except IntegrityError:
            continue  # created meanwhile by another run
        _occurrence_changed(occurrence, "created", now, actor=actor)
        new.append(occurrence)
        created += 1
    space_bookings.sync_bookings(new, actor, now, strict=strict)
    if series.materialised_until is None or series.materialised_until < horizon:
        series.materialised_until = horizon
    db.session.flush()
    return created


def materialise_all(*, now: datetime) -> dict[str, int]:
    """Extend every published series up to the horizon (``flask meetings materialise``).

    Lenient about space bookings (nobody to ask): an occurrence whose slot is taken stays without
    a booking, is counted in ``unbooked`` and retried on the next run.
    """
    series_ids = list(db.session.scalars(select(MeetingSeries.id).where(MeetingSeries.status == SeriesStatus.PUBLISHED)
                                         .order_by(MeetingSeries.id)))
    created = unbooked = 0
    for series_id in series_ids:
        series = db.session.get(MeetingSeries, series_id)
        created += materialise_series(series, now=now, strict=False)
        unbooked += len(space_bookings.sync_series(series, None, now, strict=False))
    return {"series": len(series_ids), "created": created, "unbooked": unbooked}


def _cancel(occurrence: MeetingOccurrence, *, now: datetime, reason: str | None, actor: Any = None) -> None:
    occurrence.status = OccurrenceStatus.CANCELLED.value
    occurrence.cancel_reason = reason
    occurrence.cancelled_at = now
    occurrence.sequence += 1
    _occurrence_changed(occurrence, "cancelled", now, actor=actor)


def cancel_occurrence(occurrence: MeetingOccurrence, *, reason: str | None, actor: Any,
                      now: datetime) -> MeetingOccurrence:
    """Cancel one date; its registrations stay as they are and their people get a CANCEL mail."""
    require_staff(actor)
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise ValidationError(_l("This meeting is already cancelled."), field="status", code="already_cancelled")
    if occurrence.ends_at <= now:
        raise ValidationError(_l("A past meeting cannot be changed."), field="status", code="past")
    reason = (reason or "").strip() or None
    if reason and len(reason) > 2000:
        raise ValidationError(_l("At most %(n)d characters.", n=2000), field="reason")
    _cancel(occurrence, now=now, reason=reason, actor=actor)
    db.session.flush()
    notifications.dates_cancelled([occurrence.id], reason=reason)
    audit(actor, "occurrence.cancel", "meeting_occurrence", occurrence.id, series_id=occurrence.series_id,
          reason=reason)
    return occurrence


def move_occurrence(occurrence: MeetingOccurrence, *, starts_at: datetime, ends_at: datetime, actor: Any,
                    now: datetime) -> MeetingOccurrence:
    """Move one date to ``[starts_at, ends_at)`` (aware); its registrants get an updated invitation."""
    require_staff(actor)
    errors = ErrorCollector()
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError(_l("Give times with a time zone."), field="start")
    if ends_at <= starts_at:
        errors.add("end", _l("The end must be after the start."))
    elif ends_at - starts_at > timedelta(minutes=MAX_DURATION):
        errors.add("end", _l("A meeting can last at most 24 hours."))
    if starts_at <= now:
        errors.add("start", _l("The new start must be in the future."))
    if occurrence.status == OccurrenceStatus.CANCELLED:
        errors.add("start", _l("A cancelled meeting cannot be moved."))
    elif occurrence.ends_at <= now:
        errors.add("start", _l("A past meeting cannot be changed."))
    errors.raise_if_any()
    old = (occurrence.starts_at, occurrence.ends_at)
    occurrence.starts_at, occurrence.ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if (occurrence.starts_at, occurrence.ends_at) == old:
        return occurrence
    occurrence.moved = True
    occurrence.sequence += 1
    _occurrence_changed(occurrence, "moved", now, actor=actor)
    db.session.flush()
    notifications.date_moved(occurrence, old_start=old[0], old_end=old[1])
    audit(actor, "occurrence.move", "meeting_occurrence", occurrence.id, series_id=occurrence.series_id,
          old_start=old[0].isoformat(), start=occurrence.starts_at.isoformat(),
          end=occurrence.ends_at.isoformat())
    return occurrence


