"""Publishing guidance hours: validation, the dated windows, cancelling.

A guidance hour is published at once (there is nothing to prepare: the slots are the product).
Its windows are materialised up to ``GUIDANCE_HORIZON_DAYS`` (default 180) ahead; a rule
without an end stops there. Everything is written in the caller's transaction: any refusal
(a bad value, a resident space already booked at one of the dates) raises before the caller
commits, so nothing is half-written.
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.audit import audit
from app.core.validation import ErrorCollector, clean_text, parse_datetime
from app.core.auth import require_staff
from app.core.i18n import LANGUAGES
from app.core.rule_errors import message as rule_message
from app.errors import NotFound
from app.extensions import db
from app.guidance.models import GuidanceHour, GuidanceWindow
from app.guidance.services import space_bookings
from app import scheduling
from app.meetings.models import MeetingTheme
from app.spaces.models import Space
from app.guidance.statuses import HourStatus, WindowStatus

MIN_SLOT = 5
MAX_DURATION = 720
MAX_WINDOWS = 260
MAX_REMINDER_HOURS = 336
DEFAULT_HORIZON_DAYS = 180
CITY_HALL = "Helsingin kaupungintalo, Pohjoisesplanadi 11–13, Helsinki"


def horizon_days() -> int:
    """How far ahead windows are created."""
    return int(current_app.config.get("GUIDANCE_HORIZON_DAYS", DEFAULT_HORIZON_DAYS))


def _int(raw: dict[str, Any], name: str, errors: ErrorCollector, *, low: int, high: int,
         required: bool = True) -> int | None:
    value = raw.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, _l("This field is required."))
        return None
    if isinstance(value, bool):
        errors.add(name, _l("Enter a whole number."))
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(name, _l("Enter a whole number."))
        return None
    if not low <= number <= high:
        errors.add(name, _l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
        return None
    return number


def is_web_url(value: str) -> bool:
    """An absolute http(s) address without spaces (what a meeting link looks like)."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


