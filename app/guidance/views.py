"""Public guidance pages: the list, one guidance hour's free slots, booking, and the booker's manage
link (cancel or move). Slot lists show free/taken only, never who booked."""
from __future__ import annotations

from app.core.dates import in_range

from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user

from app.core.actions import act
from app.core.i18n import current_language, localized
from app.core.types import utcnow
from app.errors import DomainError, NotFound
from app.extensions import limiter
from app.guidance import events, online_link
from app.guidance.forms import BookingForm, ConfirmForm, MoveForm, QuickBookingForm
from app.guidance.models import GuidanceHour
from app.guidance.services import appointments as booking
from app.guidance.services import hours, slots as slot_service
from app.guidance.tokens import appointment_from_token, appointment_token
from app.guidance.statuses import AppointmentStatus, HourStatus, WindowStatus

bp = Blueprint("guidance", __name__, url_prefix="/guidance")

HELSINKI = ZoneInfo("Europe/Helsinki")
PAGE_DAYS = 28
MOVE_DAYS = 90


@bp.app_template_global()
def guidance_place(hour: GuidanceHour, booked: bool = False) -> str:
    """Where the guidance is given, in words. The online link only on the booker's own page
    (``booked``) and for staff; others read that it is sent to those who book."""
    shown = booked or online_link.is_staff(current_user)
    text = events.location_text(hour, online=shown) or ""
    if hour.online_url and not shown:
        text = f"{text} – {online_link.SENT_TO_BOOKERS}" if text else str(online_link.SENT_TO_BOOKERS)
    return text


# Finnish conventions in every language: "tiistai 2.2.2027", "9.00–9.30".
DATE_PATTERN = "EEEE d.M.yyyy"
TIME_PATTERN = "H.mm"


def slot_time(start: datetime, end: datetime) -> str:
    return _("%(start)s–%(end)s", start=format_time(start, TIME_PATTERN), end=format_time(end, TIME_PATTERN))


def slot_when(start: datetime, end: datetime) -> str:
    return _("%(date)s, %(start)s–%(end)s", date=format_date(start, DATE_PATTERN),
             start=format_time(start, TIME_PATTERN), end=format_time(end, TIME_PATTERN))


def local_iso(value: datetime) -> str:
    """An instant in Helsinki time for links and forms (2027-02-02T09:00:00+02:00)."""
    return value.astimezone(HELSINKI).isoformat()


@bp.context_processor
def template_helpers():
    return {"slot_time": slot_time, "slot_when": slot_when, "local_iso": local_iso,
            "day_name": lambda day: format_date(day, DATE_PATTERN), "organisation_of": events.organisation_of,
            "AppointmentStatus": AppointmentStatus, "HourStatus": HourStatus, "WindowStatus": WindowStatus}


def parse_start(value: str | None) -> datetime | None:
    """An ISO 8601 instant from the URL or a form; naive values are Helsinki time."""
    if not value or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if not in_range(parsed):  # year 1 or 9999: no slot, and no overflow further on
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=HELSINKI)


def _published_hour(hour_id: int) -> GuidanceHour:
    try:
        return hours.get_hour(hour_id)
    except NotFound:
        abort(404)


@bp.get("/")
def index():
    """Upcoming guidance hours."""
    now = utcnow()
    rows = hours.upcoming_hours(now)
    mine = booking.user_appointments(current_user, now) if current_user.is_authenticated else []
    return render_template("guidance/index.html", rows=rows, mine=mine, appointment_token=appointment_token)


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@bp.get("/<int:hour_id>")
def detail(hour_id: int):
    """One guidance hour: its slots for four weeks at a time, free or taken."""
    hour = _published_hour(hour_id)
    now = utcnow()
    today = now.astimezone(HELSINKI).date()
    first = max(_day(request.args.get("from"), today), today)
    first = min(first, today + timedelta(days=400))
    start = max(datetime.combine(first, time(), HELSINKI), now)
    end = datetime.combine(first + timedelta(days=PAGE_DAYS), time(), HELSINKI)
    listed = slot_service.slots(hour, now=now, start=start, end=end)
    days = [(day, list(items)) for day, items in groupby(listed, key=lambda s: s.start.astimezone(HELSINKI).date())]
    later = slot_service.windows_between(hour, end, None)
    return render_template("guidance/detail.html", hour=hour, days=days, first=first,
                           previous=first - timedelta(days=PAGE_DAYS) if first > today else None,
                           following=first + timedelta(days=PAGE_DAYS) if later else None)


def _question_label(hour: GuidanceHour) -> str | None:
    return localized(hour, "question") or None


