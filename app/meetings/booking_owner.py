"""Tells the spaces pages which bookings belong to a meeting date (see app/spaces/ownership.py)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.i18n import localized
from app.extensions import db
from app.meetings.models import MeetingOccurrence
from app.spaces.ownership import BookingOwner, register_owner_lookup


def meeting_owners(booking_ids: list[int]) -> dict[int, BookingOwner]:
    """{booking id: the meeting date it was made for}; managed on the series' staff page."""
    rows = db.session.scalars(select(MeetingOccurrence).options(selectinload(MeetingOccurrence.series))
                              .where(MeetingOccurrence.booking_id.in_(booking_ids)))
    return {o.booking_id: BookingOwner("meeting", localized(o.series, "title"), o.starts_at,
                                       url_for("meetings.manage_detail", series_id=o.series_id))
            for o in rows if o.booking_id is not None}


register_owner_lookup(meeting_owners)
