"""Who may see a guidance hour's online link (``GuidanceHour.online_url``): bookers and staff.

As with meetings (app/meetings/online_link.py), whoever has the link can join, so it is not
published: the public pages and the public API say "The online link is sent to those who book."
instead. The person who booked gets it on their appointment page (manage link), in their mails and
invitations; advisers get it in their feed; staff (advisers are staff) see it everywhere, and an
API user sees it on the hours where they have a live appointment of their own (their address).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.guidance.models import GuidanceAppointment
from app.guidance.statuses import AppointmentStatus

SENT_TO_BOOKERS = _l("The online link is sent to those who book.")


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def hours_with_link_access(user: Any, hour_ids: Iterable[int]) -> set[int]:
    """Of ``hour_ids``, those whose link ``user`` may see (one query; all of them for staff)."""
    ids = set(hour_ids)
    if is_staff(user):
        return ids
    email = (getattr(user, "email", None) or "").strip().lower()
    if not ids or not email or not getattr(user, "is_authenticated", True):
        return set()
    return set(db.session.scalars(
        select(GuidanceAppointment.guidance_hour_id).where(
            GuidanceAppointment.guidance_hour_id.in_(ids), GuidanceAppointment.email == email,
            GuidanceAppointment.status == AppointmentStatus.BOOKED).distinct()))


def redact_hours_json(items: list[dict[str, Any]], user: Any) -> list[dict[str, Any]]:
    """API answers: ``online_url`` only for staff and the hour's bookers (None otherwise)."""
    allowed = hours_with_link_access(user, [item["id"] for item in items if item.get("online_url")])
    for item in items:
        if item.get("online_url") and item["id"] not in allowed:
            item["online_url"] = None
    return items
