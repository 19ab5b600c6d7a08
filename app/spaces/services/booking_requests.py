"""NGO booking requests: asking (checked by the same rules as a booking), staff approving or
declining, the requester withdrawing; the queue."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import selectinload

from app.core.audit import audit
from app.core.auth import require_staff
from app.core.validation import ErrorCollector
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.spaces import notifications
from app.spaces.models import Booking, BookingRequest, Space
from app.spaces.services.bookings import create_booking
from app.spaces.services.common import BookingConflict, _aware, _error
from app.spaces.services.conflicts import refuse_conflicts
from app.spaces.services.rules import _check_interval, _check_open, _check_when
from app.spaces.statuses import BookingStatus, RequestStatus


def request_status_label(status: str) -> str:
    return RequestStatus.label_of(status)


def overlapping_own_requests(space: Space, start: datetime, end: datetime, actor: Any) -> list[BookingRequest]:
    """Pending or approved (and still booked) requests of the same organisation — or, without one,
    the same user — for this space that overlap ``[start, end)``."""
    mine = (BookingRequest.organization_id == actor.organization_id if getattr(actor, "organization_id", None)
            else BookingRequest.requester_id == actor.id)
    rows = db.session.scalars(
        select(BookingRequest).outerjoin(Booking, Booking.id == BookingRequest.booking_id)
        .where(mine, BookingRequest.space_id == space.id, BookingRequest.starts_at < end,
               BookingRequest.ends_at > start,
               or_(BookingRequest.status == RequestStatus.PENDING,
                   (BookingRequest.status == RequestStatus.APPROVED) & (Booking.status == BookingStatus.CONFIRMED)))
        .order_by(BookingRequest.starts_at))
    return list(rows)


def _when(start: datetime, end: datetime) -> str:
    return f"{format_date(start, 'EEE d.M.yyyy')} {format_time(start, 'HH.mm')}–{format_time(end, 'HH.mm')}"


def refuse_duplicate_request(space: Space, start: datetime, end: datetime, actor: Any) -> None:
    """A second overlapping request by the same NGO is refused, naming the first one."""
    existing = overlapping_own_requests(space, start, end, actor)
    if existing:
        first = existing[0]
        state = (_l("waiting for a decision") if first.status == RequestStatus.PENDING else _l("approved"))
        raise Conflict(_l("Your organisation already has a request for this space at %(when)s (“%(title)s”, "
                          "%(state)s). Withdraw or cancel it first, or choose a time that does not overlap.",
                          when=_when(first.starts_at, first.ends_at), title=first.title, state=state),
                       code="duplicate_request")


def _clean_request_fields(title: str, purpose: str, headcount: Any) -> tuple[str, str]:
    """Title, purpose and a number of people, every error at once."""
    errors = ErrorCollector()
    title_text = (title or "").strip()
    if not title_text:
        errors.add("title", _l("Enter a title for the booking."))
    elif len(title_text) > 200:
        errors.add("title", _l("The title is too long (at most 200 characters)."))
    purpose_text = (purpose or "").strip()
    if not purpose_text:
        errors.add("purpose", _l("Tell what the space is needed for."))
    elif len(purpose_text) > 2000:
        errors.add("purpose", _l("The purpose is too long (at most 2000 characters)."))
    if headcount is None or headcount == "":
        errors.add("headcount", _l("Enter the number of people."))
    errors.raise_if_any()
    return title_text, purpose_text


def create_booking_request(space: Space, start: datetime, end: datetime, *, title: str, purpose: str,
                           headcount: Any, actor: Any, now: datetime) -> BookingRequest:
    """An NGO user asks for ``[start, end)``; the same rules as a booking (no override) are checked
    now, so a request is only made for a time that could be booked. Mails the requester and staff."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_l("Log in to request a booking."))
    title_text, purpose_text = _clean_request_fields(title, purpose, headcount)
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=True, headcount=headcount)
    _check_when(space, start, now=now, actor=None)  # the space's own horizon applies to requests
    _check_open(space, start, end, override_reason=None, actor=actor)
    refuse_duplicate_request(space, start, end, actor)  # the same NGO asking twice (issue 17)
    refuse_conflicts(space, start, end, message=_l("The space is already booked at that time. Choose another time."))
    row = BookingRequest(space_id=space.id, requester_id=actor.id, organization_id=actor.organization_id,
                         title=title_text, purpose=purpose_text, headcount=headcount, starts_at=start, ends_at=end,
                         status=RequestStatus.PENDING.value)
    db.session.add(row)
    db.session.flush()
    audit(actor, "booking_request.create", "booking_request", row.id, space_id=space.id)
    notifications.request_received(row, actor)
    notifications.request_notice(row, actor)
    return row