def clean_hour_data(raw: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Check a new guidance hour's input; every field error at once (``ValidationError``, 422).

    ``raw`` uses the model's names (``title_fi``, ``start_local``, ...) plus ``adviser_ids``.
    The slot length must divide the window: a 120-minute window takes 30-minute slots, not 45.
    """
    errors = ErrorCollector()
    data: dict[str, Any] = {}
    _clean_texts(raw, data, errors)
    zone = _clean_start(raw, data, errors, now)
    _clean_lengths(raw, data, errors)
    _clean_place(raw, data, errors)
    data["theme_id"] = _clean_choice(raw, "theme_id", MeetingTheme, errors, _l("Choose a theme from the list."))
    _clean_advisers(raw, data, errors)
    _clean_rrule(raw, data, errors, zone)
    errors.raise_if_any()
    return data


def _clean_texts(raw: dict[str, Any], data: dict[str, Any], errors: ErrorCollector) -> None:
    for lang in LANGUAGES:
        for group, limit in (("title", 200), ("question", 300)):
            data[f"{group}_{lang}"] = clean_text(raw, f"{group}_{lang}", errors, limit)
        data[f"description_{lang}"] = clean_text(raw, f"description_{lang}", errors, 5000)
    if not data["title_fi"] and "title_fi" not in errors.fields:
        errors.add("title_fi", _l("Enter the title in Finnish."))
    data["question_required"] = bool(raw.get("question_required"))


def _clean_start(raw: dict[str, Any], data: dict[str, Any], errors: ErrorCollector, now: datetime):
    """The time zone and the first start (local, naive); returns the zone (None when invalid)."""
    zone = None
    try:
        zone = scheduling.validate_timezone(raw.get("timezone") or "Europe/Helsinki")
        data["timezone"] = zone.key
    except scheduling.RecurrenceError as exc:
        errors.add("timezone", rule_message(exc))
    start = parse_datetime(raw.get("start_local"))
    if start is None:
        errors.add("start_local", _l("Enter the start date and time.") if not raw.get("start_local")
                   else _l("Enter a valid date and time, for example 2027-02-02T09:00."))
    else:
        if start.tzinfo is not None and zone is not None:
            start = start.astimezone(zone).replace(tzinfo=None)
        start = start.replace(tzinfo=None, second=0, microsecond=0)
        if not 1900 <= start.year <= 2999:
            errors.add("start_local", _l("Enter a valid date and time, for example 2027-02-02T09:00."))
            start = None
        elif zone is not None and scheduling.localize(start, zone) <= now:
            errors.add("start_local", _l("The first guidance hour must be in the future."))
    data["start_local"] = start
    return zone


def _clean_lengths(raw: dict[str, Any], data: dict[str, Any], errors: ErrorCollector) -> None:
    """The window and slot lengths (the slot divides the window) and the reminder."""
    duration = _int(raw, "duration_minutes", errors, low=MIN_SLOT, high=MAX_DURATION)
    slot = _int(raw, "slot_minutes", errors, low=MIN_SLOT, high=MAX_DURATION)
    if duration is not None and slot is not None:
        if slot > duration:
            errors.add("slot_minutes", _l("A slot cannot be longer than the guidance hour (%(n)d minutes).",
                                          n=duration))
        elif duration % slot:
            errors.add("slot_minutes", _l("The slot length must divide the guidance hour evenly: %(d)d minutes "
                                          "cannot be cut into %(s)d-minute slots.", d=duration, s=slot))
    data["duration_minutes"], data["slot_minutes"] = duration, slot
    reminder = raw.get("reminder_hours_before", 24)
    data["reminder_hours_before"] = None if reminder in (None, "") else _int(
        {"reminder_hours_before": reminder}, "reminder_hours_before", errors, low=1, high=MAX_REMINDER_HOURS)


def _clean_choice(raw: dict[str, Any], name: str, model: Any, errors: ErrorCollector, message: Any) -> int | None:
    """The id of an existing ``model`` row chosen in ``name`` (None when nothing was chosen)."""
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        row = db.session.get(model, int(value))
    except (TypeError, ValueError, OverflowError):
        row = None
    if row is None:
        errors.add(name, message)
        return None
    return row.id


def _clean_place(raw: dict[str, Any], data: dict[str, Any], errors: ErrorCollector) -> None:
    """City Hall (a street address), an online link, or a resident space (booked per window)."""
    data["space_id"] = _clean_choice(raw, "space_id", Space, errors, _l("Choose a space from the list."))
    data["location"] = clean_text(raw, "location", errors, 300)
    data["online_url"] = clean_text(raw, "online_url", errors, 500)
    if data["online_url"] and not is_web_url(data["online_url"]):
        errors.add("online_url", _l("Enter a full web address starting with https://."))
    if not (data["space_id"] or data["location"] or data["online_url"]) and not {
            "space_id", "location", "online_url"} & set(errors.fields):
        errors.add("location", _l("Give a street address, an online link or a resident space."))


def _clean_advisers(raw: dict[str, Any], data: dict[str, Any], errors: ErrorCollector) -> None:
    data["advisers"] = []
    ids = raw.get("adviser_ids") or []
    try:
        ids = sorted({int(i) for i in ids}) if isinstance(ids, (list, tuple)) else None
    except (TypeError, ValueError, OverflowError):
        ids = None
    if ids is None or any(not 0 < i < 2**31 for i in ids):
        errors.add("adviser_ids", _l("Choose the advisers from the list."))
    elif ids:
        advisers = list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))))
        if len(advisers) != len(ids) or not all(a.is_staff for a in advisers):
            errors.add("adviser_ids", _l("Choose the advisers from the list."))
        data["advisers"] = advisers
    if not data["advisers"] and "adviser_ids" not in errors.fields:
        errors.add("adviser_ids", _l("Choose at least one adviser."))


def _clean_rrule(raw: dict[str, Any], data: dict[str, Any], errors: ErrorCollector, zone) -> None:
    rrule_text = raw.get("rrule")
    data["rrule"] = None
    start = data["start_local"]
    if rrule_text is not None and not isinstance(rrule_text, str):
        errors.add("rrule", _l("The recurrence rule could not be read."))
    elif start is not None and zone is not None:
        try:
            data["rrule"] = scheduling.normalize_rrule(rrule_text, start_local=start, tz=zone.key,
                                                       max_occurrences=MAX_WINDOWS,
                                                       horizon=timedelta(days=horizon_days()))
        except scheduling.RecurrenceError as exc:
            errors.add({"start": "start_local"}.get(exc.field, exc.field), rule_message(exc))


def window_starts(hour: GuidanceHour, *, until: datetime) -> list[datetime]:
    """The rule's window starts before ``until`` (aware, in the hour's zone)."""
    return scheduling.expand(hour.start_local, hour.timezone, hour.rrule, window_end=until, limit=MAX_WINDOWS)


def create_guidance_hour(data: dict[str, Any], *, actor: Any, now: datetime) -> GuidanceHour:
    """Publish a guidance hour and create its windows (booking the resident space for each one).

    Raises ``BookingConflict`` (409, every conflicting time listed) when the space is taken at one
    of the dates; the caller rolls back and nothing is kept.
    """
    require_staff(actor)
    advisers = data.pop("advisers")
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "kohtaamo.local"
    hour = GuidanceHour(uid=f"guidance-{uuid.uuid4()}@{host}", status=HourStatus.PUBLISHED,
                        created_by_id=getattr(actor, "id", None), created_at=now, updated_at=now, **data)
    hour.advisers = advisers
    db.session.add(hour)
    db.session.flush()
    until = now + timedelta(days=horizon_days())
    windows = []
    for start in window_starts(hour, until=until):
        window = GuidanceWindow(guidance_hour_id=hour.id, starts_at=start,
                                ends_at=start + timedelta(minutes=hour.duration_minutes),
                                created_at=now, updated_at=now)
        db.session.add(window)
        windows.append(window)
    db.session.flush()
    space_bookings.book_windows(hour, windows, actor=actor, now=now)
    audit(actor, "guidance_hour.create", "guidance_hour", hour.id, windows=len(windows), space_id=hour.space_id)
    return hour


def get_hour(hour_id: int, *, include_cancelled: bool = True) -> GuidanceHour:
    """A guidance hour by id, or ``NotFound`` (404)."""
    hour = db.session.get(GuidanceHour, hour_id) if 0 < hour_id < 2**31 else None
    if hour is None or (not include_cancelled and hour.status != HourStatus.PUBLISHED):
        raise NotFound(_l("The guidance hour was not found."))
    return hour


def hours_query(*, include_cancelled: bool = False):
    """Guidance hours, newest first (published only unless asked), for a paginated list."""
    query = select(GuidanceHour).order_by(GuidanceHour.start_local.desc(), GuidanceHour.id.desc())
    if not include_cancelled:
        query = query.where(GuidanceHour.status == HourStatus.PUBLISHED)
    return query


def upcoming_hours(now: datetime, until: datetime | None = None) -> list[tuple[GuidanceHour, datetime | None]]:
    """Published hours with a window ending after ``now`` (and starting before ``until``), with the
    first such window's start; one query."""
    from sqlalchemy import func

    query = (select(GuidanceHour, func.min(GuidanceWindow.starts_at))
             .join(GuidanceWindow, GuidanceWindow.guidance_hour_id == GuidanceHour.id)
             .where(GuidanceHour.status == HourStatus.PUBLISHED, GuidanceWindow.status == WindowStatus.SCHEDULED,
                    GuidanceWindow.ends_at > now))
    if until is not None:
        query = query.where(GuidanceWindow.starts_at < until)
    rows = db.session.execute(query.group_by(GuidanceHour.id)
                              .order_by(func.min(GuidanceWindow.starts_at), GuidanceHour.id)).all()
    return [(hour, first) for hour, first in rows]