@bp.route("/<int:hour_id>/book", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], exempt_when=lambda: current_user.is_authenticated)
def book(hour_id: int):
    """The booking form of one slot (``?start=`` the slot's start)."""
    hour = _published_hour(hour_id)
    now = utcnow()
    quick = current_user.is_authenticated
    label = _question_label(hour)
    form = (QuickBookingForm(question_label=label) if quick
            else BookingForm(privacy_url=url_for("pages.privacy"), question_label=label))
    start = parse_start(request.form.get("start") if request.method == "POST" else request.args.get("start"))
    if start is None:
        return render_template("guidance/slot_gone.html", hour=hour,
                               message=_("There is no guidance slot at that time. Choose one of the listed times.")), 422
    try:
        _window, end = slot_service.find_slot(hour, start, now=now)
    except DomainError as exc:
        return render_template("guidance/slot_gone.html", hour=hour, message=exc.message), exc.status
    form.start.data = local_iso(start)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            if quick:
                raw = booking.data_from_user(current_user, question=form.question.data, locale=current_language())
            else:
                raw = dict(form.data, locale=current_language())
            result = act(lambda: booking.book(hour, start, booking.clean_appointment_data(raw, hour=hour),
                                              actor=current_user if quick else None, now=now), form=form)
            if result.ok:
                appointment = result.value
                flash(_("Your appointment is booked. A confirmation was sent to %(email)s.",
                        email=appointment.email), "success")
                return redirect(url_for("guidance.manage", token=appointment_token(appointment)))
            hour = _published_hour(hour_id)
            if result.error.code == "taken":
                return render_template("guidance/slot_gone.html", hour=hour, message=result.error.message), 409
            status = result.error.status
    return render_template("guidance/book.html", hour=hour, form=form, start=start, end=end, quick=quick), status


# --- the booker's manage link -------------------------------------------------------------------

def _appointment(token: str):
    appointment = appointment_from_token(token)
    if appointment is None:
        abort(404)
    return appointment


def _changeable(appointment) -> bool:
    return appointment.status == AppointmentStatus.BOOKED and appointment.starts_at > utcnow()


@bp.get("/appointments/<token>")
def manage(token: str):
    """What was booked, with links to cancel or move it."""
    appointment = _appointment(token)
    return render_template("guidance/manage.html", appointment=appointment, hour=appointment.guidance_hour,
                           token=token, changeable=_changeable(appointment))


@bp.route("/appointments/<token>/cancel", methods=["GET", "POST"])
def manage_cancel(token: str):
    """Confirmation step, then the cancellation: the slot is free again at once."""
    appointment = _appointment(token)
    if not _changeable(appointment):
        flash(_("This appointment can no longer be changed."), "info")
        return redirect(url_for("guidance.manage", token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        if act(lambda: booking.cancel(appointment, by_token=True, now=utcnow())).ok:
            flash(_("Your appointment was cancelled. A confirmation was sent by email."), "success")
        return redirect(url_for("guidance.manage", token=token))
    return render_template("guidance/cancel.html", appointment=appointment, hour=appointment.guidance_hour,
                           form=form, action=url_for("guidance.manage_cancel", token=token),
                           back=url_for("guidance.manage", token=token))


def _move_choices(appointment, now: datetime) -> list[tuple[str, str]]:
    hour = appointment.guidance_hour
    free = [s for s in slot_service.slots(hour, now=now, end=now + timedelta(days=MOVE_DAYS)) if s.free]
    return [(local_iso(s.start), slot_when(s.start, s.end)) for s in free]


@bp.route("/appointments/<token>/move", methods=["GET", "POST"])
def manage_move(token: str):
    """Choose another free slot of the same guidance hour."""
    appointment = _appointment(token)
    if not _changeable(appointment):
        flash(_("This appointment can no longer be changed."), "info")
        return redirect(url_for("guidance.manage", token=token))
    now = utcnow()
    form = MoveForm()
    form.start.choices = _move_choices(appointment, now)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            start = parse_start(form.start.data)

            def move():
                if start is None:
                    raise NotFound(_("There is no guidance slot at that time. Choose one of the listed times."))
                booking.move(appointment, start, by_token=True, now=now)

            result = act(move, form=form)
            if result.ok:
                flash(_("Your appointment was moved. An updated calendar invitation was sent by email."), "success")
                return redirect(url_for("guidance.manage", token=token))
            appointment = _appointment(token)
            form.start.choices = _move_choices(appointment, now)
            form.start.errors = [str(result.error.message)]  # the page shows its one field's error
            status = result.error.status
    return render_template("guidance/move.html", appointment=appointment, hour=appointment.guidance_hour,
                           form=form, token=token), status
