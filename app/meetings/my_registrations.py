"""Which upcoming dates the signed-in user is registered for, for the "You are registered" badges.

One query per request whatever the length of the list (memoised on ``g``): the user's own live
registrations (by their address, like the occurrence page) for dates that have not ended.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.ownership import own_registrations


def registration_statuses(user: Any, now: datetime | None = None) -> dict[int, str]:
    """``{occurrence_id: "confirmed" | "waitlisted"}`` of ``user``'s own live, upcoming registrations."""
    if not getattr(user, "is_authenticated", False):
        return {}
    now = now or utcnow()
    rows = db.session.execute(
        select(Registration.occurrence_id, Registration.status)
        .join(MeetingOccurrence, MeetingOccurrence.id == Registration.occurrence_id)
        .where(own_registrations(user), Registration.status != "cancelled",
               MeetingOccurrence.ends_at > now)).all()
    return {occurrence_id: status for occurrence_id, status in rows}
