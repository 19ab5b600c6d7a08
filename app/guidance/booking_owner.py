"""Tells the spaces pages and API which bookings belong to a guidance hour's date
(see app/spaces/ownership.py): such a booking is freed by cancelling that date, not on its own."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.i18n import localized
from app.extensions import db
from app.guidance.models import GuidanceWindow
from app.spaces.ownership import BookingOwner, register_owner_lookup


def guidance_owners(booking_ids: list[int]) -> dict[int, BookingOwner]:
    """{booking id: the guidance date it was made for}; managed on the guidance hour's staff page."""
    rows = db.session.scalars(select(GuidanceWindow).options(selectinload(GuidanceWindow.guidance_hour))
                              .where(GuidanceWindow.booking_id.in_(booking_ids)))
    return {w.booking_id: BookingOwner("guidance", localized(w.guidance_hour, "title"), w.starts_at,
                                       url_for("guidance_staff.manage_detail", hour_id=w.guidance_hour_id))
            for w in rows if w.booking_id is not None}


register_owner_lookup(guidance_owners)
