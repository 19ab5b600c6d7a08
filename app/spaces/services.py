"""Resident-space rules: spaces, opening hours, bookings that never overlap, NGO booking requests.

Plain functions with an explicit ``actor`` and ``now``; they flush and raise typed ``DomainError``s,
the caller commits. The meetings feature books, moves and frees a space through
:func:`create_booking`, :func:`move_booking` and :func:`cancel_booking`: pass ``strict=False`` to
leave opening hours, duration limits and the booking horizon to the meeting's own rules (or
``override_reason=`` to book outside the hours with the rules otherwise on), ``notify=False`` when
the meeting sends its own mail, and store the returned ``Booking.id`` on the occurrence. An
overlap always raises :class:`BookingConflict` (409, ``conflicts``); ``actor=None`` is the system.

The double-booking guarantee (DESIGN.md, "Concurrency"): a booking occupies its *block*
``[starts_at, ends_at + buffer)``. Every write first looks for overlapping live blocks (through the
index ``ix_bookings_space_block``; the lower bound on ``block_starts_at`` keeps that look-up a short
index range whatever the history, which is why a block may last at most :data:`MAX_BLOCK`).
On SQLite the whole transaction holds the write lock from its first statement (``BEGIN IMMEDIATE``),
so check-then-insert is serialised. On PostgreSQL two transactions can both pass the check; the
exclusion constraint ``ex_bookings_no_overlap`` then refuses the second insert (SQLSTATE 23P01),
which becomes a :class:`BookingConflict` listing what is in the way.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.core.audit import audit
from app.core.dates import format_duration
from app.core.districts import DISTRICTS
from app.core.rule_errors import to_validation_error
from app.core.auth import require_staff
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.mail.services import enqueue
from app import scheduling as recurrence
from app.spaces.models import Booking, BookingRequest, Space, SpaceException

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


# --- errors -----------------------------------------------------------------------------------

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


# --- opening hours ----------------------------------------------------------------------------

_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_RANGE_SPLIT = re.compile(r"\s*[-–—]\s*")


def _clock(text: Any, *, allow_24: bool) -> str:
    """``"8.00"`` → ``"08:00"``; ``24:00`` only as an end."""
    match = _CLOCK.match(str(text)) if isinstance(text, str) else None
    if not match:
        raise ValueError(_("%(value)s is not a time of day (HH:MM).", value=text))
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not allow_24)):
        raise ValueError(_("%(value)s is not a time of day (HH:MM).", value=text))
    return f"{hour:02d}:{minute:02d}"


def clean_ranges(ranges: Any) -> list[list[str]]:
    """Validate ``[["08:00", "12:00"], ["13:00", "20:00"]]``: sorted, start < end, no overlaps."""
    if not isinstance(ranges, (list, tuple)):
        raise ValueError(_("Give the hours as a list of [start, end] pairs."))
    result = []
    for pair in ranges:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(_("Give the hours as a list of [start, end] pairs."))
        start, end = _clock(pair[0], allow_24=False), _clock(pair[1], allow_24=True)
        if end <= start:
            raise ValueError(_("The hours %(start)s–%(end)s end before they start.", start=start, end=end))
        result.append([start, end])
    result.sort()
    for (_s1, e1), (s2, _e2) in zip(result, result[1:]):
        if s2 < e1:
            raise ValueError(_("The hours of one day overlap."))
    return result


def clean_opening_hours(raw: Any) -> dict[str, list[list[str]]] | None:
    """``{"mon": [["08:00","20:00"]], ...}`` checked; ``None`` means bookable at any hour.

    A weekday that is missing (or has no ranges) is closed.
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValidationError(_l("Opening hours must map weekdays (mon … sun) to lists of hours."),
                              field="opening_hours")
    result: dict[str, list[list[str]]] = {}
    for key, ranges in raw.items():
        if key not in WEEKDAYS:
            raise ValidationError(_l("Unknown weekday %(day)s: use mon, tue, wed, thu, fri, sat, sun.", day=key),
                                  field="opening_hours")
        try:
            cleaned = clean_ranges(ranges or [])
        except ValueError as exc:
            raise ValidationError(exc.args[0], field="opening_hours") from None
        if cleaned:
            result[key] = cleaned
    return {day: result[day] for day in WEEKDAYS if day in result}


def parse_hours_text(text: str | None) -> list[list[str]]:
    """``"8-12, 13:00–20:00"`` from a form → ranges; blank → closed. Raises ``ValueError``."""
    text = (text or "").strip()
    if not text:
        return []
    ranges = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        bits = _RANGE_SPLIT.split(part)
        if len(bits) != 2:
            raise ValueError(_("Write the hours like 8.00–16.00, several separated by commas."))
        ranges.append([_with_minutes(bits[0]), _with_minutes(bits[1])])
    return clean_ranges(ranges)


def _with_minutes(text: str) -> str:
    text = text.strip()
    return f"{text}:00" if text.isdigit() else text


