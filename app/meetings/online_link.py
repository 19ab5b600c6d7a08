"""Who may see a meeting's online link (``MeetingSeries.online_url``): its registrants and staff.

The link is the door to the meeting; whoever has it can join, so it is not published: public
pages, public feeds and the public API say "the link is sent to registrants" instead. A
registrant (a live registration, confirmed or on the waiting list, with their own address:
app/meetings/ownership.py) sees it on the occurrence page when signed in, on their manage-link page, in their mails
and in their personal feed; staff see it everywhere.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.ownership import own_registrations

SENT_TO_REGISTRANTS = _l("The online link is sent to registrants.")


def _mine(user: Any):
    # Their own address: a group contact does not get the link of dates they registered others for.
    return own_registrations(user)


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def sees_occurrence_link(user: Any, occurrence: MeetingOccurrence) -> bool:
    """Staff, or a signed-in user with a live registration for ``occurrence``."""
    if is_staff(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Registration.id).where(
        Registration.occurrence_id == occurrence.id, Registration.status != "cancelled", _mine(user))
        .limit(1)) is not None


def series_with_link_access(user: Any, series_ids: Iterable[int]) -> set[int]:
    """Of ``series_ids``, those whose link ``user`` may see (one query; all of them for staff):
    a live registration for any of the series' dates."""
    ids = set(series_ids)
    if is_staff(user):
        return ids
    if not ids or user is None or not getattr(user, "is_authenticated", True):
        return set()
    rows = db.session.scalars(
        select(MeetingOccurrence.series_id).join(Registration, Registration.occurrence_id == MeetingOccurrence.id)
        .where(MeetingOccurrence.series_id.in_(ids), Registration.status != "cancelled", _mine(user))
        .distinct())
    return set(rows)


def redact_series_json(items: list[dict[str, Any]], user: Any) -> list[dict[str, Any]]:
    """API answers: ``online_url`` only for staff and the series' registrants (None otherwise)."""
    allowed = series_with_link_access(user, [item["id"] for item in items if item.get("online_url")])
    for item in items:
        if item.get("online_url") and item["id"] not in allowed:
            item["online_url"] = None
    return items
