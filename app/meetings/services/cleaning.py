"""Checking series input (form or API) into model values: one small cleaner per section, all
adding to one :class:`ErrorCollector`, so that the answer lists every field at fault at once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.districts import DISTRICTS
from app.core.urls import is_web_url
from app.core.validation import ErrorCollector, clean_text, parse_datetime
from app.extensions import db
from app import scheduling
from app.meetings.models import MEETING_LANGUAGES, MeetingSeries, MeetingTheme
from app.meetings.services.fields import (MAX_CAPACITY, MAX_CLOSES_BEFORE, MAX_DURATION, MAX_PAST_START_DAYS,
                                          SERIES_FIELDS, recurrence_message)
from app.meetings.statuses import SeriesStatus
from app.spaces.models import Space

UTC = timezone.utc
Raw = dict[str, Any]


# --- single values ------------------------------------------------------------------------------

def _whole(raw: Raw, name: str, errors: ErrorCollector, low: int, high: int, *,
           default: int | None = None, required: bool = False) -> int | None:
    value = raw.get(name)
    if value is None or value == "":
        if required and default is None:
            errors.add(name, _l("This field is required."))
        return default
    if isinstance(value, bool):
        value = None
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not low <= value <= high:
        errors.add(name, _l("Enter a whole number from %(min)d to %(max)d.", min=low, max=high))
        return None
    return value


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off", "")


def _bool(raw: Raw, name: str, errors: ErrorCollector, default: bool) -> bool:
    value = raw.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE + _FALSE:
        return value.lower() in _TRUE
    errors.add(name, _l("Choose yes or no."))
    return default


# --- sections -----------------------------------------------------------------------------------
def _texts(raw: Raw, errors: ErrorCollector) -> Raw:
    data: Raw = {}
    for lang in ("fi", "sv", "en"):
        data[f"title_{lang}"] = clean_text(raw, f"title_{lang}", errors, 200)
        data[f"description_{lang}"] = clean_text(raw, f"description_{lang}", errors, 5000)
        data[f"audience_{lang}"] = clean_text(raw, f"audience_{lang}", errors, 300)
    if not data["title_fi"] and not errors.has("title_fi"):
        errors.add("title_fi", _l("Enter the title in Finnish."))
    for name in ("organiser_unit", "organiser_unit_sv", "organiser_unit_en"):
        data[name] = clean_text(raw, name, errors, 200)
    return data


def _choice(raw: Raw, name: str, errors: ErrorCollector, allowed: Any, default: Any, message: Any) -> Any:
    value = raw.get(name) or default
    if value is not None and value not in allowed:
        errors.add(name, message)
    return value


def _zone(raw: Raw, errors: ErrorCollector) -> ZoneInfo | None:
    tz_name = raw.get("timezone") or "Europe/Helsinki"
    try:
        return scheduling.validate_timezone(tz_name if isinstance(tz_name, str) else str(tz_name))
    except scheduling.RecurrenceError as exc:
        errors.add("timezone", recurrence_message(exc))
        return None


def _start(raw: Raw, errors: ErrorCollector, zone: ZoneInfo | None) -> datetime | None:
    """The first meeting's wall time in the series' zone (naive; an aware value is converted)."""
    start = parse_datetime(raw.get("start_local"))
    if start is None:
        errors.add("start_local", _l("Enter the start date and time.") if not raw.get("start_local")
                   else _l("Enter a valid date and time."))
        return None
    if start.tzinfo is not None and zone is not None:
        start = start.astimezone(zone).replace(tzinfo=None)
    start = start.replace(tzinfo=None, microsecond=0, second=0)
    if not 1900 <= start.year <= 2999:
        errors.add("start_local", _l("Enter a valid date and time."))
        return None
    return start


def _seats_and_times(raw: Raw, errors: ErrorCollector) -> Raw:
    data: Raw = {
        "duration_minutes": _whole(raw, "duration_minutes", errors, 1, MAX_DURATION, required=True),
        "capacity": _whole(raw, "capacity", errors, 1, MAX_CAPACITY, required=True),
        "max_seats_per_registration": _whole(raw, "max_seats_per_registration", errors, 1, MAX_CAPACITY,
                                             default=1),
        "registration_closes_minutes_before": _whole(raw, "registration_closes_minutes_before", errors, 0,
                                                     MAX_CLOSES_BEFORE, default=0),
        "waitlist": _bool(raw, "waitlist", errors, True),
        "skip_holidays": _bool(raw, "skip_holidays", errors, False),
    }
    if data["capacity"] and data["max_seats_per_registration"] \
            and data["max_seats_per_registration"] > data["capacity"]:
        errors.add("max_seats_per_registration", _l("Cannot be more than the capacity."))
    return data


def _opens_at(raw: Raw, errors: ErrorCollector, zone: ZoneInfo | None) -> datetime | None:
    opens = raw.get("registration_opens_at")
    if opens in (None, ""):
        return None
    value = parse_datetime(opens)
    if value is None:
        errors.add("registration_opens_at", _l("Enter a valid date and time."))
        return None
    if value.tzinfo is None:
        value = scheduling.localize(value, zone or "Europe/Helsinki")
    return value.astimezone(UTC)


def _space_id(raw: Raw, errors: ErrorCollector) -> int | None:
    space_id = raw.get("space_id")
    if space_id in ("", None):
        return None
    try:
        space_id = int(space_id)
    except (TypeError, ValueError):
        errors.add("space_id", _l("Choose a space from the list."))
        return None
    if db.session.get(Space, space_id) is None:
        errors.add("space_id", _l("Choose a space from the list."))
        return None
    return space_id


def _place(raw: Raw, errors: ErrorCollector) -> Raw:
    """A resident space, a street address, an online link, or a space/address plus a link."""
    data: Raw = {"space_id": _space_id(raw, errors), "location": clean_text(raw, "location", errors, 300),
                 "online_url": clean_text(raw, "online_url", errors, 500)}
    if data["online_url"] and not is_web_url(data["online_url"]):
        errors.add("online_url", _l("Enter a full web address starting with https://."))
    if not any(data.values()) and not errors.has("space_id", "location", "online_url"):
        errors.add("location", _l("Give a resident space, a street address or an online link."))
    return data


def _themes(raw: Raw, errors: ErrorCollector) -> list[MeetingTheme]:
    theme_ids = raw.get("theme_ids") or []
    if not isinstance(theme_ids, (list, tuple)):
        errors.add("theme_ids", _l("Choose themes from the list."))
        return []
    try:
        ids = sorted({int(t) for t in theme_ids})
    except (TypeError, ValueError):
        errors.add("theme_ids", _l("Choose themes from the list."))
        return []
    if not ids:
        return []
    themes = list(db.session.scalars(select(MeetingTheme).where(MeetingTheme.id.in_(ids))))
    if len(themes) != len(ids):
        errors.add("theme_ids", _l("Choose themes from the list."))
    return themes


def _rule(raw: Raw, errors: ErrorCollector, *, start: datetime | None, zone: ZoneInfo | None,
          now: datetime, current: MeetingSeries | None) -> str | None:
    """The recurrence rule, normalised; last, because it needs a valid start and zone."""
    rrule_text = raw.get("rrule")
    if rrule_text is not None and not isinstance(rrule_text, str):
        errors.add("rrule", _l("The recurrence rule could not be read."))
        return None
    if start is None or zone is None:
        return None
    if current is None or start != current.start_local:
        if start < (now.astimezone(zone).replace(tzinfo=None) - timedelta(days=MAX_PAST_START_DAYS)):
            errors.add("start_local", _l("The start can be at most a year in the past."))
    try:
        return scheduling.normalize_rrule(
            rrule_text, start_local=start, tz=zone.key,
            max_occurrences=current_app.config["RECURRENCE_MAX_OCCURRENCES"],
            horizon=timedelta(days=current_app.config["RECURRENCE_HORIZON_DAYS"]))
    except scheduling.RecurrenceError as exc:
        errors.add({"start": "start_local"}.get(exc.field, exc.field), recurrence_message(exc))
        return None


def _merged(raw: Raw, current: MeetingSeries | None) -> Raw:
    """With ``current`` (PATCH), keys missing from ``raw`` keep the series' values."""
    if current is None:
        return raw
    merged: Raw = {name: getattr(current, name) for name in SERIES_FIELDS}
    merged["theme_ids"] = [t.id for t in current.themes]
    merged.update(raw)
    return merged