def format_hours(ranges: Iterable[Iterable[str]] | None) -> str:
    """``[["08:00","12:00"]]`` → ``"08:00–12:00"``."""
    return ", ".join(f"{a}–{b}" for a, b in (ranges or []))


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local clock time on ``day`` (``24:00`` = the next midnight)."""
    hour, minute = (int(x) for x in clock.split(":"))
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return recurrence.localize(datetime.combine(day, time(hour, minute)), zone).astimezone(UTC)


def _load_exceptions(space: Space, first: date, last: date) -> dict[date, SpaceException]:
    rows = db.session.scalars(select(SpaceException).where(
        SpaceException.space_id == space.id, SpaceException.day >= first, SpaceException.day <= last))
    return {row.day: row for row in rows}


def day_hours(space: Space, day: date, exceptions: dict[date, SpaceException]) -> list[list[str]] | None:
    """The local hours of ``day``: an exception, else closed on a holiday, else the weekly hours.

    ``None`` means open all day (a space without opening hours).
    """
    if day in exceptions:
        return list(exceptions[day].hours or [])
    if space.closed_on_holidays and recurrence.is_holiday(day):
        return []
    if space.opening_hours is None:
        return None
    return list(space.opening_hours.get(WEEKDAYS[day.weekday()], []))


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, overlapping or touching intervals joined."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def open_intervals(space: Space, start: datetime, end: datetime,
                   exceptions: dict[date, SpaceException] | None = None) -> list[Interval]:
    """When the space is open within ``[start, end)``: merged UTC intervals."""
    zone = ZoneInfo(space.timezone)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    if exceptions is None:
        exceptions = _load_exceptions(space, first, last)
    pieces = []
    day = first
    while day <= last:
        hours = day_hours(space, day, exceptions)
        if hours is None:
            pieces.append((_at(day, "00:00", zone), _at(day, "24:00", zone)))
        else:
            pieces.extend((_at(day, a, zone), _at(day, b, zone)) for a, b in hours)
        day += timedelta(days=1)
    clipped = [(max(a, start), min(b, end)) for a, b in _merge(pieces)]
    return [(a, b) for a, b in clipped if a < b]


def _within(intervals: list[Interval], start: datetime, end: datetime) -> bool:
    return any(a <= start and end <= b for a, b in intervals)


# --- spaces -----------------------------------------------------------------------------------

@dataclass
class SpaceData:
    """Validated input for creating or editing a space."""

    name: str
    address: str
    capacity: int
    district: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description_fi: str | None = None
    description_sv: str | None = None
    description_en: str | None = None
    accessibility: dict[str, Any] = field(default_factory=dict)
    equipment: list[str] = field(default_factory=list)
    opening_hours: dict[str, list[list[str]]] | None = None
    closed_on_holidays: bool = True
    buffer_minutes: int = 0
    min_duration_minutes: int | None = None
    max_duration_minutes: int | None = None
    booking_horizon_days: int = 365
    manager_id: int | None = None


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float) and not value.is_integer():
        raise ValueError
    return int(value)


def clean_space_data(raw: dict[str, Any]) -> SpaceData:
    """Check a space's fields; every error at once, by field."""
    errors: dict[str, list[Any]] = {}

    def err(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(message)

    name = (raw.get("name") or "").strip()
    if not name:
        err("name", _l("Enter the space's name."))
    elif len(name) > 200:
        err("name", _l("The name is too long (at most 200 characters)."))
    address = (raw.get("address") or "").strip()
    if not address:
        err("address", _l("Enter the street address."))
    elif len(address) > 300:
        err("address", _l("The address is too long (at most 300 characters)."))
    district = raw.get("district") or None
    if district is not None and district not in DISTRICTS:
        err("district", _l("Choose one of Helsinki's districts."))

    def number(key: str, low: int, high: int, message: Any, *, required: bool = False) -> int | None:
        try:
            value = _int_or_none(raw.get(key))
        except (TypeError, ValueError):
            err(key, message)
            return None
        if value is None:
            if required:
                err(key, message)
            return None
        if not low <= value <= high:
            err(key, message)
            return None
        return value

    capacity = number("capacity", 1, 10000, _l("The capacity must be a whole number from 1 to 10000."),
                      required=True)
    buffer_minutes = number("buffer_minutes", 0, MAX_BUFFER_MINUTES,
                            _l("The buffer must be from 0 to %(max)d minutes.", max=MAX_BUFFER_MINUTES))
    max_minutes = int(MAX_BOOKING_LENGTH.total_seconds() // 60)
    min_duration = number("min_duration_minutes", 1, max_minutes,
                          _l("The minimum duration must be from 1 to %(max)d minutes.", max=max_minutes))
    max_duration = number("max_duration_minutes", 1, max_minutes,
                          _l("The maximum duration must be from 1 to %(max)d minutes.", max=max_minutes))
    if min_duration and max_duration and min_duration > max_duration:
        err("max_duration_minutes", _l("The maximum duration is shorter than the minimum."))
    horizon = number("booking_horizon_days", 1, 1000, _l("Booking ahead must be from 1 to 1000 days."))

    coords = {}
    for key, bound in (("latitude", 90), ("longitude", 180)):
        value = raw.get(key)
        if value is None or value == "":
            coords[key] = None
            continue
        try:
            number_value = float(value)
        except (TypeError, ValueError):
            number_value = None
        if number_value is None or isinstance(value, bool) or not -bound <= number_value <= bound:
            err(key, _l("Enter the coordinate in decimal degrees."))
            coords[key] = None
        else:
            coords[key] = number_value
    if (coords["latitude"] is None) != (coords["longitude"] is None) and not errors.get("latitude") \
            and not errors.get("longitude"):
        err("longitude", _l("Give both latitude and longitude, or neither."))

    accessibility_raw = raw.get("accessibility") or {}
    accessibility: dict[str, Any] = {}
    if not isinstance(accessibility_raw, dict):
        err("accessibility", _l("Accessibility facts must be an object of true/false values."))
    else:
        for key, value in accessibility_raw.items():
            if key == "notes":
                accessibility["notes"] = (str(value or "").strip()[:1000]) or None
            elif key in ACCESSIBILITY_FACTS and isinstance(value, bool):
                accessibility[key] = value
            else:
                err("accessibility", _l("Unknown accessibility fact %(key)s.", key=key))
        accessibility = {k: v for k, v in accessibility.items() if v is not None}
    equipment_raw = raw.get("equipment") or []
    equipment: list[str] = []
    if not isinstance(equipment_raw, (list, tuple)):
        err("equipment", _l("Equipment must be a list."))
    else:
        for item in equipment_raw:
            if item not in EQUIPMENT:
                err("equipment", _l("Unknown equipment %(key)s.", key=item))
            elif item not in equipment:
                equipment.append(item)

    opening_hours = None
    try:
        opening_hours = clean_opening_hours(raw.get("opening_hours"))
    except ValidationError as exc:
        errors.setdefault("opening_hours", []).extend(exc.fields["opening_hours"])
    closed_on_holidays = raw.get("closed_on_holidays")
    if closed_on_holidays is None:
        # CONTRACT.md: a space without opening hours is bookable at any hour; with hours, holidays close it.
        closed_on_holidays = opening_hours is not None
    manager_id = raw.get("manager_id") or None
    if manager_id is not None:
        manager = db.session.get(User, manager_id) if isinstance(manager_id, int) else None
        if manager is None or not manager.is_staff or not manager.active:
            err("manager_id", _l("The manager must be an active staff member."))
    descriptions = {}
    for lang in ("fi", "sv", "en"):
        text = (raw.get(f"description_{lang}") or "").strip()
        if len(text) > 5000:
            err(f"description_{lang}", _l("The description is too long (at most 5000 characters)."))
        descriptions[f"description_{lang}"] = text or None
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    return SpaceData(name=name, address=address, capacity=capacity, district=district, **coords, **descriptions,
                     accessibility=accessibility, equipment=equipment, opening_hours=opening_hours,
                     closed_on_holidays=bool(closed_on_holidays), buffer_minutes=buffer_minutes or 0,
                     min_duration_minutes=min_duration, max_duration_minutes=max_duration,
                     booking_horizon_days=horizon or 365, manager_id=manager_id)


def create_space(data: SpaceData, *, actor: Any) -> Space:
    """Staff add a resident space."""
    require_staff(actor, system_allowed=True)
    space = Space(**data.__dict__)
    db.session.add(space)
    db.session.flush()
    audit(actor, "space.create", "space", space.id, name=space.name)
    return space


def update_space(space: Space, data: SpaceData, *, actor: Any) -> Space:
    """Staff edit a space. Existing bookings keep their blocks (a new buffer applies to new bookings)."""
    require_staff(actor, system_allowed=True)
    changed = {k: v for k, v in data.__dict__.items() if getattr(space, k) != v}
    for key, value in changed.items():
        setattr(space, key, value)
    db.session.flush()
    if changed:
        audit(actor, "space.update", "space", space.id, fields=sorted(changed))
    return space


def set_space_exception(space: Space, day: date, hours: list[list[str]] | None, *, actor: Any,
                        note: str | None = None) -> SpaceException:
    """Make ``day`` closed (``hours`` empty/None) or open at other hours; replaces an earlier exception."""
    require_staff(actor, system_allowed=True)
    try:
        cleaned = clean_ranges(hours or [])
    except ValueError as exc:
        raise ValidationError(exc.args[0], field="hours") from None
    row = db.session.scalar(select(SpaceException).where(SpaceException.space_id == space.id,
                                                          SpaceException.day == day))
    if row is None:
        row = SpaceException(space_id=space.id, day=day)
        db.session.add(row)
    row.hours = cleaned or None
    row.note = (note or "").strip()[:300] or None
    db.session.flush()
    audit(actor, "space.exception", "space", space.id, day=day.isoformat(), hours=format_hours(cleaned) or "closed")
    return row


def delete_space_exception(row: SpaceException, *, actor: Any) -> None:
    """Remove an exception day (the weekly hours apply again)."""
    require_staff(actor, system_allowed=True)
    audit(actor, "space.exception_delete", "space", row.space_id, day=row.day.isoformat())
    db.session.delete(row)
    db.session.flush()


def list_spaces(*, district: str | None = None, accessibility: Iterable[str] = (),
                min_capacity: int | None = None) -> list[Space]:
    """Spaces by name, filtered by district, capacity and accessibility facts that must hold."""
    query = select(Space).order_by(func.lower(Space.name), Space.id)
    if district:
        query = query.where(Space.district == district)
    if min_capacity:
        query = query.where(Space.capacity >= min_capacity)
    wanted = [key for key in accessibility if key in ACCESSIBILITY_FACTS]
    # JSON facts are filtered here, portable across SQLite and PostgreSQL (spaces are few).
    return [s for s in db.session.scalars(query) if all((s.accessibility or {}).get(k) is True for k in wanted)]


# --- conflicts --------------------------------------------------------------------------------

def block_of(space: Space, start: datetime, end: datetime) -> Interval:
    """The interval a booking occupies: itself plus the space's buffer after it."""
    return start, end + timedelta(minutes=space.buffer_minutes or 0)


def _live_blocks_query(space_id: int, block_start: datetime, block_end: datetime):
    # A short range of ix_bookings_space_block: (space_id, block_starts_at in (lo, hi)).
    return (select(Booking)
            .where(Booking.space_id == space_id,
                   Booking.block_starts_at > block_start - MAX_BLOCK,
                   Booking.block_starts_at < block_end,
                   Booking.block_ends_at > block_start,
                   Booking.status != "cancelled")
            .order_by(Booking.block_starts_at))


def find_conflicts(space: Space, start: datetime, end: datetime, *, exclude_id: int | None = None) -> list[Booking]:
    """Live bookings whose blocks overlap the block a booking ``[start, end)`` would occupy."""
    block_start, block_end = block_of(space, start, end)
    query = _live_blocks_query(space.id, block_start, block_end)
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    return list(db.session.scalars(query))


def _conflict_items(existing: Iterable[Booking], requested: Iterable[Interval], space: Space) -> list[ConflictItem]:
    items = []
    existing = list(existing)
    for start, end in requested:
        block_start, block_end = block_of(space, start, end)
        for booking in existing:
            if booking.block_starts_at < block_end and booking.block_ends_at > block_start:
                items.append(ConflictItem(booking.starts_at, booking.ends_at, booking.id, start, end, booking.title))
    return items


_OVERLAP = "23P01"  # exclusion_violation: the constraint refused an overlapping block
_DEADLOCK = "40P01"  # two inserters waiting on each other's index entries; one is aborted
_RETRIES = 5


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


# --- booking rules ----------------------------------------------------------------------------

def _aware(value: Any, field_name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise _error(_l("Give the time with a date, a time of day and a time zone."), field_name, "invalid")
    return value.astimezone(UTC).replace(microsecond=0)


def _check_interval(space: Space, start: datetime, end: datetime, *, strict: bool,
                    headcount: int | None) -> None:
    """end > start, length limits, headcount within capacity."""
    if end <= start:
        raise _error(_l("The end must be after the start."), "end", "invalid_interval")
    if end - start > MAX_BOOKING_LENGTH:
        raise _error(_l("A booking can last at most %(days)d days.", days=MAX_BOOKING_LENGTH.days), "end", "too_long")
    minutes = (end - start).total_seconds() / 60
    if strict and space.min_duration_minutes and minutes < space.min_duration_minutes:
        raise _error(_l("A booking of this space must last at least %(duration)s.",
                         duration=format_duration(space.min_duration_minutes)),
                     "end", "too_short")
    if strict and space.max_duration_minutes and minutes > space.max_duration_minutes:
        raise _error(_l("A booking of this space can last at most %(duration)s.",
                         duration=format_duration(space.max_duration_minutes)),
                     "end", "too_long")
    if headcount is not None:
        if isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 1:
            raise _error(_l("The number of people must be a whole number of at least 1."), "headcount", "invalid")
        if headcount > space.capacity:
            raise _error(_l("The space holds at most %(n)d people.", n=space.capacity), "headcount", "over_capacity")


def horizon_days_for(space: Space, actor: Any) -> int:
    """How far ahead ``actor`` may book: the space's horizon, for staff at least a year."""
    days = space.booking_horizon_days or 365
    if getattr(actor, "is_staff", False):
        days = max(days, STAFF_HORIZON_DAYS)
    return days


def _check_when(space: Space, start: datetime, *, now: datetime, actor: Any) -> None:
    """Not in the past, not beyond the booking horizon."""
    if start < now - PAST_TOLERANCE:
        raise _error(_l("The start is in the past."), "start", "in_the_past")
    days = horizon_days_for(space, actor)
    if start > now + timedelta(days=days):
        raise _error(_l("This space can be booked at most %(days)d days ahead.", days=days), "start", "beyond_horizon")


def _check_open(space: Space, start: datetime, end: datetime, *, override_reason: str | None, actor: Any,
                intervals: list[Interval] | None = None) -> str | None:
    """The override reason to store when the space is closed then, or ``None``; refuses without one."""
    intervals = intervals if intervals is not None else open_intervals(space, start - timedelta(days=1),
                                                                     end + timedelta(days=1))
    if _within(intervals, start, end):
        return None
    reason = (override_reason or "").strip()
    if reason and getattr(actor, "is_staff", False):
        return reason[:1000]
    raise _error(_l("The space is not open at that time. Staff may book outside the opening hours by "
                    "giving a reason."), "start", "outside_opening_hours")


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise _error(_l("Enter a title for the booking."), "title", "required")
    if len(title) > 200:
        raise _error(_l("The title is too long (at most 200 characters)."), "title", "too_long")
    return title


def _guarded(space: Space, requested: list[Interval], write, *, exclude_id: int | None = None) -> Any:
    """Run ``write()`` (add/modify live bookings, then flush); an overlap refused by the database
    becomes a BookingConflict listing what is in the way.

    On SQLite ``BEGIN IMMEDIATE`` means nothing can have changed since the caller's check, so the
    write just happens. On PostgreSQL the write runs in a savepoint: the exclusion constraint
    refuses an overlap committed (or being committed) by another transaction, and concurrent
    inserters of overlapping rows can deadlock on each other's index entries, in which case
    PostgreSQL aborts one; that one looks again and retries.
    """
    if not _postgresql():
        return write()
    for _attempt in range(_RETRIES):
        try:
            with db.session.begin_nested():
                return write()
        except DBAPIError as exc:
            if _sqlstate(exc) not in (_OVERLAP, _DEADLOCK):
                raise
        lo = min(s for s, _e in requested)
        hi = max(e for _s, e in requested)
        existing = [b for b in find_conflicts(space, lo, hi) if b.id != exclude_id]
        items = _conflict_items(existing, requested, space)
        if items:
            raise BookingConflict(items, tz=space.timezone)
    raise BookingConflict([], _l("The space is being booked by someone else right now. Try again."),
                          tz=space.timezone)


def _insert(values: list[dict[str, Any]], space: Space) -> list[Booking]:
    """Insert live bookings (as column values) under :func:`_guarded`; returns the rows."""

    def write() -> list[Booking]:
        rows = [Booking(**v) for v in values]
        db.session.add_all(rows)
        db.session.flush()
        return rows

    return _guarded(space, [(v["starts_at"], v["ends_at"]) for v in values], write)


def create_booking(space: Space, start: datetime, end: datetime, title: str, actor: Any, now: datetime, *,
                   override_reason: str | None = None, strict: bool = True, headcount: int | None = None,
                   purpose: str | None = None, organization_id: int | None = None,
                   notes: str | None = None, group_id: str | None = None) -> Booking:
    """Book ``[start, end)`` of ``space``, or raise; never double-books.

    ``strict`` (the default) applies the space's rules: opening hours (exception days and holidays
    included), minimum/maximum duration, not in the past and within the booking horizon. With
    ``override_reason`` staff may book outside the opening hours (the reason is stored). A caller
    that has its own rules (a meeting occurrence) passes ``strict=False``: only the basic interval,
    capacity and the no-overlap guarantee apply. Raises ``ValidationError`` (fields ``start``,
    ``end``, ``title``, ``headcount``), ``Forbidden`` (not staff), ``BookingConflict`` (409).
    """
    require_staff(actor, system_allowed=True)
    title = _clean_title(title)
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=strict, headcount=headcount)
    stored_reason = None
    if strict:
        _check_when(space, start, now=now, actor=actor)
        stored_reason = _check_open(space, start, end, override_reason=override_reason, actor=actor)
    conflicts = find_conflicts(space, start, end)
    if conflicts:
        raise BookingConflict(_conflict_items(conflicts, [(start, end)], space), tz=space.timezone)
    block_start, block_end = block_of(space, start, end)
    booking = _insert([dict(space_id=space.id, title=title, starts_at=start, ends_at=end,
                            block_starts_at=block_start, block_ends_at=block_end, status="confirmed",
                            group_id=group_id, organization_id=organization_id,
                            created_by_id=getattr(actor, "id", None), override_reason=stored_reason,
                            notes=(notes or "").strip() or None, headcount=headcount,
                            purpose=(purpose or "").strip() or None, sequence=0)], space)[0]
    audit(actor, "booking.create", "booking", booking.id, space_id=space.id, start=start.isoformat(),
          end=end.isoformat(), override_reason=stored_reason)
    return booking


@dataclass
class Skipped:
    """An occurrence of a recurring booking that was not booked, and why (``conflict`` or ``closed``)."""

    start: datetime
    end: datetime
    reason: str
    conflicts: list[ConflictItem] = field(default_factory=list)


@dataclass
class RecurringResult:
    """What :func:`create_recurring_booking` booked and skipped."""

    group_id: str | None
    bookings: list[Booking]
    skipped: list[Skipped]
    rrule: str | None = None


def occurrences_for(space: Space, start: datetime, end: datetime, rrule: str | None) -> tuple[str | None, list[Interval]]:
    """The canonical rule and the ``[start, end)`` intervals of a (possibly recurring) booking.

    Occurrences keep the start's wall-clock time in the space's time zone across DST; each lasts as
    long as the first one. A recurring booking needs an end (COUNT or UNTIL).
    """
    zone = ZoneInfo(space.timezone)
    if rrule is None or not str(rrule).strip():
        return None, [(start, end)]
    config = current_app.config
    start_local = start.astimezone(zone).replace(tzinfo=None)
    try:
        canonical = recurrence.normalize_rrule(
            rrule, start_local=start_local, tz=space.timezone,
            max_occurrences=config["RECURRENCE_MAX_OCCURRENCES"],
            horizon=timedelta(days=config["RECURRENCE_HORIZON_DAYS"]))
        if canonical and "COUNT=" not in canonical and "UNTIL=" not in canonical:
            raise ValidationError(_l("A recurring booking needs an end: a number of times or an end date."),
                                  field="rrule", code="no_end")
        starts = recurrence.expand(start_local, space.timezone, canonical,
                                   limit=config["RECURRENCE_MAX_OCCURRENCES"])
    except recurrence.RecurrenceError as exc:
        raise to_validation_error(exc, {"timezone": "rrule"}) from None
    length = end - start
    return canonical, [(s.astimezone(UTC), s.astimezone(UTC) + length) for s in starts]


def create_recurring_booking(space: Space, start: datetime, end: datetime, title: str, actor: Any, now: datetime, *,
                             rrule: str | None, skip_conflicts: bool = False, override_reason: str | None = None,
                             strict: bool = True, headcount: int | None = None, purpose: str | None = None,
                             organization_id: int | None = None, notes: str | None = None) -> RecurringResult:
    """Book every occurrence of ``rrule`` (first one ``[start, end)``), all or nothing by default.

    Without ``skip_conflicts`` any occurrence that is taken raises ``BookingConflict`` listing all
    of them (and one at a closed time raises ``ValidationError`` naming the dates); nothing is
    written. With ``skip_conflicts`` the free dates are booked and the others returned in
    ``skipped``. ``override_reason`` lets staff book closed dates too. The rule must end (COUNT or
    UNTIL) within the booking horizon. Without ``rrule`` this is :func:`create_booking`.
    """
    require_staff(actor, system_allowed=True)
    title = _clean_title(title)
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=strict, headcount=headcount)
    canonical, wanted = occurrences_for(space, start, end, rrule)
    if canonical is None:
        booking = create_booking(space, start, end, title, actor, now, override_reason=override_reason,
                                 strict=strict, headcount=headcount, purpose=purpose,
                                 organization_id=organization_id, notes=notes)
        return RecurringResult(None, [booking], [], None)
    if strict:
        _check_when(space, wanted[0][0], now=now, actor=actor)
        last_start = wanted[-1][0]
        days = horizon_days_for(space, actor)
        if last_start > now + timedelta(days=days):
            raise _error(_l("The last date is too far ahead: this space can be booked at most %(days)d days ahead.",
                            days=days), "rrule", "beyond_horizon")
    lo, hi = wanted[0][0], wanted[-1][1]
    closed: list[Interval] = []
    reasons: dict[Interval, str | None] = {}
    if strict:
        intervals = open_intervals(space, lo - timedelta(days=1), hi + timedelta(days=1))
        for interval in wanted:
            try:
                reasons[interval] = _check_open(space, *interval, override_reason=override_reason, actor=actor,
                                                intervals=intervals)
            except ValidationError:
                closed.append(interval)
    existing = list(db.session.scalars(_live_blocks_query(space.id, *block_of(space, lo, hi))))
    taken = {interval: _conflict_items(existing, [interval], space) for interval in wanted}
    taken = {k: v for k, v in taken.items() if v}
    if not skip_conflicts:
        if closed:
            zone = ZoneInfo(space.timezone)
            dates = ", ".join(f"{d.day}.{d.month}.{d.year}" for d in (s.astimezone(zone) for s, _e in closed))
            raise _error(_l("The space is not open on these dates: %(dates)s. Book the free dates only, or "
                            "give a reason to book outside the opening hours.", dates=dates),
                         "start", "outside_opening_hours")
        if taken:
            raise BookingConflict([item for items in taken.values() for item in items],
                                  _l("%(n)d of the dates are already booked.", n=len(taken)), tz=space.timezone)
    skipped = [Skipped(s, e, "closed") for s, e in closed]
    skipped += [Skipped(s, e, "conflict", items) for (s, e), items in taken.items() if (s, e) not in closed]
    free = [interval for interval in wanted if interval not in taken and interval not in closed]
    if not free:
        raise BookingConflict([item for items in taken.values() for item in items],
                              _l("None of the dates is free."), tz=space.timezone)
    group_id = str(uuid.uuid4())
    rows = []
    for s, e in free:
        block_start, block_end = block_of(space, s, e)
        rows.append(dict(space_id=space.id, title=title, starts_at=s, ends_at=e, block_starts_at=block_start,
                         block_ends_at=block_end, status="confirmed", group_id=group_id,
                         organization_id=organization_id, created_by_id=getattr(actor, "id", None),
                         override_reason=reasons.get((s, e)), notes=(notes or "").strip() or None,
                         headcount=headcount, purpose=(purpose or "").strip() or None, sequence=0))
    if not skip_conflicts or not _postgresql():
        booked = _insert(rows, space)
    else:
        # Another transaction may take a date after our check: skip that one too, keep the rest.
        booked = []
        for row in rows:
            try:
                booked += _insert([row], space)
            except BookingConflict as exc:
                skipped.append(Skipped(row["starts_at"], row["ends_at"], "conflict", exc.conflicts))
        if not booked:
            raise BookingConflict([c for s in skipped for c in s.conflicts], _l("None of the dates is free."),
                                  tz=space.timezone)
    skipped.sort(key=lambda item: item.start)
    audit(actor, "booking.create_recurring", "space", space.id, group_id=group_id, rrule=canonical,
          booked=len(booked), skipped=len(skipped))
    return RecurringResult(group_id, booked, skipped, canonical)


def move_booking(booking: Booking, start: datetime, end: datetime, actor: Any, now: datetime, *,
                 override_reason: str | None = None, strict: bool = True, notify: bool = True) -> Booking:
    """Move a live booking to ``[start, end)`` with the same rules and guarantee as :func:`create_booking`.

    Its own old interval does not count as a conflict. ``sequence`` goes up by one. A booking that
    came from an NGO request tells the requester by mail (unless ``notify`` is false).
    """
    require_staff(actor, system_allowed=True)
    if booking.status == "cancelled":
        raise Conflict(_l("A cancelled booking cannot be moved."), code="cancelled")
    space = booking.space
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=strict, headcount=booking.headcount)
    stored_reason = booking.override_reason
    if strict:
        _check_when(space, start, now=now, actor=actor)
        stored_reason = _check_open(space, start, end, override_reason=override_reason, actor=actor)
    conflicts = find_conflicts(space, start, end, exclude_id=booking.id)
    if conflicts:
        raise BookingConflict(_conflict_items(conflicts, [(start, end)], space), tz=space.timezone)
    old = (booking.starts_at, booking.ends_at)
    block_start, block_end = block_of(space, start, end)
    values = dict(starts_at=start, ends_at=end, block_starts_at=block_start, block_ends_at=block_end,
                  override_reason=stored_reason, sequence=(booking.sequence or 0) + 1)

    def write() -> None:
        for key, value in values.items():
            setattr(booking, key, value)
        db.session.flush()

    _guarded(space, [(start, end)], write, exclude_id=booking.id)
    audit(actor, "booking.move", "booking", booking.id, old_start=old[0].isoformat(), start=start.isoformat(),
          end=end.isoformat())
    requester = _requester_of(booking) if notify else None
    if requester is not None:
        enqueue(requester.email, "booking_moved", locale=requester.locale, booking=booking, space=space,
                user=requester, old_start=old[0], old_end=old[1])
    return booking


