"""Template helpers of the meetings pages that depend on who is looking:
``online_link_visible(occurrence_or_series)`` (rules in app/meetings/online_link.py) and
``my_registration_status(occurrence)`` (the "You are registered" badge, app/meetings/my_registrations.py)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, g
from flask_login import current_user

from app.meetings.models import MeetingOccurrence
from app.meetings.my_registrations import registration_statuses
from app.meetings.online_link import sees_occurrence_link, series_with_link_access

bp = Blueprint("meetings_template_globals", __name__)


@bp.app_template_global("online_link_visible")
def online_link_visible(target: Any) -> bool:
    """Whether the signed-in user may see the online link of an occurrence (or of a series)."""
    if isinstance(target, MeetingOccurrence):
        return sees_occurrence_link(current_user, target)
    return target.id in series_with_link_access(current_user, [target.id])


@bp.app_template_global("my_registration_status")
def my_registration_status(occurrence: MeetingOccurrence) -> str | None:
    """"confirmed" / "waitlisted" when the signed-in user is registered for ``occurrence``; one
    query per request for the whole list."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    if "my_registration_statuses" not in g:
        g.my_registration_statuses = registration_statuses(current_user)
    return g.my_registration_statuses.get(occurrence.id)
