"""The statuses of series, their dates and registrations, each with its one translated label.

Stored values are unchanged (the columns keep plain strings, the CHECK constraints and the API
name them); code compares against these enums and pages show ``.label`` / ``label_of(value)``.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.core.statuses import LabelledStatus


class SeriesStatus(LabelledStatus):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        return {cls.DRAFT: _l("Draft"), cls.PUBLISHED: _l("Published"), cls.CANCELLED: _l("Cancelled")}


class OccurrenceStatus(LabelledStatus):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        return {cls.SCHEDULED: _l("Scheduled"), cls.CANCELLED: _l("Cancelled")}


class RegistrationStatus(LabelledStatus):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        return {cls.CONFIRMED: _l("Confirmed"), cls.WAITLISTED: _l("On the waiting list"),
                cls.CANCELLED: _l("Cancelled")}


class Attendance(LabelledStatus):
    PRESENT = "present"
    NO_SHOW = "no_show"

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        return {cls.PRESENT: _l("Present"), cls.NO_SHOW: _l("No-show")}


#: Registrations that hold a seat or a place in the queue (mails about the date go to them).
LIVE_REGISTRATION = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def meeting_status_label(status: str) -> str:
    """The label of a series' or a date's stored status (templates: ``status_badge``)."""
    if status in OccurrenceStatus._value2member_map_:
        return OccurrenceStatus.label_of(status)
    return SeriesStatus.label_of(status)
