"""/api/v1/spaces and /api/v1/bookings: resident spaces, availability and bookings (CONTRACT.md)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.api import space_schemas as schemas
from app.api.core import endpoint
from app.api.schemas import Error
from app.core.i18n import localized_dict
from app.core.types import utcnow
from app.errors import NotFound
from app.extensions import db
from app.spaces import services
from app.spaces.models import Booking, Space, SpaceException
from app.spaces.ownership import refuse_owned


def _iso(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).isoformat()


def _interval(start: datetime, end: datetime, tz: str) -> dict[str, str]:
    return {"start": _iso(start, tz), "end": _iso(end, tz)}


def _local(value: datetime | None, tz: str) -> datetime | None:
    """A naive time from a client is the space's wall-clock time."""
    if value is None or value.tzinfo is not None:
        return value
    from app.scheduling import localize

    return localize(value, tz)


def _space(space_id: int) -> Space:
    space = db.session.get(Space, space_id)
    if space is None:
        raise NotFound(_l("Space not found."))
    return space


def space_json(space: Space, exceptions: list[SpaceException] | None = None) -> dict[str, Any]:
    """The public representation of a space."""
    return {
        "id": space.id, "name": space.name, "address": space.address, "name_i18n": space.name_i18n,
        "address_i18n": space.address_i18n, "district": space.district,
        "capacity": space.capacity, "latitude": space.latitude, "longitude": space.longitude,
        "description": localized_dict(space, "description"), "accessibility": space.accessibility or {},
        "equipment": space.equipment or [], "opening_hours": space.opening_hours,
        "closed_on_holidays": space.closed_on_holidays, "buffer_minutes": space.buffer_minutes,
        "min_duration_minutes": space.min_duration_minutes, "max_duration_minutes": space.max_duration_minutes,
        "booking_horizon_days": space.booking_horizon_days, "timezone": space.timezone,
        "exceptions": [{"date": row.day.isoformat(), "hours": row.hours or [], "note": row.note}
                       for row in (exceptions or [])],
    }


def booking_json(booking: Booking, tz: str) -> dict[str, Any]:
    """A booking as staff see it."""
    return {"id": booking.id, "space_id": booking.space_id, "title": booking.title,
            "start": _iso(booking.starts_at, tz), "end": _iso(booking.ends_at, tz), "status": booking.status,
            "group_id": booking.group_id, "headcount": booking.headcount, "purpose": booking.purpose,
            "override_reason": booking.override_reason, "organization_id": booking.organization_id,
            "sequence": booking.sequence}


def _space_data(data: schemas.SpaceIn) -> services.SpaceData:
    raw = data.model_dump(exclude={"description"})
    for lang in ("fi", "sv", "en"):
        raw[f"description_{lang}"] = getattr(data.description, lang, None) if data.description else None
    return services.clean_space_data(raw)


@endpoint("/spaces", "POST", summary="Add a resident space", tag="spaces", role="staff", body=schemas.SpaceIn,
          responses={201: schemas.Space, 422: Error})
def create_space(user, data: schemas.SpaceIn):
    space = services.create_space(_space_data(data), actor=user)
    return space_json(space), 201


@endpoint("/spaces", "GET", summary="List resident spaces", tag="spaces", query=schemas.SpacesQuery,
          responses={200: list[schemas.Space]})
def list_spaces(user, params: schemas.SpacesQuery):
    facts = [f.strip() for f in (params.accessibility or "").split(",") if f.strip()]
    return [space_json(space) for space in services.list_spaces(district=params.district, accessibility=facts,
                                                                  min_capacity=params.capacity)]


@endpoint("/spaces/<int:space_id>", "GET", summary="One resident space with its upcoming exception days",
          tag="spaces", responses={200: schemas.Space})
def get_space(user, space_id: int):
    space = _space(space_id)
    today = utcnow().astimezone(ZoneInfo(space.timezone)).date()
    exceptions = list(db.session.scalars(select(SpaceException).where(
        SpaceException.space_id == space.id, SpaceException.day >= today).order_by(SpaceException.day)))
    return space_json(space, exceptions)


@endpoint("/spaces/<int:space_id>/availability", "GET", summary="Busy, open and free times of a space",
          tag="spaces", query=schemas.RangeQuery, responses={200: schemas.Availability})
def space_availability(user, space_id: int, params: schemas.RangeQuery):
    space = _space(space_id)
    start, end = services.check_range(_local(params.from_, space.timezone), _local(params.to, space.timezone),
                                      now=utcnow())
    result = services.availability(space, start, end)
    tz = space.timezone
    return {"busy": [_interval(a, b, tz) for a, b in result.busy],
            "open": [_interval(a, b, tz) for a, b in result.open],
            "free": [_interval(a, b, tz) for a, b in result.free]}


@endpoint("/spaces/<int:space_id>/bookings", "POST", summary="Book a space, once or recurring", tag="spaces",
          role="staff", body=schemas.BookingIn,
          responses={201: schemas.BookingCreated, 409: schemas.ConflictError, 422: Error})
def create_booking(user, space_id: int, data: schemas.BookingIn):
    space = _space(space_id)
    tz = space.timezone
    result = services.create_recurring_booking(
        space, _local(data.start, tz), _local(data.end, tz), data.title, user, utcnow(), rrule=data.rrule,
        skip_conflicts=data.skip_conflicts,
        options=services.BookingOptions(override_reason=data.override_reason, headcount=data.headcount,
                                        purpose=data.purpose))
    return {"id": result.bookings[0].id, "group_id": result.group_id, "rrule": result.rrule,
            "occurrences": [dict(id=b.id, **_interval(b.starts_at, b.ends_at, tz)) for b in result.bookings],
            "skipped": [dict(reason=s.reason, **_interval(s.start, s.end, tz)) for s in result.skipped]}, 201


@endpoint("/spaces/<int:space_id>/bookings", "GET", summary="A space's bookings in a time range", tag="spaces",
          role="staff", query=schemas.BookingsQuery, responses={200: list[schemas.Booking]})
def list_bookings(user, space_id: int, params: schemas.BookingsQuery):
    space = _space(space_id)
    tz = space.timezone
    now = utcnow()
    start = _local(params.from_, tz)
    if start is None:
        start = now - timedelta(days=1)
    end = _local(params.to, tz)
    start, end = services.check_range(start, end, now=now, default_days=90)
    rows = db.session.scalars(services.bookings_query(space, start=start, end=end,
                                                      include_cancelled=params.include_cancelled))
    return [booking_json(row, tz) for row in rows]


@endpoint("/bookings/<int:booking_id>", "DELETE", summary="Cancel a booking (frees its time)", tag="spaces",
          role="staff", query=schemas.DeleteQuery, responses={204: None, 409: Error})
def cancel_booking(user, booking_id: int, params: schemas.DeleteQuery):
    """A booking made for a meeting date or a guidance hour is refused (409 ``conflict``): it is
    freed by cancelling that date (``PATCH /occurrences/<id>``), which keeps both sides consistent."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(_l("Booking not found."))
    refuse_owned(booking)
    now = utcnow()
    reason = request.args.get("reason")
    services.cancel_booking(booking, user, now, reason=reason)
    if params.scope == "series" and booking.group_id:
        services.cancel_booking_group(booking.group_id, user, now, from_start=booking.starts_at,
                                       reason=reason)
    return None, 204
