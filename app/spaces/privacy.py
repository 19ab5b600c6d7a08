"""Booking requests in GDPR requests: exported, and on erasure the requester is detached and what
they wrote cleared; the space, time, headcount, status and the organisation stay (the space's use
and the report). A pending request is withdrawn: nobody is left to answer."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.personal_data import ERASED_TITLE, PersonalDataSource, Subject, iso, register_source
from app.extensions import db
from app.spaces.models import BookingRequest


def _booking_requests(subject: Subject) -> list[BookingRequest]:
    if subject.user is None:
        return []
    return list(db.session.scalars(
        select(BookingRequest).options(selectinload(BookingRequest.space))
        .where(subject.matches(BookingRequest, user_column="requester_id")).order_by(BookingRequest.id)))


def _export_booking_requests(subject: Subject) -> list[dict[str, Any]]:
    return [{"id": r.id, "space": r.space.name, "title": r.title, "purpose": r.purpose, "headcount": r.headcount,
             "starts_at": iso(r.starts_at), "ends_at": iso(r.ends_at), "status": r.status,
             "decision_reason": r.decision_reason, "created_at": iso(r.created_at)}
            for r in _booking_requests(subject)]


def _erase_booking_requests(subject: Subject, *, actor: Any, now: datetime) -> int:
    """Detach the requester and clear what they wrote; the space, time, headcount, status and the
    organisation stay (the space's use and the report). A pending request is withdrawn: nobody is
    left to answer."""
    rows = _booking_requests(subject)
    for row in rows:
        if row.status == "pending":
            row.status = "withdrawn"
        row.requester_id = None
        row.title = ERASED_TITLE
        row.purpose = ""
        row.decision_reason = None
        row.updated_at = now
    return len(rows)


register_source(PersonalDataSource("booking_requests", _export_booking_requests, _erase_booking_requests, order=20))
