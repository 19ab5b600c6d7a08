"""NGO side of booking requests beyond asking: cancelling an approved booking, and staff declining
with another time to suggest (issue 17). The same NGO asking twice is refused in
``services.booking_requests`` (re-exported here)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.core.audit import audit
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.spaces import notifications
from app.spaces.models import Booking, BookingRequest
from app.spaces.services.booking_requests import (decline_booking_request, overlapping_own_requests,
                                                  refuse_duplicate_request)
from app.spaces.services.bookings import cancel_booking
from app.spaces.services.conflicts import find_conflicts
from app.spaces.statuses import BookingStatus, RequestStatus

__all__ = ["can_cancel_booking", "cancel_approved_booking", "check_suggestion", "decline_with_suggestion",
           "overlapping_own_requests", "refuse_duplicate_request"]


def can_cancel_booking(req: BookingRequest, actor: Any, now: datetime) -> bool:
    """The requester (or an admin) may cancel an approved booking that has not started."""
    booking = req.booking
    return (req.status == RequestStatus.APPROVED and booking is not None
            and booking.status == BookingStatus.CONFIRMED and booking.starts_at > now
            and (getattr(actor, "id", None) == req.requester_id or getattr(actor, "is_admin", False)))


def cancel_approved_booking(req: BookingRequest, actor: Any, now: datetime) -> Booking:
    """The NGO cancels the booking its approved request became: the time is freed; audited."""
    if getattr(actor, "id", None) != req.requester_id and not getattr(actor, "is_admin", False):
        raise Forbidden()
    if not can_cancel_booking(req, actor, now):
        raise Conflict(_l("Only an approved booking that has not started can be cancelled."), code="not_cancellable")
    booking = req.booking
    # The service acts for the requester (who is not staff): the system actor, audited as the user.
    cancel_booking(booking, None, now, reason=str(_l("Cancelled by the requesting organisation")), notify=False)
    audit(actor, "booking_request.cancel_booking", "booking_request", req.id, booking_id=booking.id)
    notifications.cancelled_by_requester(req, req.requester or actor)  # the people who heard of the request
    return booking


def check_suggestion(req: BookingRequest, start: datetime | None, end: datetime | None) -> None:
    """A suggested time must be a real interval in the future of the request's space (free now)."""
    if start is None and end is None:
        return
    if start is None or end is None or end <= start:
        raise ValidationError(_l("Give the suggested date with a start and an end time (the end after the start)."),
                              field="suggested_date", code="invalid")
    if find_conflicts(req.space, start, end):
        raise ValidationError(_l("The suggested time is not free either. Choose another one."),
                              field="suggested_date", code="conflict")


def decline_with_suggestion(req: BookingRequest, actor: Any, now: datetime, *, reason: str,
                            suggested_start: datetime | None = None,
                            suggested_end: datetime | None = None) -> BookingRequest:
    """Decline (mailing the requester); an optional other time goes with the decision and the mail."""
    check_suggestion(req, suggested_start, suggested_end)
    req.suggested_starts_at, req.suggested_ends_at = suggested_start, suggested_end
    db.session.flush()
    return decline_booking_request(req, actor, now, reason=reason)