def _requester_of(booking: Booking) -> User | None:
    """The NGO user whose approved request became ``booking``, if any (they hear about changes)."""
    request_row = db.session.scalar(select(BookingRequest).where(BookingRequest.booking_id == booking.id))
    return request_row.requester if request_row is not None else None


def cancel_booking(booking: Booking, actor: Any, now: datetime, *, reason: str | None = None,
                   notify: bool = True) -> Booking:
    """Free the booking's time (idempotent). A booking that came from an NGO request tells the requester."""
    require_staff(actor, system_allowed=True)
    if booking.status == "cancelled":
        return booking
    booking.status = "cancelled"
    booking.cancelled_at = now
    booking.cancel_reason = (reason or "").strip() or None
    booking.sequence = (booking.sequence or 0) + 1
    db.session.flush()
    audit(actor, "booking.cancel", "booking", booking.id, reason=booking.cancel_reason)
    requester = _requester_of(booking) if notify else None
    if requester is not None:
        enqueue(requester.email, "booking_cancelled", locale=requester.locale, booking=booking,
                space=booking.space, user=requester, reason=booking.cancel_reason)
    return booking


def cancel_booking_group(group_id: str, actor: Any, now: datetime, *, from_start: datetime | None = None,
                         reason: str | None = None) -> list[Booking]:
    """Cancel the live bookings of one recurring booking that start at ``from_start`` or later
    (default: the ones not yet started)."""
    require_staff(actor, system_allowed=True)
    since = max(now, from_start) if from_start is not None else now
    rows = list(db.session.scalars(select(Booking).where(Booking.group_id == group_id, Booking.status != "cancelled",
                                                         Booking.starts_at >= since).order_by(Booking.starts_at)))
    for row in rows:
        cancel_booking(row, actor, now, reason=reason)
    return rows


