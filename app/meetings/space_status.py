"""Is a meeting date's space really booked? Why not, and booking it again (issue 17).

A date of a series held in a resident space can be left without its booking: the scheduled job
found the slot taken, or the booking was cancelled from outside the meeting (the API). Staff see
the true reason on the series page and can book the space again; the public pages then stop
naming a space that is not booked for that date.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.meetings import space_bookings
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces import services as spaces
from app.spaces.models import Booking, Space
from app.meetings.statuses import OccurrenceStatus, SeriesStatus

#: Why an upcoming date has no space booking.
CANCELLED = "cancelled"  # its booking was cancelled from outside the meeting
TAKEN = "taken"  # another booking holds (part of) the time now
FREE = "free"  # nothing in the way: it can simply be booked again


def unbooked_reasons(series: MeetingSeries, now: datetime) -> dict[int, str]:
    """{occurrence id: CANCELLED | TAKEN | FREE} for the upcoming dates without a live booking."""
    ids = space_bookings.unbooked_occurrence_ids(series, now)
    if not ids:
        return {}
    space = db.session.get(Space, series.space_id)
    rows = db.session.execute(
        select(MeetingOccurrence, Booking.status).outerjoin(Booking, Booking.id == MeetingOccurrence.booking_id)
        .where(MeetingOccurrence.id.in_(ids))).all()
    reasons: dict[int, str] = {}
    for occurrence, booking_status in rows:
        if spaces.find_conflicts(space, occurrence.starts_at, occurrence.ends_at,
                                 exclude_id=occurrence.booking_id):
            reasons[occurrence.id] = TAKEN
        elif booking_status == "cancelled":
            reasons[occurrence.id] = CANCELLED
        else:
            reasons[occurrence.id] = FREE
    return reasons


def space_unbooked(occurrence: MeetingOccurrence, now: datetime) -> bool:
    """True when a scheduled, not yet finished date of a series with a space has no live booking."""
    series = occurrence.series
    if series.space_id is None or series.status == SeriesStatus.CANCELLED \
            or occurrence.status != OccurrenceStatus.SCHEDULED:
        return False
    if occurrence.ends_at <= now:
        return False
    return occurrence.id in space_bookings.unbooked_occurrence_ids(series, now)


def book_again(occurrence: MeetingOccurrence, actor: Any, now: datetime) -> Booking | None:
    """Book the space for the date again (strict: a conflict raises ``BookingConflict``)."""
    from app.core.auth import require_staff

    require_staff(actor)
    if occurrence.booking_id is not None:
        booking = db.session.get(Booking, occurrence.booking_id)
        if booking is not None and booking.status == "cancelled":
            occurrence.booking_id = None  # sync books a fresh one
    with space_bookings.conflict_message(lambda times: _l(
            "The space could not be booked: it is already booked at %(times)s. Move the date or choose "
            "another space.", times=times)):
        return space_bookings.sync_booking(occurrence, actor, now, strict=True)
