"""What every part of the spaces' services shares: limits, the facts a space can have, the
conflict error and the small checks of times."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from app.errors import Conflict, ValidationError

UTC = timezone.utc
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A booking may last at most this long and a buffer at most MAX_BUFFER_MINUTES, so that a block is
#: never longer than MAX_BLOCK: the conflict look-up relies on it to bound its index range.
MAX_BOOKING_LENGTH = timedelta(days=14)
MAX_BUFFER_MINUTES = 24 * 60
MAX_BLOCK = MAX_BOOKING_LENGTH + timedelta(minutes=MAX_BUFFER_MINUTES)
#: Availability, booking lists and the like answer for at most this many days at once.
MAX_RANGE_DAYS = 366
#: Staff may always book at least this far ahead (CONTRACT.md), whatever a space's own horizon.
STAFF_HORIZON_DAYS = 365
#: A start this much in the past still counts as "now" (form round trips take a while).
PAST_TOLERANCE = timedelta(minutes=5)

ACCESSIBILITY_FACTS: dict[str, Any] = {
    "step_free": _l("Step-free access"),
    "accessible_toilet": _l("Accessible toilet"),
    "induction_loop": _l("Induction loop"),
    "lift": _l("Lift"),
    "accessible_parking": _l("Accessible parking space"),
    "quiet_room": _l("Quiet room"),
}
EQUIPMENT: dict[str, Any] = {
    "projector": _l("Projector"),
    "screen": _l("Display screen"),
    "wifi": _l("Wi-Fi"),
    "kitchen": _l("Kitchen"),
    "coffee_maker": _l("Coffee maker"),
    "whiteboard": _l("Whiteboard"),
    "sound_system": _l("Sound system"),
    "video_conferencing": _l("Video conferencing"),
}

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class ConflictItem:
    """An existing booking in the way of a requested interval."""

    start: datetime
    end: datetime
    booking_id: int
    requested_start: datetime
    requested_end: datetime
    title: str = ""


class BookingConflict(Conflict):
    """The space is already booked (or in its buffer) at the requested time; ``conflicts`` says when."""

    code = "conflict"

    def __init__(self, conflicts: list[ConflictItem], message: Any = None, *, tz: str = "Europe/Helsinki",
                 **kwargs: Any) -> None:
        self.conflicts = list(conflicts)
        self.tz = tz
        super().__init__(message or _l("The space is already booked at that time."), **kwargs)

    def to_json(self) -> dict[str, Any]:
        body = super().to_json()
        zone = ZoneInfo(self.tz)
        body["conflicts"] = [
            {"start": item.start.astimezone(zone).isoformat(), "end": item.end.astimezone(zone).isoformat(),
             "booking_id": item.booking_id,
             "requested": {"start": item.requested_start.astimezone(zone).isoformat(),
                           "end": item.requested_end.astimezone(zone).isoformat()}}
            for item in self.conflicts]
        return body


def _error(message: Any, field: str, code: str) -> ValidationError:
    return ValidationError(message, field=field, code=code)


def _aware(value: Any, field_name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise _error(_l("Give the time with a date, a time of day and a time zone."), field_name, "invalid")
    return value.astimezone(UTC).replace(microsecond=0)


def check_range(start: datetime | None, end: datetime | None, *, now: datetime,
                default_days: int = 7) -> Interval:
    """A ``[from, to)`` window: defaults from now for ``default_days``; at most MAX_RANGE_DAYS long."""
    start = _aware(start, "from") if start is not None else now.replace(microsecond=0)
    end = _aware(end, "to") if end is not None else start + timedelta(days=default_days)
    if end <= start:
        raise _error(_l("The end of the range must be after its start."), "to", "invalid_interval")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise _error(_l("The range can be at most %(days)d days long.", days=MAX_RANGE_DAYS), "to", "too_long")
    return start, end