def _already_decided(req: BookingRequest) -> Conflict:
    return Conflict(_l("The request has already been handled (%(status)s).", status=request_status_label(req.status)),
                    code="already_decided")


def _claim_request(req: BookingRequest, status: RequestStatus, actor: Any, now: datetime, **values: Any) -> None:
    """pending → ``status`` with a conditional UPDATE: two staff cannot both decide one request."""
    result = db.session.execute(
        update(BookingRequest).where(BookingRequest.id == req.id, BookingRequest.status == RequestStatus.PENDING)
        .values(status=status.value, decided_by_id=getattr(actor, "id", None), decided_at=now, updated_at=now,
                **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(req)
        raise _already_decided(req)
    db.session.refresh(req)


def approve_booking_request(req: BookingRequest, actor: Any, now: datetime, *,
                            override_reason: str | None = None) -> Booking:
    """Staff approve: the request becomes a booking with the same guarantee. A time taken meanwhile
    raises ``BookingConflict`` (the request stays pending); the requester gets mail."""
    require_staff(actor, system_allowed=True)
    if req.status != RequestStatus.PENDING:
        raise _already_decided(req)
    try:
        booking = create_booking(req.space, req.starts_at, req.ends_at, req.title, actor, now,
                                 override_reason=override_reason, headcount=req.headcount, purpose=req.purpose,
                                 organization_id=req.organization_id)
    except BookingConflict as exc:
        raise BookingConflict(exc.conflicts, _l("The requested time is no longer free: it was booked after the "
                                                "request was made. Decline the request or suggest another time."),
                              tz=exc.tz) from None
    _claim_request(req, RequestStatus.APPROVED, actor, now, booking_id=booking.id)
    audit(actor, "booking_request.approve", "booking_request", req.id, booking_id=booking.id)
    notifications.request_approved(req)
    return booking


def decline_booking_request(req: BookingRequest, actor: Any, now: datetime, *, reason: str) -> BookingRequest:
    """Staff decline with a reason, which the requester receives by mail."""
    require_staff(actor, system_allowed=True)
    reason = (reason or "").strip()
    if not reason:
        raise _error(_l("Tell the requester why the request is declined."), "reason", "required")
    _claim_request(req, RequestStatus.DECLINED, actor, now, decision_reason=reason[:2000])
    audit(actor, "booking_request.decline", "booking_request", req.id)
    notifications.request_declined(req)
    return req


def withdraw_booking_request(req: BookingRequest, actor: Any, now: datetime) -> BookingRequest:
    """The requester (or an admin on their behalf) withdraws a pending request."""
    if getattr(actor, "id", None) != req.requester_id and not getattr(actor, "is_admin", False):
        raise Forbidden()
    refusal = Conflict(_l("Only a request that is waiting for a decision can be withdrawn."), code="already_decided")
    if req.status != RequestStatus.PENDING:
        raise refusal
    result = db.session.execute(
        update(BookingRequest).where(BookingRequest.id == req.id, BookingRequest.status == RequestStatus.PENDING)
        .values(status=RequestStatus.WITHDRAWN.value, updated_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise refusal
    db.session.refresh(req)
    audit(actor, "booking_request.withdraw", "booking_request", req.id)
    return req


def requests_query(*, status: str | None = None, requester_id: int | None = None):
    """Booking requests with space and people loaded: pending first (oldest first), then newest."""
    query = select(BookingRequest).options(selectinload(BookingRequest.space), selectinload(BookingRequest.requester),
                                           selectinload(BookingRequest.organization))
    if status:
        query = query.where(BookingRequest.status == status)
    if requester_id is not None:
        query = query.where(BookingRequest.requester_id == requester_id)
    pending_first = case((BookingRequest.status == RequestStatus.PENDING, 0), else_=1)
    return query.order_by(pending_first, BookingRequest.starts_at.desc(), BookingRequest.id)