def bookings_query(space: Space, *, start: datetime | None = None, end: datetime | None = None,
                   include_cancelled: bool = False):
    """A space's bookings overlapping ``[start, end)`` in time order (for lists and the API)."""
    query = select(Booking).where(Booking.space_id == space.id)
    if not include_cancelled:
        query = query.where(Booking.status != "cancelled")
    if start is not None:
        query = query.where(Booking.ends_at > start, Booking.block_starts_at > start - MAX_BLOCK)
    if end is not None:
        query = query.where(Booking.starts_at < end)
    return query.order_by(Booking.block_starts_at, Booking.id)


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


# --- availability -----------------------------------------------------------------------------

@dataclass
class Availability:
    """Within a window: ``busy`` = booked intervals, ``open`` = opening hours, ``free`` = bookable."""

    busy: list[Interval]
    open: list[Interval]
    free: list[Interval]


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result = []
    for start, end in intervals:
        pieces = [(start, end)]
        for h_start, h_end in holes:
            next_pieces = []
            for a, b in pieces:
                if h_end <= a or h_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < h_start:
                    next_pieces.append((a, h_start))
                if h_end < b:
                    next_pieces.append((h_end, b))
            pieces = next_pieces
        result.extend(pieces)
    return result


def availability(space: Space, start: datetime, end: datetime, *, bookings: list[Booking] | None = None) -> Availability:
    """Busy, open and free intervals of ``space`` within ``[start, end)`` (UTC, half-open).

    ``free`` leaves out what a new booking could not use: bookings with their buffers on both sides
    (a new booking needs its own buffer before the next one).
    """
    if bookings is None:
        bookings = list(db.session.scalars(bookings_query(space, start=start - timedelta(
            minutes=space.buffer_minutes or 0), end=end)))
    buffer = timedelta(minutes=space.buffer_minutes or 0)
    busy = [(max(b.starts_at, start), min(b.ends_at, end)) for b in bookings
            if b.starts_at < end and b.ends_at > start]
    opened = open_intervals(space, start, end)
    holes = _merge((b.block_starts_at - buffer, b.block_ends_at) for b in bookings)
    free = [(a, b) for a, b in _subtract(opened, holes) if a < b]
    return Availability(busy=busy, open=opened, free=free)


