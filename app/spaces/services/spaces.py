"""Spaces themselves: checking a space's fields, adding and editing spaces, exception days, the list."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import audit
from app.core.auth import require_staff
from app.core.districts import DISTRICTS
from app.core.validation import ErrorCollector
from app.errors import ValidationError
from app.extensions import db
from app.spaces.models import Space, SpaceException
from app.spaces.services.common import (ACCESSIBILITY_FACTS, EQUIPMENT, MAX_BOOKING_LENGTH, MAX_BUFFER_MINUTES)
from app.spaces.services.hours import clean_opening_hours, clean_ranges, format_hours


@dataclass
class SpaceData:
    """Validated input for creating or editing a space."""

    name: str
    address: str
    capacity: int
    district: str | None = None
    name_sv: str | None = None
    name_en: str | None = None
    address_sv: str | None = None
    address_en: str | None = None
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


def _text(raw: dict[str, Any], key: str, errors: ErrorCollector, *, limit: int, missing: Any, too_long: Any) -> str:
    value = (raw.get(key) or "").strip()
    if not value:
        errors.add(key, missing)
    elif len(value) > limit:
        errors.add(key, too_long)
    return value


def _other_languages(raw: dict[str, Any], errors: ErrorCollector) -> dict[str, str | None]:
    """The name and address in Swedish and English: optional (the Finnish ones are shown instead)."""
    values: dict[str, str | None] = {}
    for key, limit, message in (
            ("name_sv", 200, _l("The name is too long (at most 200 characters).")),
            ("name_en", 200, _l("The name is too long (at most 200 characters).")),
            ("address_sv", 300, _l("The address is too long (at most 300 characters).")),
            ("address_en", 300, _l("The address is too long (at most 300 characters)."))):
        text = str(raw.get(key) or "").strip()
        if len(text) > limit:
            errors.add(key, message)
        values[key] = text or None
    return values


def _identity(raw: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Name, address and district."""
    name = _text(raw, "name", errors, limit=200, missing=_l("Enter the space's name."),
                 too_long=_l("The name is too long (at most 200 characters)."))
    address = _text(raw, "address", errors, limit=300, missing=_l("Enter the street address."),
                    too_long=_l("The address is too long (at most 300 characters)."))
    district = raw.get("district") or None
    if district is not None and district not in DISTRICTS:
        errors.add("district", _l("Choose one of Helsinki's districts."))
    return {"name": name, "address": address, "district": district}


def _number(raw: dict[str, Any], errors: ErrorCollector, key: str, low: int, high: int, message: Any, *,
            required: bool = False) -> int | None:
    """A whole number within ``[low, high]`` (or nothing, unless ``required``)."""
    try:
        value = _int_or_none(raw.get(key))
    except (TypeError, ValueError):
        errors.add(key, message)
        return None
    if value is None:
        if required:
            errors.add(key, message)
        return None
    if not low <= value <= high:
        errors.add(key, message)
        return None
    return value


