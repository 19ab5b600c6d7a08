"""Meeting series and occurrences: the rules (no request, no session, no commit).

Every place where an occurrence is created, moved, re-timed or cancelled calls
:func:`_occurrence_changed`, the one hook for side effects such as booking the series' resident
space for that occurrence.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from app.core.audit import audit
from app.core.districts import DISTRICTS
from app.core.i18n import localized
from app.core.auth import require_staff
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.meetings import recurrence, series_split, space_bookings
from app.meetings.models import (MEETING_LANGUAGES, SERIES_STATUSES, MeetingOccurrence, MeetingSeries, MeetingTheme,
                                 Registration)
from app.spaces.models import Space

UTC = timezone.utc
LIVE_REGISTRATION = ("confirmed", "waitlisted")

# The recurrence module's messages, written out so that the catalogue extractor finds them; the
# module raises them untranslated and :func:`recurrence_message` looks them up at runtime.
RECURRENCE_MESSAGES = (
    _l("The recurrence rule could not be read."),
    _l("The recurrence rule has an unknown part %(part)s."),
    _l("The recurrence rule gives %(part)s more than once."),
    _l("The recurrence rule must say how often it repeats (FREQ)."),
    _l("%(value)s is not a valid value for %(part)s."),
    _l("A recurrence rule cannot have both COUNT and UNTIL."),
    _l("A meeting can repeat at most once a day."),
    _l("The recurrence rule part %(part)s is not supported."),
    _l("A position in BYDAY (such as 2TU) is only allowed in monthly and yearly rules."),
    _l("BYDAY cannot mix days with and without a position."),
    _l("BYMONTHDAY cannot be used in a weekly rule."),
    _l("BYSETPOS needs another BY part to choose from."),
    _l("The time of day comes from the start time; %(part)s must match it or be left out."),
    _l("The rule would create more than %(max)s occurrences within %(days)s days."),
    _l("A series can be planned at most %(days)s days ahead; choose an earlier end or no end at all."),
    _l("The recurrence ends before it starts."),
    _l("The recurrence rule gives no dates within %(days)s days of the start."),
    _l("The start date %(start)s is not one of the dates of the recurrence rule; the first one is %(first)s."),
    _l("Unknown time zone %(timezone)s."),
    _l("The start must be between the years %(min)s and %(max)s."),
    _l("Choose how often the meeting repeats."),
    _l("The interval must be a whole number from %(min)s to %(max)s."),
    _l("The number of times must be a whole number from %(min)s to %(max)s."),
    _l("Give either the number of times or an end date, not both."),
    _l("The end date is not a valid date."),
    _l("%(value)s is not a weekday."),
    _l("Choose whether the meeting repeats on a day of the month or on a weekday."),
    _l("Choose the first, second, third, fourth or last weekday of the month."),
    _l("Choose exactly one weekday."),
)

# key, fi, sv, en
DEFAULT_THEMES = (
    ("co-development", "Yhteiskehittäminen", "Samutveckling", "Co-development"),
    ("communication", "Viestintä", "Kommunikation", "Communication"),
    ("cooperation-structures", "Yhteistyön rakenteet", "Samarbetets strukturer", "Structures of cooperation"),
    ("resident-spaces", "Asukastilat", "Invånarlokaler", "Resident spaces"),
    ("grant-guidance", "Avustusneuvonta", "Understödsrådgivning", "Grant guidance"),
    ("cross-sector", "Sektorirajat ylittävä työ", "Sektorsöverskridande arbete", "Cross-sector work"),
    ("wellbeing-health", "Hyvinvointi ja terveys", "Välfärd och hälsa", "Well-being and health"),
)

# Fields of a series whose change alters its dates (re-materialisation, SEQUENCE +1).
TIMING_FIELDS = ("start_local", "timezone", "duration_minutes", "rrule", "skip_holidays")
LOCATION_FIELDS = ("space_id", "location", "online_url")
SERIES_FIELDS = (
    "title_fi", "title_sv", "title_en", "description_fi", "description_sv", "description_en",
    "audience_fi", "audience_sv", "audience_en", "organiser_unit", "organiser_unit_sv", "organiser_unit_en",
    "language", "start_local", "timezone",
    "duration_minutes", "rrule", "skip_holidays", "capacity", "waitlist", "max_seats_per_registration",
    "registration_opens_at", "registration_closes_minutes_before", "space_id", "location", "online_url",
    "district", "status", "reminder_hours_before",
)
MAX_CAPACITY = 10_000
MAX_DURATION = 24 * 60
MAX_CLOSES_BEFORE = 60 * 24 * 60  # 60 days
MAX_PAST_START_DAYS = 365


def recurrence_message(error: recurrence.RecurrenceError) -> str:
    """The error's message in the current language, its parameters filled in (dates as 4.12.2026)."""
    def human(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value
            return f"{day.day}.{day.month}.{day.year}"
        return value

    return gettext(error.message, **{key: human(value) for key, value in error.params.items()})


def _is_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_staff", False))


# --- themes -------------------------------------------------------------------------------------
def ensure_default_themes() -> list[MeetingTheme]:
    """Create the default themes that do not exist yet (by key); idempotent, never renames."""
    existing = {t.key: t for t in db.session.scalars(select(MeetingTheme))}
    position = max((t.position for t in existing.values()), default=-1) + 1
    for key, fi, sv, en in DEFAULT_THEMES:
        if key not in existing:
            theme = MeetingTheme(key=key, name_fi=fi, name_sv=sv, name_en=en, position=position, active=True)
            db.session.add(theme)
            existing[key] = theme
            position += 1
    db.session.flush()
    return list_themes()


def list_themes(*, active_only: bool = False) -> list[MeetingTheme]:
    """Themes in their display order."""
    query = select(MeetingTheme).order_by(MeetingTheme.position, MeetingTheme.id)
    if active_only:
        query = query.where(MeetingTheme.active.is_(True))
    return list(db.session.scalars(query))


def _clean_theme_names(names: dict[str, Any]) -> dict[str, str | None]:
    errors: dict[str, list[Any]] = {}
    out: dict[str, str | None] = {}
    for lang in ("fi", "sv", "en"):
        value = (names.get(f"name_{lang}") or "").strip() or None
        if value and len(value) > 200:
            errors.setdefault(f"name_{lang}", []).append(_l("At most %(n)d characters.", n=200))
        out[f"name_{lang}"] = value
    if not out["name_fi"]:
        errors.setdefault("name_fi", []).append(_l("Enter the name in Finnish."))
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    return out


def create_theme(names: dict[str, Any], *, actor: Any) -> MeetingTheme:
    """Add a theme at the end of the list."""
    require_staff(actor)
    values = _clean_theme_names(names)
    position = (db.session.scalar(select(func.max(MeetingTheme.position))) or 0) + 1
    theme = MeetingTheme(key=f"theme-{uuid.uuid4().hex[:12]}", position=position, active=True, **values)
    db.session.add(theme)
    db.session.flush()
    audit(actor, "theme.create", "meeting_theme", theme.id, name=theme.name_fi)
    return theme


def update_theme(theme: MeetingTheme, names: dict[str, Any], *, actor: Any) -> MeetingTheme:
    """Rename a theme (fi/sv/en)."""
    require_staff(actor)
    values = _clean_theme_names(names)
    for key, value in values.items():
        setattr(theme, key, value)
    db.session.flush()
    audit(actor, "theme.update", "meeting_theme", theme.id, **values)
    return theme


def set_theme_active(theme: MeetingTheme, active: bool, *, actor: Any) -> MeetingTheme:
    """Deactivate (hidden from forms and filters, kept on existing series) or reactivate a theme."""
    require_staff(actor)
    theme.active = bool(active)
    db.session.flush()
    audit(actor, "theme.activate" if active else "theme.deactivate", "meeting_theme", theme.id)
    return theme


def move_theme(theme: MeetingTheme, direction: int, *, actor: Any) -> None:
    """Swap a theme with its neighbour (``direction`` -1 up, +1 down); renumbers positions."""
    require_staff(actor)
    themes = list_themes()
    index = next(i for i, t in enumerate(themes) if t.id == theme.id)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(themes):
        themes[index], themes[other] = themes[other], themes[index]
    for position, item in enumerate(themes):
        item.position = position
    db.session.flush()
    audit(actor, "theme.move", "meeting_theme", theme.id, direction=direction)


# --- cleaning input -----------------------------------------------------------------------------
@dataclass
class _Errors:
    fields: dict[str, list[Any]]

    def add(self, name: str, message: Any) -> None:
        self.fields.setdefault(name, []).append(message)


def _text(raw: dict[str, Any], name: str, errors: _Errors, max_length: int) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add(name, _l("Enter text."))
        return None
    value = value.strip()
    if len(value) > max_length:
        errors.add(name, _l("At most %(n)d characters.", n=max_length))
    return value or None


def _whole(raw: dict[str, Any], name: str, errors: _Errors, low: int, high: int, *,
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


def _bool(raw: dict[str, Any], name: str, errors: _Errors, default: bool) -> bool:
    value = raw.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on", "false", "0", "no", "off", ""):
        return value.lower() in ("true", "1", "yes", "on")
    errors.add(name, _l("Choose yes or no."))
    return default


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _is_web_url(value: str) -> bool:
    from app.core.urls import is_web_url

    return is_web_url(value)


def clean_series_data(raw: dict[str, Any], *, now: datetime,
                      current: MeetingSeries | None = None) -> dict[str, Any]:
    """Check and normalise series input (form or API) into model values.

    ``raw`` uses the model's names plus ``theme_ids``; ``start_local`` is a naive wall time in
    ``timezone`` (an aware value is converted). With ``current`` missing keys keep the series'
    values (PATCH). Raises :class:`ValidationError` with every field at fault; writes nothing.
    """
    if current is not None:
        merged: dict[str, Any] = {name: getattr(current, name) for name in SERIES_FIELDS}
        merged["theme_ids"] = [t.id for t in current.themes]
        merged.update({k: v for k, v in raw.items()})
        raw = merged
    errors = _Errors({})
    data: dict[str, Any] = {}

    for lang in ("fi", "sv", "en"):
        data[f"title_{lang}"] = _text(raw, f"title_{lang}", errors, 200)
        data[f"description_{lang}"] = _text(raw, f"description_{lang}", errors, 5000)
        data[f"audience_{lang}"] = _text(raw, f"audience_{lang}", errors, 300)
    if not data["title_fi"] and "title_fi" not in errors.fields:
        errors.add("title_fi", _l("Enter the title in Finnish."))
    for name in ("organiser_unit", "organiser_unit_sv", "organiser_unit_en"):
        data[name] = _text(raw, name, errors, 200)

    language = raw.get("language") or "fi"
    if language not in MEETING_LANGUAGES:
        errors.add("language", _l("Choose a language."))
    data["language"] = language

    tz_name = raw.get("timezone") or "Europe/Helsinki"
    zone = None
    try:
        zone = recurrence.validate_timezone(tz_name if isinstance(tz_name, str) else str(tz_name))
        data["timezone"] = zone.key
    except recurrence.RecurrenceError as exc:
        errors.add("timezone", recurrence_message(exc))

    start = _datetime(raw.get("start_local"))
    if start is None:
        errors.add("start_local", _l("Enter the start date and time.") if not raw.get("start_local")
                   else _l("Enter a valid date and time."))
    else:
        if start.tzinfo is not None and zone is not None:
            start = start.astimezone(zone).replace(tzinfo=None)
        start = start.replace(tzinfo=None, microsecond=0, second=0)
        if not 1900 <= start.year <= 2999:
            errors.add("start_local", _l("Enter a valid date and time."))
            start = None
    data["start_local"] = start

    data["duration_minutes"] = _whole(raw, "duration_minutes", errors, 1, MAX_DURATION, required=True)
    data["capacity"] = _whole(raw, "capacity", errors, 1, MAX_CAPACITY, required=True)
    data["max_seats_per_registration"] = _whole(raw, "max_seats_per_registration", errors, 1, MAX_CAPACITY,
                                                default=1)
    if data["capacity"] and data["max_seats_per_registration"] \
            and data["max_seats_per_registration"] > data["capacity"]:
        errors.add("max_seats_per_registration", _l("Cannot be more than the capacity."))
    data["registration_closes_minutes_before"] = _whole(raw, "registration_closes_minutes_before", errors, 0,
                                                        MAX_CLOSES_BEFORE, default=0)
    data["waitlist"] = _bool(raw, "waitlist", errors, True)
    data["skip_holidays"] = _bool(raw, "skip_holidays", errors, False)

    opens = raw.get("registration_opens_at")
    if opens in (None, ""):
        data["registration_opens_at"] = None
    else:
        value = _datetime(opens)
        if value is None:
            errors.add("registration_opens_at", _l("Enter a valid date and time."))
        else:
            if value.tzinfo is None:
                value = recurrence.localize(value, zone or "Europe/Helsinki")
            data["registration_opens_at"] = value.astimezone(UTC)

    # Absent: 24 hours; None or "": no reminder (issue 15).
    data["reminder_hours_before"] = (_whole(raw, "reminder_hours_before", errors, 1, 336)
                                     if "reminder_hours_before" in raw else 24)
    district = raw.get("district") or None
    if district is not None and district not in DISTRICTS:
        errors.add("district", _l("Choose a district from the list."))
    data["district"] = district

    status = raw.get("status") or "draft"
    if status not in SERIES_STATUSES:
        errors.add("status", _l("Choose draft, published or cancelled."))
    data["status"] = status

    # Location: a resident space, a street address, an online link, or a space/address plus a link.
    space_id = raw.get("space_id")
    if space_id in ("", None):
        space_id = None
    else:
        try:
            space_id = int(space_id)
        except (TypeError, ValueError):
            space_id = None
            errors.add("space_id", _l("Choose a space from the list."))
        else:
            if db.session.get(Space, space_id) is None:
                errors.add("space_id", _l("Choose a space from the list."))
                space_id = None
    data["space_id"] = space_id
    data["location"] = _text(raw, "location", errors, 300)
    data["online_url"] = _text(raw, "online_url", errors, 500)
    if data["online_url"] and not _is_web_url(data["online_url"]):
        errors.add("online_url", _l("Enter a full web address starting with https://."))
    if not (space_id or data["location"] or data["online_url"]) and not {
            "space_id", "location", "online_url"} & set(errors.fields):
        errors.add("location", _l("Give a resident space, a street address or an online link."))

    theme_ids = raw.get("theme_ids") or []
    if not isinstance(theme_ids, (list, tuple)):
        errors.add("theme_ids", _l("Choose themes from the list."))
        theme_ids = []
    themes: list[MeetingTheme] = []
    try:
        ids = sorted({int(t) for t in theme_ids})
    except (TypeError, ValueError):
        errors.add("theme_ids", _l("Choose themes from the list."))
        ids = []
    if ids:
        themes = list(db.session.scalars(select(MeetingTheme).where(MeetingTheme.id.in_(ids))))
        if len(themes) != len(ids):
            errors.add("theme_ids", _l("Choose themes from the list."))
    data["themes"] = themes

    # The rule last: it needs a valid start and zone.
    rrule_text = raw.get("rrule")
    data["rrule"] = None
    if rrule_text is not None and not isinstance(rrule_text, str):
        errors.add("rrule", _l("The recurrence rule could not be read."))
    elif start is not None and zone is not None:
        if current is None or start != current.start_local:
            if start < (now.astimezone(zone).replace(tzinfo=None) - timedelta(days=MAX_PAST_START_DAYS)):
                errors.add("start_local", _l("The start can be at most a year in the past."))
        try:
            data["rrule"] = recurrence.normalize_rrule(
                rrule_text, start_local=start, tz=zone.key,
                max_occurrences=current_app.config["RECURRENCE_MAX_OCCURRENCES"],
                horizon=timedelta(days=current_app.config["RECURRENCE_HORIZON_DAYS"]))
        except recurrence.RecurrenceError as exc:
            field = {"start": "start_local"}.get(exc.field, exc.field)
            errors.add(field, recurrence_message(exc))
    if errors.fields:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors.fields)
    return data


# --- the one place where occurrences change -----------------------------------------------------
def _occurrence_changed(occurrence: MeetingOccurrence, change: str, now: datetime, *, actor: Any = None) -> None:
    """Called whenever an occurrence is created, re-timed, moved or cancelled.

    ``change`` is ``created``, ``retimed``, ``moved``, ``cancelled`` or ``deleted`` (a future
    occurrence without registrations replaced when the series' time or rule changed). The booking of the
    series' resident space for the occurrence belongs here (one place for the hook). It stamps
    ``updated_at`` with the service's ``now`` so feeds (LAST-MODIFIED, ETag) follow the change.

    Space bookings (app/meetings/space_bookings.py): a move or cancellation moves or frees the
    booking here (strict: a conflict raises BookingConflict); created and re-timed occurrences are
    booked in one batch by their caller (:func:`materialise_series`, :func:`update_series`) so that
    a conflict lists every conflicting date.
    """
    occurrence.updated_at = now
    if change == "deleted":
        space_bookings.release(occurrence, actor, now)
    elif change in ("moved", "cancelled"):
        space_bookings.sync_booking(occurrence, actor, now, strict=True)


def _horizon(now: datetime, series: MeetingSeries | None = None) -> datetime:
    """Occurrences exist up to this instant: MEETINGS_MATERIALISE_DAYS from now, or from the first
    meeting when the series starts later (so a series planned far ahead still has its first dates)."""
    base = now
    if series is not None:
        base = max(now, recurrence.localize(series.start_local, series.timezone).astimezone(UTC))
    return base + timedelta(days=current_app.config["MEETINGS_MATERIALISE_DAYS"])


def _expand(series: MeetingSeries, window_end: datetime, window_start: datetime | None = None) -> list[datetime]:
    limit = current_app.config["RECURRENCE_MAX_OCCURRENCES"] * 4
    if series.segment_from is not None and (window_start is None or window_start < series.segment_from):
        window_start = series.segment_from  # earlier dates follow an earlier definition (series_split)
    starts = recurrence.expand(series.start_local, series.timezone, series.rrule, window_start=window_start,
                               window_end=window_end, skip_holidays=series.skip_holidays, limit=limit)
    return [s.astimezone(UTC) for s in starts]


def _new_occurrence(series: MeetingSeries, start: datetime) -> MeetingOccurrence:
    return MeetingOccurrence(series_id=series.id, recurrence_id=start, starts_at=start,
                             ends_at=start + timedelta(minutes=series.duration_minutes),
                             capacity=series.capacity, seats_taken=0, status="scheduled")


def materialise_series(series: MeetingSeries, *, now: datetime, window_start: datetime | None = None,
                       actor: Any = None, strict: bool = True) -> int:
    """Create the missing occurrences of ``series`` up to the horizon; returns how many were created.

    New occurrences book the series' space (``strict``: a conflict raises BookingConflict; lenient:
    they stay unbooked, see space_bookings). Idempotent; a concurrent run that inserted the same
    (series, recurrence_id) first makes the insert fail on the unique constraint inside a
    savepoint, and the row is simply skipped.
    """
    horizon = _horizon(now, series)
    if series.status == "cancelled":
        return 0
    existing = set(db.session.scalars(
        select(MeetingOccurrence.recurrence_id).where(MeetingOccurrence.series_id == series.id)))
    created = 0
    new: list[MeetingOccurrence] = []
    for start in _expand(series, horizon, window_start):
        if start in existing:
            continue
        occurrence = _new_occurrence(series, start)
        try:
            with db.session.begin_nested():
                db.session.add(occurrence)
                db.session.flush()
        except IntegrityError:
            continue  # created meanwhile by another run
        _occurrence_changed(occurrence, "created", now, actor=actor)
        new.append(occurrence)
        created += 1
    space_bookings.sync_bookings(new, actor, now, strict=strict)
    if series.materialised_until is None or series.materialised_until < horizon:
        series.materialised_until = horizon
    db.session.flush()
    return created


def materialise_all(*, now: datetime) -> dict[str, int]:
    """Extend every published series up to the horizon (``flask meetings materialise``).

    Lenient about space bookings (nobody to ask): an occurrence whose slot is taken stays without
    a booking, is counted in ``unbooked`` and retried on the next run.
    """
    series_ids = list(db.session.scalars(select(MeetingSeries.id).where(MeetingSeries.status == "published")
                                         .order_by(MeetingSeries.id)))
    created = unbooked = 0
    for series_id in series_ids:
        series = db.session.get(MeetingSeries, series_id)
        created += materialise_series(series, now=now, strict=False)
        unbooked += len(space_bookings.sync_series(series, None, now, strict=False))
    return {"series": len(series_ids), "created": created, "unbooked": unbooked}


# --- notifications ------------------------------------------------------------------------------
def _live_registrations(occurrence_ids: list[int]) -> list[Registration]:
    if not occurrence_ids:
        return []
    return list(db.session.scalars(
        select(Registration).where(Registration.occurrence_id.in_(occurrence_ids),
                                   Registration.status.in_(LIVE_REGISTRATION),
                                   Registration.anonymised_at.is_(None))
        .order_by(Registration.id)))


def manage_url(registration: Registration) -> str:
    """The registrant's personal manage link (the registrations pages serve it)."""
    from app.meetings.tokens import registration_token

    return f"{current_app.config['BASE_URL']}/registrations/manage/{registration_token(registration)}"


def _notify(registrations: list[Registration], template: str, method: str, **context: Any) -> int:
    from app.calendar.events import location_text
    from app.mail.services import enqueue
    from app.meetings.invitations import registration_invitation

    for registration in registrations:
        occurrence = registration.occurrence
        series = occurrence.series
        enqueue(registration.email, template, locale=registration.locale or "fi",
                ics=registration_invitation(registration, method), ics_method=method,
                registration=registration, occurrence=occurrence, series=series,
                title=localized(series, "title", registration.locale or "fi"),
                manage_url=manage_url(registration), location=location_text(series),
                occurrence_url=f"{current_app.config['BASE_URL']}/meetings/occurrences/{occurrence.id}",
                **context)
    return len(registrations)


# --- series -------------------------------------------------------------------------------------
def _apply(series: MeetingSeries, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Copy cleaned values onto the series; returns {field: (old, new)} of what changed."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name in SERIES_FIELDS:
        if name not in data:
            continue
        old, new = getattr(series, name), data[name]
        if old != new:
            changes[name] = (old, new)
            setattr(series, name, new)
    if "themes" in data:
        old_ids = sorted(t.id for t in series.themes)
        new_ids = sorted(t.id for t in data["themes"])
        if old_ids != new_ids:
            changes["themes"] = (old_ids, new_ids)
            series.themes = list(data["themes"])
    return changes


def _audit_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def create_series(data: dict[str, Any], *, actor: Any, now: datetime) -> MeetingSeries:
    """A new series from :func:`clean_series_data` output, its occurrences materialised."""
    require_staff(actor)
    series = MeetingSeries(uid=f"{uuid.uuid4()}@kohtaamo", created_by_id=getattr(actor, "id", None),
                           sequence=0)
    _apply(series, data)
    db.session.add(series)
    db.session.flush()
    if series.status != "cancelled":
        materialise_series(series, now=now, actor=actor)
    audit(actor, "series.create", "meeting_series", series.id, title=series.title_fi,
          rrule=series.rrule, status=series.status)
    return series


def _has_registrations(occurrence_ids: list[int]) -> set[int]:
    if not occurrence_ids:
        return set()
    return set(db.session.scalars(select(Registration.occurrence_id).where(
        Registration.occurrence_id.in_(occurrence_ids)).distinct()))


def _as_boundary(effective_from: date | datetime | None, now: datetime, tz: str) -> datetime:
    if effective_from is None:
        return now
    if isinstance(effective_from, datetime):
        value = effective_from if effective_from.tzinfo else recurrence.localize(effective_from, tz)
    else:
        value = recurrence.localize(datetime.combine(effective_from, time(0, 0)), tz)
    return max(value.astimezone(UTC), now)


def update_series(series: MeetingSeries, data: dict[str, Any], *, actor: Any, now: datetime,
                  effective_from: date | datetime | None = None) -> dict[str, tuple[Any, Any]]:
    """Apply cleaned values to a series from ``effective_from`` (default: now) onward.

    Occurrences that started before that boundary (or before ``now``) never change. For a change
    of time or rule, later occurrences without registrations are re-materialised; those with
    registrations (or cancelled by staff) keep their row and follow the new rule's occurrence on
    the same local date, or are cancelled when the new rule has no such date. SEQUENCE grows on
    any change of time, rule or status. Registrants (confirmed or waitlisted) get a mail with an
    updated (REQUEST) or cancelling (CANCEL) invitation. Returns the changes.
    """
    require_staff(actor)
    boundary = _as_boundary(effective_from, now, data.get("timezone") or series.timezone)
    old_location = {name: getattr(series, name) for name in LOCATION_FIELDS}
    before = series_split.snapshot(series)
    changes = _apply(series, data)
    if not changes:
        return changes
    if "capacity" in changes:
        too_full = db.session.scalar(select(func.max(MeetingOccurrence.seats_taken)).where(
            MeetingOccurrence.series_id == series.id, MeetingOccurrence.starts_at >= boundary))
        if too_full is not None and too_full > series.capacity:
            raise ValidationError(_l("Check the highlighted fields."), fields={"capacity": [
                _l("An upcoming meeting already has %(n)d confirmed seats; the capacity cannot be lower.",
                   n=too_full)]})
    timing = any(name in changes for name in TIMING_FIELDS)
    if timing or "status" in changes:
        series.sequence += 1
    db.session.flush()

    future = list(db.session.scalars(select(MeetingOccurrence).where(
        MeetingOccurrence.series_id == series.id, MeetingOccurrence.starts_at >= boundary)
        .order_by(MeetingOccurrence.starts_at)))
    retimed: list[MeetingOccurrence] = []
    cancelled: list[MeetingOccurrence] = []

    if "capacity" in changes:
        for occurrence in future:
            occurrence.capacity = series.capacity

    if series.status == "cancelled" and "status" in changes:
        for occurrence in future:
            if occurrence.status != "cancelled":
                _cancel(occurrence, now=now, reason=None, actor=actor)
                cancelled.append(occurrence)
    elif timing:
        kept_ids = _has_registrations([o.id for o in future])
        split = series_split.split(series, before, boundary)
        new_starts = _expand(series, _horizon(now, series), window_start=min(boundary, split or boundary))
        by_date = {recurrence.localize(s, series.timezone).date(): s for s in new_starts}
        taken: set[datetime] = set()
        for occurrence in future:
            keep = occurrence.id in kept_ids or occurrence.status == "cancelled"
            if not keep:
                _occurrence_changed(occurrence, "deleted", now, actor=actor)
                db.session.delete(occurrence)
                continue
            day = recurrence.localize(occurrence.recurrence_id, series.timezone).date()
            new_start = by_date.get(day)
            if new_start is None or new_start in taken:
                if occurrence.status == "cancelled" and occurrence.id not in kept_ids:
                    _occurrence_changed(occurrence, "deleted", now, actor=actor)
                    db.session.delete(occurrence)
                elif occurrence.status != "cancelled":
                    _cancel(occurrence, now=now, reason=None, actor=actor)
                    cancelled.append(occurrence)
                continue
            taken.add(new_start)
            new_end = new_start + timedelta(minutes=series.duration_minutes)
            if (occurrence.recurrence_id, occurrence.starts_at, occurrence.ends_at) != (new_start, new_start, new_end):
                occurrence.recurrence_id = new_start
                occurrence.starts_at, occurrence.ends_at = new_start, new_end
                occurrence.moved = False
                _occurrence_changed(occurrence, "retimed", now, actor=actor)
                if occurrence.status != "cancelled":
                    retimed.append(occurrence)
        db.session.flush()
        if series.status != "cancelled":
            existing = set(db.session.scalars(select(MeetingOccurrence.recurrence_id).where(
                MeetingOccurrence.series_id == series.id)))
            for start in new_starts:
                if start not in existing:
                    occurrence = _new_occurrence(series, start)
                    db.session.add(occurrence)
                    db.session.flush()
                    _occurrence_changed(occurrence, "created", now, actor=actor)
            series.materialised_until = max(series.materialised_until or _horizon(now, series),
                                            _horizon(now, series))
    elif series.status == "published" and "status" in changes:
        materialise_series(series, now=now, actor=actor)
    db.session.flush()
    if timing or "space_id" in changes:
        space_bookings.sync_series(series, actor, now)  # strict: a conflict rolls the edit back
    elif {"status", "title_fi"} & set(changes):
        # Titles follow, a cancelled series frees its space; a date already flagged "space not
        # booked" must not block an unrelated edit such as unpublishing.
        space_bookings.sync_series(series, actor, now, strict=False)
    if "capacity" in changes and series.status == "published":
        _promote_after_capacity_change(series, boundary=max(boundary, now), actor=actor, now=now)

    location_changed = any(getattr(series, n) != old_location[n] for n in LOCATION_FIELDS)
    _notify(_live_registrations([o.id for o in cancelled]), "occurrence_cancelled", "CANCEL", reason=None)
    notify_changed = [o for o in future if o not in cancelled and o.status != "cancelled"
                      and (o in retimed or location_changed or "title_fi" in changes)]
    _notify(_live_registrations([o.id for o in notify_changed]), "series_changed", "REQUEST")
    audit(actor, "series.update", "meeting_series", series.id,
          effective_from=boundary.isoformat(),
          changes={k: [_audit_value(a) for a in v] for k, v in changes.items()},
          retimed=len(retimed), cancelled=len(cancelled))
    return changes


def _promote_after_capacity_change(series: MeetingSeries, *, boundary: datetime, actor: Any,
                                   now: datetime) -> None:
    """More seats: waiting lists of the coming occurrences move up now, in FIFO order, with mail."""
    from app.meetings.registrations import promote_waitlist

    waiting = db.session.scalars(select(MeetingOccurrence).where(
        MeetingOccurrence.series_id == series.id, MeetingOccurrence.starts_at >= boundary,
        MeetingOccurrence.status == "scheduled", MeetingOccurrence.seats_taken < MeetingOccurrence.capacity,
        MeetingOccurrence.id.in_(select(Registration.occurrence_id).where(Registration.status == "waitlisted")))
        .order_by(MeetingOccurrence.starts_at)).all()
    for occurrence in waiting:
        promote_waitlist(occurrence, actor=actor, now=now)


def set_series_status(series: MeetingSeries, status: str, *, actor: Any, now: datetime) -> None:
    """Publish, unpublish (draft) or cancel a series (cancelling cancels its future occurrences)."""
    if status not in SERIES_STATUSES:
        raise ValidationError(_l("Choose draft, published or cancelled."), field="status")
    update_series(series, {"status": status}, actor=actor, now=now)


def _cancel(occurrence: MeetingOccurrence, *, now: datetime, reason: str | None, actor: Any = None) -> None:
    occurrence.status = "cancelled"
    occurrence.cancel_reason = reason
    occurrence.cancelled_at = now
    occurrence.sequence += 1
    _occurrence_changed(occurrence, "cancelled", now, actor=actor)


def cancel_occurrence(occurrence: MeetingOccurrence, *, reason: str | None, actor: Any,
                      now: datetime) -> MeetingOccurrence:
    """Cancel one date; its registrations stay as they are and their people get a CANCEL mail."""
    require_staff(actor)
    if occurrence.status == "cancelled":
        raise ValidationError(_l("This meeting is already cancelled."), field="status", code="already_cancelled")
    if occurrence.ends_at <= now:
        raise ValidationError(_l("A past meeting cannot be changed."), field="status", code="past")
    reason = (reason or "").strip() or None
    if reason and len(reason) > 2000:
        raise ValidationError(_l("At most %(n)d characters.", n=2000), field="reason")
    _cancel(occurrence, now=now, reason=reason, actor=actor)
    db.session.flush()
    _notify(_live_registrations([occurrence.id]), "occurrence_cancelled", "CANCEL", reason=reason)
    audit(actor, "occurrence.cancel", "meeting_occurrence", occurrence.id, series_id=occurrence.series_id,
          reason=reason)
    return occurrence


def move_occurrence(occurrence: MeetingOccurrence, *, starts_at: datetime, ends_at: datetime, actor: Any,
                    now: datetime) -> MeetingOccurrence:
    """Move one date to ``[starts_at, ends_at)`` (aware); its registrants get an updated invitation."""
    require_staff(actor)
    errors = _Errors({})
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError(_l("Give times with a time zone."), field="start")
    if ends_at <= starts_at:
        errors.add("end", _l("The end must be after the start."))
    elif ends_at - starts_at > timedelta(minutes=MAX_DURATION):
        errors.add("end", _l("A meeting can last at most 24 hours."))
    if starts_at <= now:
        errors.add("start", _l("The new start must be in the future."))
    if occurrence.status == "cancelled":
        errors.add("start", _l("A cancelled meeting cannot be moved."))
    elif occurrence.ends_at <= now:
        errors.add("start", _l("A past meeting cannot be changed."))
    if errors.fields:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors.fields)
    old = (occurrence.starts_at, occurrence.ends_at)
    occurrence.starts_at, occurrence.ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if (occurrence.starts_at, occurrence.ends_at) == old:
        return occurrence
    occurrence.moved = True
    occurrence.sequence += 1
    _occurrence_changed(occurrence, "moved", now, actor=actor)
    db.session.flush()
    _notify(_live_registrations([occurrence.id]), "occurrence_moved", "REQUEST", old_start=old[0], old_end=old[1])
    audit(actor, "occurrence.move", "meeting_occurrence", occurrence.id, series_id=occurrence.series_id,
          old_start=old[0].isoformat(), start=occurrence.starts_at.isoformat(),
          end=occurrence.ends_at.isoformat())
    return occurrence


# --- queries ------------------------------------------------------------------------------------
def get_series(series_id: int, *, viewer: Any = None) -> MeetingSeries:
    """A series visible to ``viewer`` (drafts for staff only) or NotFound: the one rule of visibility."""
    from app.meetings.visibility import visible_series_or_404

    return visible_series_or_404(series_id, viewer)


def series_page(*, page: int, per_page: int, status: str | None = None, viewer: Any = None):
    """Series for the staff list (newest first) or the public API (published only)."""
    query = select(MeetingSeries).options(selectinload(MeetingSeries.themes)).order_by(
        MeetingSeries.start_local.desc(), MeetingSeries.id.desc())
    if not _is_staff(viewer):
        query = query.where(MeetingSeries.status == "published")
    if status:
        query = query.where(MeetingSeries.status == status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def registration_counts(occurrence_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{occurrence id: (confirmed seats, waitlisted seats)} in one aggregated query."""
    if not occurrence_ids:
        return {}
    rows = db.session.execute(
        select(Registration.occurrence_id,
               func.coalesce(func.sum(case((Registration.status == "confirmed", Registration.seats), else_=0)), 0),
               func.coalesce(func.sum(case((Registration.status == "waitlisted", Registration.seats), else_=0)), 0))
        .where(Registration.occurrence_id.in_(occurrence_ids))
        .group_by(Registration.occurrence_id))
    counts = {oid: (0, 0) for oid in occurrence_ids}
    for oid, confirmed, waitlisted in rows:
        counts[oid] = (int(confirmed), int(waitlisted))
    return counts


def series_occurrences(series: MeetingSeries, *, start: datetime | None = None, end: datetime | None = None,
                       limit: int = 500) -> list[MeetingOccurrence]:
    """The series' occurrences starting in ``[start, end)``, in time order (at most ``limit``)."""
    query = select(MeetingOccurrence).where(MeetingOccurrence.series_id == series.id)
    if start is not None:
        query = query.where(MeetingOccurrence.starts_at >= start)
    if end is not None:
        query = query.where(MeetingOccurrence.starts_at < end)
    return list(db.session.scalars(query.order_by(MeetingOccurrence.starts_at).limit(limit)))


@dataclass
class MeetingFilters:
    """Filters of the public meetings list."""

    theme_id: int | None = None
    district: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def upcoming_page(filters: MeetingFilters, *, now: datetime, page: int, per_page: int):
    """Upcoming scheduled occurrences of published series, with their series, themes and space.

    A fixed number of queries whatever the data: count, page, themes (selectin), spaces (selectin).
    """
    query = (select(MeetingOccurrence).join(MeetingOccurrence.series)
             .where(MeetingSeries.status == "published", MeetingOccurrence.status == "scheduled",
                    MeetingOccurrence.ends_at > now)
             .options(contains_eager(MeetingOccurrence.series).selectinload(MeetingSeries.themes),
                      contains_eager(MeetingOccurrence.series).selectinload(MeetingSeries.space),
                      selectinload(MeetingOccurrence.booking))  # the card names a space only when booked
             .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id))
    if filters.theme_id:
        query = query.where(MeetingSeries.themes.any(MeetingTheme.id == filters.theme_id))
    if filters.district:
        query = query.where(MeetingSeries.district == filters.district)
    if filters.language:
        query = query.where(MeetingSeries.language == filters.language)
    if filters.date_from:
        query = query.where(MeetingOccurrence.starts_at >= recurrence.localize(
            datetime.combine(filters.date_from, time(0, 0)), "Europe/Helsinki").astimezone(UTC))
    if filters.date_to:
        query = query.where(MeetingOccurrence.starts_at < recurrence.localize(
            datetime.combine(filters.date_to + timedelta(days=1), time(0, 0)), "Europe/Helsinki").astimezone(UTC))
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def staff_occurrences(series: MeetingSeries, *, now: datetime, past: bool = False,
                      limit: int = 200) -> list[tuple[MeetingOccurrence, int, int]]:
    """(occurrence, confirmed seats, waitlisted seats) for the staff series page, one aggregated query."""
    waitlisted = func.coalesce(func.sum(case((Registration.status == "waitlisted", Registration.seats),
                                             else_=0)), 0)
    confirmed = func.coalesce(func.sum(case((Registration.status == "confirmed", Registration.seats),
                                            else_=0)), 0)
    query = (select(MeetingOccurrence, confirmed, waitlisted)
             .outerjoin(Registration, and_(Registration.occurrence_id == MeetingOccurrence.id))
             .where(MeetingOccurrence.series_id == series.id)
             .group_by(MeetingOccurrence.id))
    if past:
        query = query.where(MeetingOccurrence.ends_at <= now).order_by(MeetingOccurrence.starts_at.desc())
    else:
        query = query.where(MeetingOccurrence.ends_at > now).order_by(MeetingOccurrence.starts_at)
    return [(o, int(c), int(w)) for o, c, w in db.session.execute(query.limit(limit))]


__all__ = [
    "DEFAULT_THEMES", "MeetingFilters", "cancel_occurrence", "clean_series_data", "create_series",
    "create_theme", "ensure_default_themes", "get_series", "list_themes", "manage_url", "materialise_all",
    "materialise_series", "move_occurrence", "move_theme", "recurrence_message", "registration_counts",
    "series_occurrences", "series_page", "set_series_status", "set_theme_active", "staff_occurrences",
    "update_series", "update_theme", "upcoming_page",
]
