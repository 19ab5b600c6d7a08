""""Send me my manage link again": one mail listing a person's registrations and their links.

The answer never tells whether an address is registered (the page is the same either way); only
the mailbox's owner learns it, from the mail. Upcoming, live registrations only: a cancelled or
past one has nothing left to manage. The pages limit how often (per client and per address).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.i18n import localized
from app.core.types import utcnow
from app.errors import ValidationError
from app.extensions import db
from app.mail.services import enqueue
from app.meetings import registrations as registration_services
from app.meetings.models import MeetingOccurrence, Registration


def registrations_of(email: str, now: datetime | None = None) -> list[Registration]:
    """Live, upcoming registrations made with ``email``, soonest first."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Registration).join(Registration.occurrence)
        .where(Registration.email == email, Registration.status != "cancelled",
               Registration.anonymised_at.is_(None), MeetingOccurrence.ends_at > now)
        .options(joinedload(Registration.occurrence).joinedload(MeetingOccurrence.series))
        .order_by(MeetingOccurrence.starts_at, Registration.id)))


def send_manage_links(raw_email: str, *, locale: str = "fi", now: datetime | None = None) -> bool:
    """Mail the owner of ``raw_email`` their manage links, if they have registrations; True if
    a mail was queued. A malformed address is a ValidationError (the form says so); an unknown
    one is not an error."""
    from app.accounts.services import normalize_email

    try:
        email = normalize_email(raw_email or "")
    except ValidationError:
        raise
    rows = registrations_of(email, now)
    if not rows:
        return False
    items = [{"title": localized(r.occurrence.series, "title", locale), "occurrence": r.occurrence,
              "status": r.status, "manage_url": registration_services.manage_url(r)} for r in rows]
    enqueue(email, "registration_links", locale=locale, lang=locale, items=items, name=rows[0].name)
    return True