# --- week view --------------------------------------------------------------------------------

@dataclass
class Cell:
    """One hour of one day: ``state`` free / booked / partly / closed, with the exact times if partial."""

    state: str
    start: datetime
    end: datetime
    booked: list[Interval] = field(default_factory=list)
    opened: list[Interval] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)


@dataclass
class WeekView:
    """A week of a space as rows of hours × columns of days (for an accessible table)."""

    space: Space
    monday: date
    days: list[date]
    hours: list[int]
    rows: list[list[Cell]]
    previous_monday: date
    next_monday: date


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_view(space: Space, day: date, *, now: datetime | None = None, exact: bool = False) -> WeekView:
    """The week (Monday–Sunday, local) containing ``day``: two queries whatever the data.

    ``exact``: the seven days from ``day`` itself (the page starts at today: no past days first).

    Cells: ``free``, ``booked``, ``partly`` (booked in part), ``partly_open``, ``closed``, and
    ``past`` for unbooked hours that are over (with ``now``).
    """
    zone = ZoneInfo(space.timezone)
    monday = day if exact else monday_of(day)
    days = [monday + timedelta(days=i) for i in range(7)]
    week_start, week_end = _at(monday, "00:00", zone), _at(days[-1], "24:00", zone)
    exceptions = _load_exceptions(space, monday - timedelta(days=1), days[-1] + timedelta(days=1))
    opened = open_intervals(space, week_start, week_end, exceptions)
    bookings = list(db.session.scalars(bookings_query(space, start=week_start, end=week_end)))
    spans = [(b.starts_at, b.ends_at) for b in bookings]
    if space.opening_hours is not None:
        spans += opened
    first_hour, last_hour = (24, 0) if spans and space.opening_hours is not None and opened else (8, 20)
    for a, b in spans:
        a_local, b_local = max(a, week_start).astimezone(zone), min(b, week_end).astimezone(zone)
        first_hour = min(first_hour, a_local.hour if a_local.date() == b_local.date() else 0)
        end_hour = b_local.hour + (1 if b_local.minute or b_local.second else 0)
        last_hour = max(last_hour, 24 if b_local.date() != a_local.date() else end_hour)
    hours = list(range(first_hour, max(last_hour, first_hour + 1)))
    rows = []
    for hour in hours:
        row = []
        for d in days:
            slot_start = _at(d, f"{hour:02d}:00", zone)
            slot_end = _at(d, f"{hour + 1:02d}:00", zone) if hour < 23 else _at(d, "24:00", zone)
            in_slot = [b for b in bookings if b.starts_at < slot_end and b.ends_at > slot_start]
            booked = _merge((max(b.starts_at, slot_start), min(b.ends_at, slot_end)) for b in in_slot)
            open_parts = [(max(a, slot_start), min(b, slot_end)) for a, b in opened if a < slot_end and b > slot_start]
            if slot_end <= slot_start:
                state = "closed"
            elif booked:
                state = "booked" if booked == [(slot_start, slot_end)] or not _subtract(open_parts, booked) \
                    else "partly"
            elif now is not None and slot_end <= now:
                state = "past"
            elif not open_parts:
                state = "closed"
            elif open_parts == [(slot_start, slot_end)]:
                state = "free"
            else:
                state = "partly_open"
            row.append(Cell(state, slot_start, slot_end, booked, open_parts, in_slot))
        rows.append(row)
    return WeekView(space, monday, days, hours, rows, monday - timedelta(days=7), monday + timedelta(days=7))


