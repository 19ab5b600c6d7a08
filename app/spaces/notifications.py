"""Named mail senders of the resident spaces (written to the outbox in the caller's transaction).

Every link in these mails is absolute, on ``BASE_URL`` (``app.core.urls.external_url``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.dates import url_time
from app.core.urls import external_url
from app.extensions import db
from app.mail.services import enqueue
from app.spaces.models import Booking, BookingRequest, Space


def staff_recipients(space: Space) -> list[User]:
    """Who hears about a request: the space's manager, or every active staff member."""
    if space.manager is not None and space.manager.active:
        return [space.manager]
    return list(db.session.scalars(select(User).where(User.role.in_([Role.STAFF.value, Role.ADMIN.value]),
                                                      User.active.is_(True)).order_by(User.id)))


def _send(user: User, template: str, **context: Any) -> None:
    enqueue(user.email, template, locale=user.locale, user=user, **context)


def _suggestion_url(req: BookingRequest) -> str | None:
    """The request form filled in with the time staff suggested instead (or ``None``)."""
    if req.suggested_starts_at is None or req.suggested_ends_at is None:
        return None
    day = req.suggested_starts_at.astimezone(ZoneInfo(req.space.timezone)).date()
    return external_url("spaces.request_booking", space_id=req.space_id, date=day.isoformat(),
                        start=url_time(req.suggested_starts_at), end=url_time(req.suggested_ends_at))


def request_received(req: BookingRequest, requester: User) -> None:
    """To the requester: the request arrived; where to follow or withdraw it."""
    _send(requester, "booking_request_received", req=req, space=req.space,
          mine_url=external_url("booking_requests.mine"))


def request_notice(req: BookingRequest, requester: User) -> None:
    """To the space's manager (or all staff): a new request to decide."""
    for staff in staff_recipients(req.space):
        _send(staff, "booking_request_notice", req=req, space=req.space, requester=requester,
              queue_url=external_url("booking_requests.queue"))


def request_approved(req: BookingRequest) -> None:
    """To the requester: the space is booked for them."""
    if req.requester is not None:
        _send(req.requester, "booking_request_approved", req=req, space=req.space,
              space_url=external_url("spaces.detail", space_id=req.space_id))


def request_declined(req: BookingRequest) -> None:
    """To the requester: declined, why, and another time if staff suggested one."""
    if req.requester is not None:
        _send(req.requester, "booking_request_declined", req=req, space=req.space,
              find_url=external_url("spaces.find"), suggestion_url=_suggestion_url(req))


def cancelled_by_requester(req: BookingRequest, requester: User) -> None:
    """To the people who heard of the request: the NGO cancelled its approved booking."""
    for staff in staff_recipients(req.space):
        _send(staff, "booking_cancelled_by_requester", req=req, space=req.space, requester=requester,
              bookings_url=external_url("spaces.bookings", space_id=req.space_id))


def booking_moved(booking: Booking, requester: User, old_start: datetime, old_end: datetime) -> None:
    """To the NGO whose request became the booking: the new time."""
    _send(requester, "booking_moved", booking=booking, space=booking.space, old_start=old_start, old_end=old_end)


def booking_cancelled(booking: Booking, requester: User) -> None:
    """To the NGO whose request became the booking: city staff cancelled it."""
    _send(requester, "booking_cancelled", booking=booking, space=booking.space, reason=booking.cancel_reason,
          find_url=external_url("spaces.find"))
