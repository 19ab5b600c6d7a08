"""Slots: each window cut into ``slot_minutes`` pieces, free or taken.

What the public sees is only ``(start, end, free)``: never who booked. One query for the windows
and one for the taken starts, whatever the range.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.validation import check_query_range
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.guidance.models import GuidanceAppointment, GuidanceHour, GuidanceWindow
from app.guidance.statuses import AppointmentStatus, HourStatus, WindowStatus

MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class Slot:
    """One slot of a window; ``free`` is False when booked or already started."""

    start: datetime
    end: datetime
    free: bool
    window_id: int
    taken: bool = False


def window_slots(hour: GuidanceHour, window: GuidanceWindow) -> list[tuple[datetime, datetime]]:
    """The ``[start, end)`` pairs of one window."""
    step = timedelta(minutes=hour.slot_minutes)
    count = hour.duration_minutes // hour.slot_minutes
    return [(window.starts_at + i * step, window.starts_at + (i + 1) * step) for i in range(count)]


def windows_between(hour: GuidanceHour, start: datetime | None, end: datetime | None) -> list[GuidanceWindow]:
    """Scheduled windows of ``hour`` overlapping ``[start, end)`` in time order."""
    query = select(GuidanceWindow).where(GuidanceWindow.guidance_hour_id == hour.id,
                                         GuidanceWindow.status == WindowStatus.SCHEDULED)
    if start is not None:
        query = query.where(GuidanceWindow.ends_at > start)
    if end is not None:
        query = query.where(GuidanceWindow.starts_at < end)
    return list(db.session.scalars(query.order_by(GuidanceWindow.starts_at)))


def taken_starts(hour_id: int, start: datetime | None, end: datetime | None) -> set[datetime]:
    """Starts of live appointments of the hour in the range."""
    query = select(GuidanceAppointment.starts_at).where(GuidanceAppointment.guidance_hour_id == hour_id,
                                                        GuidanceAppointment.status != AppointmentStatus.CANCELLED)
    if start is not None:
        query = query.where(GuidanceAppointment.ends_at > start)
    if end is not None:
        query = query.where(GuidanceAppointment.starts_at < end)
    return set(db.session.scalars(query))


def slots(hour: GuidanceHour, *, now: datetime, start: datetime | None = None,
          end: datetime | None = None) -> list[Slot]:
    """Every slot whose start is in ``[start, end)`` (default: from now on), free or taken.

    A slot that has started is never free. A cancelled hour has no slots.
    """
    if hour.status != HourStatus.PUBLISHED:
        return []
    start = start if start is not None else now
    windows = windows_between(hour, start, end)
    taken = taken_starts(hour.id, start, end)
    result = []
    for window in windows:
        for slot_start, slot_end in window_slots(hour, window):
            if slot_start < start or (end is not None and slot_start >= end):
                continue
            is_taken = slot_start in taken
            result.append(Slot(slot_start, slot_end, free=not is_taken and slot_start > now,
                               window_id=window.id, taken=is_taken))
    return result


def check_range(start: datetime | None, end: datetime | None) -> None:
    """A ``from``/``to`` range that is the right way round and at most a year (422 otherwise)."""
    check_query_range(start, end, max_days=MAX_RANGE_DAYS)


def find_slot(hour: GuidanceHour, start: datetime, *, now: datetime) -> tuple[GuidanceWindow, datetime]:
    """The window and end of the slot starting exactly at ``start``.

    Refusals are clear and write nothing: a cancelled hour is 404; a time that is not the start of
    one of its slots (outside every window, or between two slot starts) is 422 ``not_a_slot``; a
    slot that has begun is 422 ``past``.
    """
    if hour.status != HourStatus.PUBLISHED:
        raise NotFound(_l("The guidance hour was not found."))
    if start.tzinfo is None:
        raise ValidationError(_l("Give the time with its offset."), field="start")
    window = db.session.scalar(select(GuidanceWindow).where(
        GuidanceWindow.guidance_hour_id == hour.id, GuidanceWindow.status == WindowStatus.SCHEDULED,
        GuidanceWindow.starts_at <= start, GuidanceWindow.ends_at > start))
    step = timedelta(minutes=hour.slot_minutes)
    if window is None or (start - window.starts_at) % step:
        raise ValidationError(_l("There is no guidance slot at that time. Choose one of the listed times."),
                              field="start", code="not_a_slot")
    if start <= now:
        raise ValidationError(_l("That slot has already passed. Choose a later time."), field="start",
                              code="past")
    return window, start + step