# --- finder -----------------------------------------------------------------------------------

def find_free_spaces(capacity: int | None, district: str | None, start: datetime, end: datetime, *,
                     accessibility: Iterable[str] = ()) -> list[Space]:
    """Spaces for ``capacity`` people in ``district`` (``None`` = any) that are open and free for
    ``[start, end)`` with their buffer; by name. A fixed number of queries."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise _error(_l("The end must be after the start."), "end", "invalid_interval")
    if end - start > MAX_BOOKING_LENGTH:
        raise _error(_l("A booking can last at most %(days)d days.", days=MAX_BOOKING_LENGTH.days), "end", "too_long")
    candidates = list_spaces(district=district, accessibility=accessibility, min_capacity=capacity)
    if not candidates:
        return []
    ids = [s.id for s in candidates]
    max_buffer = timedelta(minutes=max(s.buffer_minutes or 0 for s in candidates))
    busy = list(db.session.scalars(select(Booking).where(
        Booking.space_id.in_(ids), Booking.status != "cancelled", Booking.block_starts_at < end + max_buffer,
        Booking.block_starts_at > start - MAX_BLOCK, Booking.block_ends_at > start)))
    by_space: dict[int, list[Booking]] = {}
    for booking in busy:
        by_space.setdefault(booking.space_id, []).append(booking)
    exception_rows = db.session.scalars(select(SpaceException).where(
        SpaceException.space_id.in_(ids), SpaceException.day >= (start - timedelta(days=2)).date(),
        SpaceException.day <= (end + timedelta(days=2)).date()))
    exceptions: dict[int, dict[date, SpaceException]] = {}
    for row in exception_rows:
        exceptions.setdefault(row.space_id, {})[row.day] = row
    result = []
    for space in candidates:
        opened = open_intervals(space, start - timedelta(days=1), end + timedelta(days=1),
                                exceptions.get(space.id, {}))
        if not _within(opened, start, end):
            continue
        if _conflict_items(by_space.get(space.id, []), [(start, end)], space):
            continue
        result.append(space)
    return result


# --- booking requests -------------------------------------------------------------------------

def _staff_recipients(space: Space) -> list[User]:
    """Who hears about a new request: the space's manager, or every active staff member."""
    if space.manager is not None and space.manager.active:
        return [space.manager]
    return list(db.session.scalars(select(User).where(User.role.in_([Role.STAFF.value, Role.ADMIN.value]),
                                                      User.active.is_(True)).order_by(User.id)))


