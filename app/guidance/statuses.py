"""Statuses of guidance hours, their dates and appointments, with their labels (stored values unchanged)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.statuses import LabelledStatus


class HourStatus(LabelledStatus):
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {cls.PUBLISHED: _l("Published"), cls.CANCELLED: _l("Cancelled")}


class WindowStatus(LabelledStatus):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {cls.SCHEDULED: _l("Scheduled"), cls.CANCELLED: _l("Cancelled")}


class AppointmentStatus(LabelledStatus):
    BOOKED = "booked"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {cls.BOOKED: _l("Booked"), cls.CANCELLED: _l("Cancelled")}