def _limits(raw: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Capacity, buffer, shortest and longest booking, how far ahead."""
    capacity = _number(raw, errors, "capacity", 1, 10000,
                       _l("The capacity must be a whole number from 1 to 10000."), required=True)
    buffer_minutes = _number(raw, errors, "buffer_minutes", 0, MAX_BUFFER_MINUTES,
                             _l("The buffer must be from 0 to %(max)d minutes.", max=MAX_BUFFER_MINUTES))
    max_minutes = int(MAX_BOOKING_LENGTH.total_seconds() // 60)
    min_duration = _number(raw, errors, "min_duration_minutes", 1, max_minutes,
                           _l("The minimum duration must be from 1 to %(max)d minutes.", max=max_minutes))
    max_duration = _number(raw, errors, "max_duration_minutes", 1, max_minutes,
                           _l("The maximum duration must be from 1 to %(max)d minutes.", max=max_minutes))
    if min_duration and max_duration and min_duration > max_duration:
        errors.add("max_duration_minutes", _l("The maximum duration is shorter than the minimum."))
    horizon = _number(raw, errors, "booking_horizon_days", 1, 1000, _l("Booking ahead must be from 1 to 1000 days."))
    return {"capacity": capacity, "buffer_minutes": buffer_minutes or 0, "min_duration_minutes": min_duration,
            "max_duration_minutes": max_duration, "booking_horizon_days": horizon or 365}


def _coordinate(raw: dict[str, Any], errors: ErrorCollector, key: str, bound: int) -> float | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    try:
        number_value = float(value)
    except (TypeError, ValueError):
        number_value = None
    if number_value is None or isinstance(value, bool) or not -bound <= number_value <= bound:
        errors.add(key, _l("Enter the coordinate in decimal degrees."))
        return None
    return number_value


def _coordinates(raw: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Latitude and longitude: both or neither."""
    coords = {"latitude": _coordinate(raw, errors, "latitude", 90),
              "longitude": _coordinate(raw, errors, "longitude", 180)}
    if (coords["latitude"] is None) != (coords["longitude"] is None) and not errors.has("latitude") \
            and not errors.has("longitude"):
        errors.add("longitude", _l("Give both latitude and longitude, or neither."))
    return coords


def _accessibility(raw: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Known facts as true/false, plus free notes."""
    given = raw.get("accessibility") or {}
    if not isinstance(given, dict):
        errors.add("accessibility", _l("Accessibility facts must be an object of true/false values."))
        return {}
    facts: dict[str, Any] = {}
    for key, value in given.items():
        if key == "notes":
            facts["notes"] = (str(value or "").strip()[:1000]) or None
        elif key in ACCESSIBILITY_FACTS and isinstance(value, bool):
            facts[key] = value
        else:
            errors.add("accessibility", _l("Unknown accessibility fact %(key)s.", key=key))
    return {k: v for k, v in facts.items() if v is not None}


def _equipment(raw: dict[str, Any], errors: ErrorCollector) -> list[str]:
    """Known equipment, each once."""
    given = raw.get("equipment") or []
    if not isinstance(given, (list, tuple)):
        errors.add("equipment", _l("Equipment must be a list."))
        return []
    equipment: list[str] = []
    for item in given:
        if item not in EQUIPMENT:
            errors.add("equipment", _l("Unknown equipment %(key)s.", key=item))
        elif item not in equipment:
            equipment.append(item)
    return equipment


def _hours(raw: dict[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Opening hours and whether holidays close the space."""
    opening_hours = None
    try:
        opening_hours = clean_opening_hours(raw.get("opening_hours"))
    except ValidationError as exc:
        errors.extend("opening_hours", exc.fields["opening_hours"])
    closed_on_holidays = raw.get("closed_on_holidays")
    if closed_on_holidays is None:
        # CONTRACT.md: a space without opening hours is bookable at any hour; with hours, holidays close it.
        closed_on_holidays = opening_hours is not None
    return {"opening_hours": opening_hours, "closed_on_holidays": bool(closed_on_holidays)}


def _manager(raw: dict[str, Any], errors: ErrorCollector) -> int | None:
    manager_id = raw.get("manager_id") or None
    if manager_id is not None:
        manager = db.session.get(User, manager_id) if isinstance(manager_id, int) else None
        if manager is None or not manager.is_staff or not manager.active:
            errors.add("manager_id", _l("The manager must be an active staff member."))
    return manager_id


def _descriptions(raw: dict[str, Any], errors: ErrorCollector) -> dict[str, str | None]:
    descriptions = {}
    for lang in ("fi", "sv", "en"):
        text = (raw.get(f"description_{lang}") or "").strip()
        if len(text) > 5000:
            errors.add(f"description_{lang}", _l("The description is too long (at most 5000 characters)."))
        descriptions[f"description_{lang}"] = text or None
    return descriptions


def clean_space_data(raw: dict[str, Any]) -> SpaceData:
    """Check a space's fields; every error at once, by field."""
    errors = ErrorCollector()
    values: dict[str, Any] = {}
    values.update(_identity(raw, errors))
    values.update(_other_languages(raw, errors))
    values.update(_limits(raw, errors))
    values.update(_coordinates(raw, errors))
    values["accessibility"] = _accessibility(raw, errors)
    values["equipment"] = _equipment(raw, errors)
    values.update(_hours(raw, errors))
    values["manager_id"] = _manager(raw, errors)
    values.update(_descriptions(raw, errors))
    errors.raise_if_any()
    return SpaceData(**values)


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