def clean_series_data(raw: Raw, *, now: datetime, current: MeetingSeries | None = None) -> Raw:
    """Check and normalise series input (form or API) into model values.

    ``raw`` uses the model's names plus ``theme_ids``; ``start_local`` is a naive wall time in
    ``timezone`` (an aware value is converted). With ``current`` missing keys keep the series'
    values (PATCH). Raises :class:`ValidationError` with every field at fault; writes nothing.
    """
    raw = _merged(raw, current)
    errors = ErrorCollector()
    data = _texts(raw, errors)
    data["language"] = _choice(raw, "language", errors, MEETING_LANGUAGES, "fi", _l("Choose a language."))
    zone = _zone(raw, errors)
    if zone is not None:
        data["timezone"] = zone.key
    data["start_local"] = _start(raw, errors, zone)
    data.update(_seats_and_times(raw, errors))
    data["registration_opens_at"] = _opens_at(raw, errors, zone)
    # Absent: 24 hours; None or "": no reminder (app/subscriptions/reminders.py).
    data["reminder_hours_before"] = (_whole(raw, "reminder_hours_before", errors, 1, 336)
                                     if "reminder_hours_before" in raw else 24)
    data["district"] = _choice(raw, "district", errors, DISTRICTS, None, _l("Choose a district from the list."))
    data["status"] = _choice(raw, "status", errors, tuple(SeriesStatus), SeriesStatus.DRAFT,
                             _l("Choose draft, published or cancelled."))
    data.update(_place(raw, errors))
    data["themes"] = _themes(raw, errors)
    data["rrule"] = _rule(raw, errors, start=data["start_local"], zone=zone, now=now, current=current)
    errors.raise_if_any()
    return data
