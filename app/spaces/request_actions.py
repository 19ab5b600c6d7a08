"""NGO side of booking requests beyond asking: the same NGO asking twice, cancelling an approved
booking, and staff declining with another time to suggest (issue 17)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.core.audit import audit
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.mail.services import enqueue
from app.spaces import services
from app.spaces.models import Booking, BookingRequest, Space


def overlapping_own_requests(space: Space, start: datetime, end: datetime, actor: Any) -> list[BookingRequest]:
    """Pending or approved (and still booked) requests of the same organisation — or, without one,
    the same user — for this space that overlap ``[start, end)``."""
    mine = (BookingRequest.organization_id == actor.organization_id if getattr(actor, "organization_id", None)
            else BookingRequest.requester_id == actor.id)
    rows = db.session.scalars(
        select(BookingRequest).outerjoin(Booking, Booking.id == BookingRequest.booking_id)
        .where(mine, BookingRequest.space_id == space.id, BookingRequest.starts_at < end,
               BookingRequest.ends_at > start,
               or_(BookingRequest.status == "pending",
                   (BookingRequest.status == "approved") & (Booking.status == "confirmed")))
        .order_by(BookingRequest.starts_at))
    return list(rows)


def _when(start: datetime, end: datetime) -> str:
    return f"{format_date(start, 'EEE d.M.yyyy')} {format_time(start, 'HH.mm')}–{format_time(end, 'HH.mm')}"


def refuse_duplicate_request(space: Space, start: datetime, end: datetime, actor: Any) -> None:
    """A second overlapping request by the same NGO is refused, naming the first one."""
    existing = overlapping_own_requests(space, start, end, actor)
    if existing:
        first = existing[0]
        state = (_l("waiting for a decision") if first.status == "pending" else _l("approved"))
        raise Conflict(_l("Your organisation already has a request for this space at %(when)s (“%(title)s”, "
                          "%(state)s). Withdraw or cancel it first, or choose a time that does not overlap.",
                          when=_when(first.starts_at, first.ends_at), title=first.title, state=state),
                       code="duplicate_request")


def can_cancel_booking(req: BookingRequest, actor: Any, now: datetime) -> bool:
    """The requester (or an admin) may cancel an approved booking that has not started."""
    booking = req.booking
    return (req.status == "approved" and booking is not None and booking.status == "confirmed"
            and booking.starts_at > now
            and (getattr(actor, "id", None) == req.requester_id or getattr(actor, "is_admin", False)))


def cancel_approved_booking(req: BookingRequest, actor: Any, now: datetime) -> Booking:
    """The NGO cancels the booking its approved request became: the time is freed; audited."""
    if getattr(actor, "id", None) != req.requester_id and not getattr(actor, "is_admin", False):
        raise Forbidden()
    if not can_cancel_booking(req, actor, now):
        raise Conflict(_l("Only an approved booking that has not started can be cancelled."), code="not_cancellable")
    booking = req.booking
    # The service acts for the requester (who is not staff): the system actor, audited as the user.
    services.cancel_booking(booking, None, now, reason=str(_l("Cancelled by the requesting organisation")),
                            notify=False)
    audit(actor, "booking_request.cancel_booking", "booking_request", req.id, booking_id=booking.id)
    requester = req.requester or actor
    for staff in services._staff_recipients(req.space):  # the same people who heard of the request
        enqueue(staff.email, "booking_cancelled_by_requester", locale=staff.locale, req=req, space=req.space,
                user=staff, requester=requester)
    return booking


def check_suggestion(req: BookingRequest, start: datetime | None, end: datetime | None) -> None:
    """A suggested time must be a real interval in the future of the request's space (free now)."""
    if start is None and end is None:
        return
    if start is None or end is None or end <= start:
        raise ValidationError(_l("Give the suggested date with a start and an end time (the end after the start)."),
                              field="suggested_date", code="invalid")
    conflicts = services.find_conflicts(req.space, start, end)
    if conflicts:
        raise ValidationError(_l("The suggested time is not free either. Choose another one."),
                              field="suggested_date", code="conflict")


def decline_with_suggestion(req: BookingRequest, actor: Any, now: datetime, *, reason: str,
                            suggested_start: datetime | None = None,
                            suggested_end: datetime | None = None) -> BookingRequest:
    """Decline (mailing the requester); an optional other time goes with the decision and the mail."""
    check_suggestion(req, suggested_start, suggested_end)
    req.suggested_starts_at, req.suggested_ends_at = suggested_start, suggested_end
    db.session.flush()
    return services.decline_booking_request(req, actor, now, reason=reason)
