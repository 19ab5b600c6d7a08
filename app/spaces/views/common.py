"""What the spaces pages share: the blueprints, template helpers and reading times from forms."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Callable, TypeVar

from flask import Blueprint, request
from flask_login import current_user

from app.core.dates import format_clock, parse_day, timespan
from app.extensions import db
from app import scheduling
from app.spaces import buffer, services
from app.spaces.models import Space
from app.spaces.statuses import BookingStatus, RequestStatus

T = TypeVar("T")

bp = Blueprint("spaces", __name__, url_prefix="/spaces")
requests_bp = Blueprint("booking_requests", __name__, url_prefix="/booking-requests")

bp.add_app_template_filter(timespan, "timespan")


def display_hours(ranges) -> str:
    """Opening hours as people read them: ``8.00–12.00, 13.00–20.00`` (the form keeps 08:00)."""
    return ", ".join(f"{format_clock(a)}–{format_clock(b)}" for a, b in (ranges or []))


@bp.app_context_processor
def space_helpers() -> dict[str, Any]:
    return {"ACCESSIBILITY_FACTS": services.ACCESSIBILITY_FACTS, "EQUIPMENT": services.EQUIPMENT,
            "format_hours": display_hours, "request_status_label": services.request_status_label,
            "BookingStatus": BookingStatus, "RequestStatus": RequestStatus,
            "buffer_hint": buffer.buffer_hint, "explain_conflict": buffer.explain_conflict}


def space_or_404(space_id: int) -> Space:
    return db.get_or_404(Space, space_id)


def combine(day: date, clock: time, tz: str) -> datetime:
    return scheduling.localize(datetime.combine(day, clock), tz)


def interval_from_form(form, tz: str) -> tuple[datetime, datetime]:
    """The form's date + start and end times; an end of 00:00 is midnight at the end of the day."""
    start = combine(form.date.data, form.start_time.data, tz)
    end_day = form.date.data + timedelta(days=1) if form.end_time.data == time(0, 0) else form.date.data
    return start, combine(end_day, form.end_time.data, tz)


def prefill_time(form, *, bounded_day: bool = False) -> None:
    """``?date=2026-12-08&start=12:30&end=14:00`` fills the form (links from the week view and a
    suggested time). ``bounded_day`` reads the date within the service's years (else a bad one is ignored)."""
    if bounded_day:
        form.date.data = parse_day(request.args.get("date")) or form.date.data
    else:
        try:
            form.date.data = date.fromisoformat(request.args.get("date", ""))
        except ValueError:
            pass
    for name in ("start", "end"):
        try:
            getattr(form, f"{name}_time").data = time.fromisoformat(request.args.get(name, ""))
        except ValueError:
            pass


def is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff


def lang() -> str:
    from app.core.i18n import current_language

    return current_language()


def dry_run(call: Callable[[], T]) -> T:
    """Run ``call`` in a savepoint that is always rolled back: the same rules run, nothing is kept
    (the booking form's "check" button). A refusal still reaches ``act()``."""
    savepoint = db.session.begin_nested()
    try:
        return call()
    finally:
        if savepoint.is_active:
            savepoint.rollback()
