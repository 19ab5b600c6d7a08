"""Registrations made on someone else's behalf (the API): bounded, and only for one's own organisation.

An NGO user may register colleagues, but one token must not hoard the seats of a meeting or send
confirmation mail to any address it makes up. Registrations whose email is not the caller's own
count against two allowances: per occurrence, and per rolling 24 hours (all the user's tokens
together). Staff register people on their behalf as part of the job and are not limited.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.types import utcnow
from app.errors import Conflict, DomainError, Forbidden
from app.extensions import db
from app.meetings.models import Registration
from app.meetings.statuses import RegistrationStatus

DEFAULT_PER_OCCURRENCE = 10
DEFAULT_PER_DAY = 50


class TooManyRegistrations(DomainError):
    status = 429
    code = "rate_limited"


def _on_behalf(actor: Any):
    return (Registration.user_id == actor.id, func.lower(Registration.email) != (actor.email or "").lower(),
            Registration.status != RegistrationStatus.CANCELLED)


def check_on_behalf(actor: Any, occurrence_id: int, email: str, organization_id: int | None, *,
                    now: datetime | None = None) -> None:
    """Refuse (4xx) what an NGO user may not do for others; staff pass."""
    if getattr(actor, "is_staff", False):
        return
    if organization_id is not None and organization_id != actor.organization_id:
        raise Forbidden(_l("You can register people only on behalf of your own organisation."),
                        field="organization_id")
    if (email or "").strip().lower() == (actor.email or "").lower():
        return  # registering oneself
    config = current_app.config
    per_occurrence = config.get("API_PROXY_REGISTRATIONS_PER_OCCURRENCE", DEFAULT_PER_OCCURRENCE)
    per_day = config.get("API_PROXY_REGISTRATIONS_PER_DAY", DEFAULT_PER_DAY)
    here = db.session.scalar(select(func.count(Registration.id))
                             .where(Registration.occurrence_id == occurrence_id, *_on_behalf(actor)))
    if here >= per_occurrence:
        raise Conflict(_l("You have already registered %(n)d other people for this meeting, the most "
                          "one user can.", n=per_occurrence), code="limit_reached")
    since = (now or utcnow()) - timedelta(days=1)
    recent = db.session.scalar(select(func.count(Registration.id))
                               .where(Registration.created_at >= since, *_on_behalf(actor)))
    if recent >= per_day:
        raise TooManyRegistrations(_l("You have registered %(n)d other people in the last 24 hours, the most "
                                      "one user can. Try again later.", n=per_day))
