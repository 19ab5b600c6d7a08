"""Templates ask ``online_link_visible(occurrence_or_series)`` (rules in app/meetings/online_link.py)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user

from app.meetings.models import MeetingOccurrence
from app.meetings.online_link import sees_occurrence_link, series_with_link_access

bp = Blueprint("online_link", __name__)


@bp.app_template_global("online_link_visible")
def online_link_visible(target: Any) -> bool:
    """Whether the signed-in user may see the online link of an occurrence (or of a series)."""
    if isinstance(target, MeetingOccurrence):
        return sees_occurrence_link(current_user, target)
    return target.id in series_with_link_access(current_user, [target.id])
