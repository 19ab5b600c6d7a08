"""A guidance hour held in a resident space books it for each window, as a meeting does.

Writes go through the spaces services (``create_booking`` with ``strict=False``, ``cancel_booking``),
so the never-double-book guarantee is the spaces one. Staff are strict: one conflicting date
refuses the whole guidance hour with every conflicting time listed (``BookingConflict``, 409).
Outside the space's opening hours the booking is made anyway with the reason
``Guidance: <title>``, since guidance hours are planned by staff like meetings.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable


from app.extensions import db
from app.guidance.models import GuidanceHour, GuidanceWindow
from app.spaces import services as spaces
from app.spaces.models import Booking, Space
from app.spaces.services import BookingConflict, ConflictItem
from app.guidance import booking_owner as _booking_owner  # noqa: F401  (registers the spaces lookup)
from app.guidance.statuses import WindowStatus
from app.guidance.events import hour_url

OVERRIDE_PREFIX = "Guidance: "


def book_windows(hour: GuidanceHour, windows: Iterable[GuidanceWindow], *, actor: Any, now: datetime) -> None:
    """Book the hour's space for every window that has not ended; all conflicts in one error."""
    if hour.space_id is None:
        return
    space = db.session.get(Space, hour.space_id)
    title = (hour.title_fi or "").strip()[:200] or f"Guidance {hour.id}"
    items: list[ConflictItem] = []
    for window in windows:
        if window.status != WindowStatus.SCHEDULED or window.ends_at <= now:
            continue
        try:
            booking = spaces.create_booking(space, window.starts_at, window.ends_at, title, actor, now,
                                            strict=False, notes=f"Guidance hour {hour.id}: {hour_url(hour)}")
        except BookingConflict as exc:
            items.extend(exc.conflicts)
            continue
        booking.override_reason = spaces.outside_hours_reason(space, window.starts_at, window.ends_at,
                                                              OVERRIDE_PREFIX + title)
        window.booking_id = booking.id
    if items:
        raise BookingConflict(items, tz=space.timezone)
    db.session.flush()


def release(window: GuidanceWindow, *, actor: Any, now: datetime) -> None:
    """Free the window's space booking, if it has a live one (idempotent)."""
    if window.booking_id is None:
        return
    booking = db.session.get(Booking, window.booking_id)
    window.booking_id = None
    if booking is not None and booking.status != "cancelled":
        spaces.cancel_booking(booking, actor, now, reason="Guidance hour cancelled", notify=False)