def cancel_guidance_hour(hour: GuidanceHour, *, actor: Any, now: datetime) -> int:
    """Cancel the hour and its future windows: every upcoming appointment is cancelled (the booker is
    mailed a calendar cancellation) and the resident space is freed. Returns the appointments cancelled."""
    require_staff(actor)
    if hour.status == HourStatus.CANCELLED:
        return 0
    hour.status = HourStatus.CANCELLED
    hour.updated_at = now
    cancelled = 0
    for window in hour.windows:
        if window.status == WindowStatus.SCHEDULED and window.ends_at > now:
            cancelled += cancel_window(window, actor=actor, now=now, _audit=False)
    db.session.flush()
    audit(actor, "guidance_hour.cancel", "guidance_hour", hour.id, appointments=cancelled)
    return cancelled


def cancel_window(window: GuidanceWindow, *, actor: Any, now: datetime, _audit: bool = True) -> int:
    """Cancel one date: its upcoming appointments (mailed) and its space booking."""
    from app.guidance.services.appointments import cancel_for_window

    require_staff(actor)
    if window.status == WindowStatus.CANCELLED:
        return 0
    window.status = WindowStatus.CANCELLED
    window.updated_at = now
    count = cancel_for_window(window, actor=actor, now=now)
    space_bookings.release(window, actor=actor, now=now)
    db.session.flush()
    if _audit:
        audit(actor, "guidance_window.cancel", "guidance_window", window.id, appointments=count)
    return count


def staff_choices() -> list[User]:
    """Active staff and admins: who can be an adviser."""
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(("staff", "admin")))
                                   .order_by(User.name, User.email)))


def extend_windows(hour: GuidanceHour, *, now: datetime) -> tuple[int, int]:
    """Create the missing windows of a recurring hour up to the horizon (idempotent: the unique
    ``(guidance_hour_id, starts_at)`` keeps a racing second run from adding a date twice).
    The space is booked leniently: a taken date is created without a booking and counted.
    Returns (dates created, dates whose space could not be booked)."""
    from sqlalchemy import func

    from app.spaces.services import BookingConflict

    if hour.status != HourStatus.PUBLISHED or not hour.rrule:
        return 0, 0
    last = db.session.scalar(select(func.max(GuidanceWindow.starts_at))
                             .where(GuidanceWindow.guidance_hour_id == hour.id))
    until = now + timedelta(days=horizon_days())
    created = unbooked = 0
    for start in window_starts(hour, until=until):
        if last is not None and start <= last:
            continue
        window = GuidanceWindow(guidance_hour_id=hour.id, starts_at=start,
                                ends_at=start + timedelta(minutes=hour.duration_minutes), created_at=now,
                                updated_at=now)
        db.session.add(window)
        db.session.flush()
        created += 1
        try:
            with db.session.begin_nested():
                space_bookings.book_windows(hour, [window], actor=None, now=now)
        except BookingConflict:
            unbooked += 1
    return created, unbooked


def extend_all(now: datetime) -> tuple[int, int]:
    """:func:`extend_windows` for every published recurring guidance hour."""
    created = unbooked = 0
    for hour in db.session.scalars(select(GuidanceHour).where(GuidanceHour.status == HourStatus.PUBLISHED,
                                                              GuidanceHour.rrule.is_not(None))):
        c, u = extend_windows(hour, now=now)
        created, unbooked = created + c, unbooked + u
    return created, unbooked