def create_booking_request(space: Space, start: datetime, end: datetime, *, title: str, purpose: str,
                           headcount: Any, actor: Any, now: datetime) -> BookingRequest:
    """An NGO user asks for ``[start, end)``; the same rules as a booking (no override) are checked
    now, so a request is only made for a time that could be booked. Mails the requester and staff."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_l("Log in to request a booking."))
    errors: dict[str, list[Any]] = {}
    title_text = (title or "").strip()
    if not title_text:
        errors.setdefault("title", []).append(_l("Enter a title for the booking."))
    elif len(title_text) > 200:
        errors.setdefault("title", []).append(_l("The title is too long (at most 200 characters)."))
    purpose_text = (purpose or "").strip()
    if not purpose_text:
        errors.setdefault("purpose", []).append(_l("Tell what the space is needed for."))
    elif len(purpose_text) > 2000:
        errors.setdefault("purpose", []).append(_l("The purpose is too long (at most 2000 characters)."))
    if headcount is None or headcount == "":
        errors.setdefault("headcount", []).append(_l("Enter the number of people."))
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=True, headcount=headcount)
    _check_when(space, start, now=now, actor=None)  # the space's own horizon applies to requests
    _check_open(space, start, end, override_reason=None, actor=actor)
    from app.spaces.request_actions import refuse_duplicate_request

    refuse_duplicate_request(space, start, end, actor)  # the same NGO asking twice (issue 17)
    conflicts = find_conflicts(space, start, end)
    if conflicts:
        raise BookingConflict(_conflict_items(conflicts, [(start, end)], space),
                              _l("The space is already booked at that time. Choose another time."),
                              tz=space.timezone)
    row = BookingRequest(space_id=space.id, requester_id=actor.id, organization_id=actor.organization_id,
                         title=title_text, purpose=purpose_text, headcount=headcount, starts_at=start, ends_at=end,
                         status="pending")
    db.session.add(row)
    db.session.flush()
    audit(actor, "booking_request.create", "booking_request", row.id, space_id=space.id)
    enqueue(actor.email, "booking_request_received", locale=actor.locale, req=row, space=space, user=actor)
    for staff in _staff_recipients(space):
        enqueue(staff.email, "booking_request_notice", locale=staff.locale, req=row, space=space, user=staff,
                requester=actor)
    return row


def _claim_request(req: BookingRequest, status: str, actor: Any, now: datetime, **values: Any) -> None:
    """pending → ``status`` with a conditional UPDATE: two staff cannot both decide one request."""
    result = db.session.execute(
        update(BookingRequest).where(BookingRequest.id == req.id, BookingRequest.status == "pending")
        .values(status=status, decided_by_id=getattr(actor, "id", None), decided_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(req)
        raise Conflict(_l("The request has already been handled (%(status)s).", status=request_status_label(req.status)),
                       code="already_decided")
    db.session.refresh(req)


def request_status_label(status: str) -> str:
    return str({"pending": _l("Waiting for a decision"), "approved": _l("Approved"), "declined": _l("Declined"),
                "withdrawn": _l("Withdrawn")}.get(status, status))


def approve_booking_request(req: BookingRequest, actor: Any, now: datetime, *,
                            override_reason: str | None = None) -> Booking:
    """Staff approve: the request becomes a booking with the same guarantee. A time taken meanwhile
    raises ``BookingConflict`` (the request stays pending); the requester gets mail."""
    require_staff(actor, system_allowed=True)
    if req.status != "pending":
        raise Conflict(_l("The request has already been handled (%(status)s).", status=request_status_label(req.status)),
                       code="already_decided")
    try:
        booking = create_booking(req.space, req.starts_at, req.ends_at, req.title, actor, now,
                                 override_reason=override_reason, headcount=req.headcount, purpose=req.purpose,
                                 organization_id=req.organization_id)
    except BookingConflict as exc:
        raise BookingConflict(exc.conflicts, _l("The requested time is no longer free: it was booked after the "
                                                "request was made. Decline the request or suggest another time."),
                              tz=exc.tz) from None
    _claim_request(req, "approved", actor, now, booking_id=booking.id)
    audit(actor, "booking_request.approve", "booking_request", req.id, booking_id=booking.id)
    if req.requester is not None:
        enqueue(req.requester.email, "booking_request_approved", locale=req.requester.locale, req=req,
                space=req.space, user=req.requester)
    return booking


def decline_booking_request(req: BookingRequest, actor: Any, now: datetime, *, reason: str) -> BookingRequest:
    """Staff decline with a reason, which the requester receives by mail."""
    require_staff(actor, system_allowed=True)
    reason = (reason or "").strip()
    if not reason:
        raise _error(_l("Tell the requester why the request is declined."), "reason", "required")
    _claim_request(req, "declined", actor, now, decision_reason=reason[:2000])
    audit(actor, "booking_request.decline", "booking_request", req.id)
    if req.requester is not None:
        enqueue(req.requester.email, "booking_request_declined", locale=req.requester.locale, req=req,
                space=req.space, user=req.requester)
    return req


def withdraw_booking_request(req: BookingRequest, actor: Any, now: datetime) -> BookingRequest:
    """The requester (or an admin on their behalf) withdraws a pending request."""
    if getattr(actor, "id", None) != req.requester_id and not getattr(actor, "is_admin", False):
        raise Forbidden()
    if req.status != "pending":
        raise Conflict(_l("Only a request that is waiting for a decision can be withdrawn."), code="already_decided")
    result = db.session.execute(
        update(BookingRequest).where(BookingRequest.id == req.id, BookingRequest.status == "pending")
        .values(status="withdrawn", updated_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("Only a request that is waiting for a decision can be withdrawn."), code="already_decided")
    db.session.refresh(req)
    audit(actor, "booking_request.withdraw", "booking_request", req.id)
    return req


def requests_query(*, status: str | None = None, requester_id: int | None = None):
    """Booking requests with space and people loaded: pending first (oldest first), then newest."""
    query = select(BookingRequest).options(selectinload(BookingRequest.space), selectinload(BookingRequest.requester),
                                           selectinload(BookingRequest.organization))
    if status:
        query = query.where(BookingRequest.status == status)
    if requester_id is not None:
        query = query.where(BookingRequest.requester_id == requester_id)
    pending_first = case((BookingRequest.status == "pending", 0), else_=1)
    return query.order_by(pending_first, BookingRequest.starts_at.desc(), BookingRequest.id)
