"""Single bookings: book, move, cancel (also the later dates of a recurring booking), and list.

The meetings and guidance features book, move and free a space through :func:`create_booking`,
:func:`move_booking` and :func:`cancel_booking`: pass ``strict=False`` to leave opening hours,
duration limits and the booking horizon to their own rules (or ``override_reason=`` to book
outside the hours with the rules otherwise on), ``notify=False`` when they send their own mail, and
store the returned ``Booking.id``. An overlap always raises :class:`BookingConflict` (409,
``conflicts``); ``actor=None`` is the system.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.audit import audit
from app.core.auth import require_staff
from app.errors import Conflict
from app.extensions import db
from app.spaces import notifications
from app.spaces.models import Booking, BookingRequest, Space
from app.spaces.services.common import MAX_BLOCK, _aware
from app.spaces.services.conflicts import _guarded, _insert, block_of, refuse_conflicts
from app.spaces.services.rules import _check_interval, _check_open, _check_when, _clean_title
from app.spaces.statuses import BookingStatus


@dataclass(frozen=True)
class BookingOptions:
    """How a booking is made and what it carries besides its space, time and title.

    ``strict`` applies the space's own rules (opening hours, duration, horizon); ``override_reason``
    lets staff book outside the opening hours (stored with the booking); the rest is stored as given.
    """

    override_reason: str | None = None
    strict: bool = True
    headcount: int | None = None
    purpose: str | None = None
    organization_id: int | None = None
    notes: str | None = None


def booking_values(space: Space, title: str, start: datetime, end: datetime, actor: Any, options: BookingOptions, *,
                   group_id: str | None = None, override_reason: str | None = None) -> dict[str, Any]:
    """The column values of a new live booking (its block includes the space's buffer)."""
    block_start, block_end = block_of(space, start, end)
    return dict(space_id=space.id, title=title, starts_at=start, ends_at=end, block_starts_at=block_start,
                block_ends_at=block_end, status=BookingStatus.CONFIRMED.value, group_id=group_id,
                organization_id=options.organization_id, created_by_id=getattr(actor, "id", None),
                override_reason=override_reason, notes=(options.notes or "").strip() or None,
                headcount=options.headcount, purpose=(options.purpose or "").strip() or None, sequence=0)


def create_booking(space: Space, start: datetime, end: datetime, title: str, actor: Any, now: datetime, *,
                   override_reason: str | None = None, strict: bool = True, headcount: int | None = None,
                   purpose: str | None = None, organization_id: int | None = None,
                   notes: str | None = None, group_id: str | None = None) -> Booking:
    """Book ``[start, end)`` of ``space``, or raise; never double-books.

    ``strict`` (the default) applies the space's rules: opening hours (exception days and holidays
    included), minimum/maximum duration, not in the past and within the booking horizon. With
    ``override_reason`` staff may book outside the opening hours (the reason is stored). A caller
    that has its own rules (a meeting occurrence) passes ``strict=False``: only the basic interval,
    capacity and the no-overlap guarantee apply. Raises ``ValidationError`` (fields ``start``,
    ``end``, ``title``, ``headcount``), ``Forbidden`` (not staff), ``BookingConflict`` (409).
    """
    options = BookingOptions(override_reason=override_reason, strict=strict, headcount=headcount, purpose=purpose,
                             organization_id=organization_id, notes=notes)
    return book(space, start, end, title, actor, now, options, group_id=group_id)


def book(space: Space, start: datetime, end: datetime, title: str, actor: Any, now: datetime,
         options: BookingOptions, *, group_id: str | None = None) -> Booking:
    """:func:`create_booking` with its options as one value."""
    require_staff(actor, system_allowed=True)
    title = _clean_title(title)
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=options.strict, headcount=options.headcount)
    stored_reason = None
    if options.strict:
        _check_when(space, start, now=now, actor=actor)
        stored_reason = _check_open(space, start, end, override_reason=options.override_reason, actor=actor)
    refuse_conflicts(space, start, end)
    values = booking_values(space, title, start, end, actor, options, group_id=group_id,
                            override_reason=stored_reason)
    booking = _insert([values], space)[0]
    audit(actor, "booking.create", "booking", booking.id, space_id=space.id, start=start.isoformat(),
          end=end.isoformat(), override_reason=stored_reason)
    return booking


