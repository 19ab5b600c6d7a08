"""The statuses of bookings and booking requests, with their translated labels in one place.

The stored values stay the plain strings the database checks (``'confirmed'``, ``'cancelled'``;
``'pending'``, ``'approved'``, ``'declined'``, ``'withdrawn'``) and the API answers.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.core.statuses import LabelledStatus


class BookingStatus(LabelledStatus):
    """A booking holds its time (``confirmed``) or has freed it (``cancelled``)."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        return {cls.CONFIRMED: _l("Confirmed"), cls.CANCELLED: _l("Cancelled")}


class RequestStatus(LabelledStatus):
    """An NGO's booking request: waiting, then approved, declined or withdrawn."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        return {cls.PENDING: _l("Waiting for a decision"), cls.APPROVED: _l("Approved"),
                cls.DECLINED: _l("Declined"), cls.WITHDRAWN: _l("Withdrawn")}