def move_booking(booking: Booking, start: datetime, end: datetime, actor: Any, now: datetime, *,
                 override_reason: str | None = None, strict: bool = True, notify: bool = True) -> Booking:
    """Move a live booking to ``[start, end)`` with the same rules and guarantee as :func:`create_booking`.

    Its own old interval does not count as a conflict. ``sequence`` goes up by one. A booking that
    came from an NGO request tells the requester by mail (unless ``notify`` is false).
    """
    require_staff(actor, system_allowed=True)
    if booking.status == BookingStatus.CANCELLED:
        raise Conflict(_l("A cancelled booking cannot be moved."), code="cancelled")
    space = booking.space
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=strict, headcount=booking.headcount)
    stored_reason = booking.override_reason
    if strict:
        _check_when(space, start, now=now, actor=actor)
        stored_reason = _check_open(space, start, end, override_reason=override_reason, actor=actor)
    refuse_conflicts(space, start, end, exclude_id=booking.id)
    old = (booking.starts_at, booking.ends_at)
    block_start, block_end = block_of(space, start, end)
    values = dict(starts_at=start, ends_at=end, block_starts_at=block_start, block_ends_at=block_end,
                  override_reason=stored_reason, sequence=(booking.sequence or 0) + 1)

    def write() -> None:
        for key, value in values.items():
            setattr(booking, key, value)
        db.session.flush()

    _guarded(space, [(start, end)], write, exclude_id=booking.id)
    audit(actor, "booking.move", "booking", booking.id, old_start=old[0].isoformat(), start=start.isoformat(),
          end=end.isoformat())
    requester = _requester_of(booking) if notify else None
    if requester is not None:
        notifications.booking_moved(booking, requester, old[0], old[1])
    return booking


def _requester_of(booking: Booking) -> User | None:
    """The NGO user whose approved request became ``booking``, if any (they hear about changes)."""
    request_row = db.session.scalar(select(BookingRequest).where(BookingRequest.booking_id == booking.id))
    return request_row.requester if request_row is not None else None


def cancel_booking(booking: Booking, actor: Any, now: datetime, *, reason: str | None = None,
                   notify: bool = True) -> Booking:
    """Free the booking's time (idempotent). A booking that came from an NGO request tells the requester."""
    require_staff(actor, system_allowed=True)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = now
    booking.cancel_reason = (reason or "").strip() or None
    booking.sequence = (booking.sequence or 0) + 1
    db.session.flush()
    audit(actor, "booking.cancel", "booking", booking.id, reason=booking.cancel_reason)
    requester = _requester_of(booking) if notify else None
    if requester is not None:
        notifications.booking_cancelled(booking, requester)
    return booking


def cancel_booking_group(group_id: str, actor: Any, now: datetime, *, from_start: datetime | None = None,
                         reason: str | None = None) -> list[Booking]:
    """Cancel the live bookings of one recurring booking that start at ``from_start`` or later
    (default: the ones not yet started)."""
    require_staff(actor, system_allowed=True)
    since = max(now, from_start) if from_start is not None else now
    rows = list(db.session.scalars(select(Booking).where(
        Booking.group_id == group_id, Booking.status != BookingStatus.CANCELLED,
        Booking.starts_at >= since).order_by(Booking.starts_at)))
    for row in rows:
        cancel_booking(row, actor, now, reason=reason)
    return rows


def bookings_query(space: Space, *, start: datetime | None = None, end: datetime | None = None,
                   include_cancelled: bool = False):
    """A space's bookings overlapping ``[start, end)`` in time order (for lists and the API)."""
    query = select(Booking).where(Booking.space_id == space.id)
    if not include_cancelled:
        query = query.where(Booking.status != BookingStatus.CANCELLED)
    if start is not None:
        query = query.where(Booking.ends_at > start, Booking.block_starts_at > start - MAX_BLOCK)
    if end is not None:
        query = query.where(Booking.starts_at < end)
    return query.order_by(Booking.block_starts_at, Booking.id)
