"""Staff pages of guidance hours: publish, see the appointments, cancel; the adviser's day view and
their own calendar feed (a secret, renewable URL)."""
from __future__ import annotations

from app.core.dates import parse_day

import hashlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.scheduling.ical import build_calendar
from app.core.auth import role_required
from app.core.actions import act
from app.core.urls import external_url
from app.core.i18n import LANGUAGES, current_language, localized
from app.core.types import utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.guidance import events, tokens
from app.guidance.forms import ConfirmForm, HourForm
from app.guidance.models import GuidanceWindow
from app.guidance.services import adviser, appointments as booking, hours
from app.guidance.views import slot_when, template_helpers
from app.meetings.models import MeetingTheme
from app.spaces.models import Space
from app.guidance.statuses import AppointmentStatus, HourStatus, WindowStatus

bp = Blueprint("guidance_staff", __name__, url_prefix="/guidance")
bp.context_processor(template_helpers)

HELSINKI = ZoneInfo("Europe/Helsinki")


def _hour(hour_id: int):
    try:
        return hours.get_hour(hour_id)
    except NotFound:
        abort(404)


def _set_choices(form: HourForm) -> None:
    lang = current_language()
    form.space_id.choices = [("", _("Choose a space"))] + [
        (str(s.id), f"{s.name}, {s.address}") for s in db.session.scalars(db.select(Space).order_by(Space.name))]
    form.theme_id.choices = [("", _("No theme"))] + [
        (str(t.id), localized(t, "name", lang)) for t in db.session.scalars(
            db.select(MeetingTheme).where(MeetingTheme.active.is_(True)).order_by(MeetingTheme.position))]
    form.adviser_ids.choices = [(str(u.id), u.display_name) for u in hours.staff_choices()]


def form_to_raw(form: HourForm) -> dict:
    """The form's values in the service's (model) names."""
    raw = {f"{group}_{lang}": getattr(form, f"{group}_{lang}").data
           for group in ("title", "description", "question") for lang in LANGUAGES}
    raw["question_required"] = form.question_required.data
    raw["reminder_hours_before"] = form.reminder_hours_before.data
    raw["theme_id"] = form.theme_id.data or None
    raw["adviser_ids"] = form.adviser_ids.data or []
    first, start, end = form.first_date.data, form.start_time.data, form.end_time.data
    raw["start_local"] = datetime.combine(first, start) if first and start else None
    if start and end:
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        raw["duration_minutes"] = minutes if minutes > 0 else None
    raw["slot_minutes"] = form.slot_minutes.data
    place = form.place.data
    raw["location"] = form.location.data if place == "address" else None
    raw["online_url"] = form.online_url.data if place == "online" else None
    raw["space_id"] = form.space_id.data if place == "space" else None
    repeat = form.repeat.data
    if repeat:
        rule = "FREQ=WEEKLY;INTERVAL=2" if repeat == "BIWEEKLY" else "FREQ=WEEKLY"
        if form.until.data:
            rule += f";UNTIL={form.until.data.strftime('%Y%m%d')}"
        raw["rrule"] = rule
    return raw


@bp.get("/manage")
@role_required("staff")
def manage_index():
    """Every guidance hour, newest first, with a link to publish a new one."""
    page = db.paginate(hours.hours_query(include_cancelled=True), page=request.args.get("page", 1, type=int),
                       per_page=25, error_out=False)
    return render_template("guidance/manage_index.html", rows=page.items, pagination=page)


@bp.route("/manage/new", methods=["GET", "POST"])
@role_required("staff")
def create():
    """Publish guidance hours."""
    form = HourForm()
    _set_choices(form)
    if not form.adviser_ids.data and request.method == "GET":
        form.adviser_ids.data = [str(current_user.id)]
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            raw = form_to_raw(form)
            if raw.get("duration_minutes") is None:
                form.end_time.errors = list(form.end_time.errors) + [_("The end must be after the start.")]
            else:
                result = act(lambda: hours.create_guidance_hour(hours.clean_hour_data(raw, now=utcnow()),
                                                                actor=current_user, now=utcnow()),
                             form=form, field_map=_FIELD_NAMES)
                if result.ok:
                    hour = result.value
                    flash(_("The guidance hours were published: %(n)d dates.", n=len(hour.windows)), "success")
                    return redirect(url_for("guidance_staff.manage_detail", hour_id=hour.id))
                _show_conflicts(form, result.error)
                _set_choices(form)
                status = result.error.status
    return render_template("guidance/form.html", form=form), status


# Service field names → the form's fields.
_FIELD_NAMES = {"start_local": "first_date", "duration_minutes": "end_time", "rrule": "until"}


def _show_conflicts(form: HourForm, error: DomainError) -> None:
    """A space conflict lists the taken times next to the space."""
    conflicts = getattr(error, "conflicts", None)
    if conflicts:
        from flask_babel import format_datetime

        times = ", ".join(format_datetime(item.requested_start, "d.M.yyyy H.mm") for item in conflicts[:10])
        form.space_id.errors = list(form.space_id.errors) + [
            _("The space is already booked at these times: %(times)s", times=times)]


@bp.get("/manage/<int:hour_id>")
@role_required("staff")
def manage_detail(hour_id: int):
    """The guidance hour's upcoming dates with the appointments: who, organisation, question."""
    hour = _hour(hour_id)
    now = utcnow()
    rows = booking.hour_appointments(hour, since=now)
    by_window: dict[int, list] = {}
    for row in rows:
        by_window.setdefault(row.window_id, []).append(row)
    windows = [w for w in hour.windows if w.ends_at > now]
    return render_template("guidance/manage_detail.html", hour=hour, windows=windows, by_window=by_window,
                           now=now)


@bp.route("/manage/<int:hour_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel_hour(hour_id: int):
    """Cancel the whole guidance hour (confirmation first): bookers are told, the space freed."""
    hour = _hour(hour_id)
    form = ConfirmForm()
    if hour.status == HourStatus.CANCELLED:
        flash(_("The guidance hour is already cancelled."), "info")
        return redirect(url_for("guidance_staff.manage_detail", hour_id=hour.id))
    if form.validate_on_submit():
        result = act(lambda: hours.cancel_guidance_hour(hour, actor=current_user, now=utcnow()))
        if result.ok:
            flash(_("The guidance hour was cancelled; %(n)d appointments were cancelled and the people told.",
                    n=result.value), "success")
        return redirect(url_for("guidance_staff.manage_detail", hour_id=hour.id))
    return render_template("guidance/confirm.html", form=form, heading=_("Cancel guidance hour"),
                           question=_("Cancel all upcoming dates of %(title)s?", title=localized(hour, "title")),
                           button=_("Yes, cancel the guidance hour"),
                           back=url_for("guidance_staff.manage_detail", hour_id=hour.id))


@bp.route("/manage/windows/<int:window_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel_window(window_id: int):
    """Cancel one date of a guidance hour (confirmation first)."""
    window = db.session.get(GuidanceWindow, window_id)
    if window is None:
        abort(404)
    back = url_for("guidance_staff.manage_detail", hour_id=window.guidance_hour_id)
    if window.status == WindowStatus.CANCELLED or window.ends_at <= utcnow():
        flash(_("This date can no longer be cancelled."), "info")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        result = act(lambda: hours.cancel_window(window, actor=current_user, now=utcnow()))
        if result.ok:
            flash(_("The date was cancelled; %(n)d appointments were cancelled and the people told.",
                    n=result.value), "success")
        return redirect(back)
    return render_template("guidance/confirm.html", form=form, heading=_("Cancel one date"),
                           question=_("Cancel %(title)s on %(date)s?", title=localized(window.guidance_hour, "title"),
                                      date=slot_when(window.starts_at, window.ends_at)),
                           button=_("Yes, cancel this date"), back=back)


@bp.route("/manage/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel_appointment(appointment_id: int):
    """Staff cancel one appointment (the booker is told)."""
    try:
        appointment = booking.get_appointment(appointment_id)
    except NotFound:
        abort(404)
    back = url_for("guidance_staff.manage_detail", hour_id=appointment.guidance_hour_id)
    if appointment.status == AppointmentStatus.CANCELLED:
        flash(_("This appointment is already cancelled."), "info")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        if act(lambda: booking.cancel(appointment, actor=current_user, now=utcnow())).ok:
            flash(_("The appointment was cancelled and %(name)s was told.", name=appointment.name), "success")
        return redirect(back)
    return render_template("guidance/confirm.html", form=form, heading=_("Cancel appointment"),
                           question=_("Cancel the appointment of %(name)s?", name=appointment.name),
                           button=_("Yes, cancel the appointment"), back=back)


# --- the adviser ---------------------------------------------------------------------------------

def feed_url(user) -> str:
    return external_url("guidance_staff.adviser_feed", token=tokens.adviser_feed_token(user))


@bp.get("/day")
@role_required("staff")
def day():
    """The adviser's day: the windows they advise at, each appointment with its question."""
    now = utcnow()
    today = now.astimezone(HELSINKI).date()
    shown = parse_day(request.args.get("date")) or today  # malformed or far-off: today
    everyone = request.args.get("all") == "1"
    windows = adviser.day_view(current_user, shown, everyone=everyone)
    upcoming = adviser.next_days_with_appointments(current_user, datetime.combine(today, time(), HELSINKI))
    return render_template("guidance/day.html", shown=shown, windows=windows, everyone=everyone,
                           previous=shown - timedelta(days=1), following=shown + timedelta(days=1),
                           upcoming=upcoming, feed_url=feed_url(current_user), renew_form=ConfirmForm())


@bp.post("/feed/renew")
@role_required("staff")
def renew_feed():
    """A new adviser feed URL; the old one stops working at once."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    act(lambda: tokens.renew_adviser_feed(current_user))
    flash(_("Your guidance calendar has a new address. The old address no longer works."), "success")
    return redirect(url_for("guidance_staff.day") + "#adviser-feed-heading")


@bp.get("/feed/<token>.ics")
def adviser_feed(token: str):
    """The adviser's appointments (private: a secret URL), ETag + 304 like the other feeds."""
    user = tokens.adviser_for_feed_token(token)
    if user is None:
        abort(404)
    now = utcnow()
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else user.locale or "fi"
    fingerprint = repr((adviser.feed_fingerprint(user, now), lang, current_app.config["BASE_URL"], now.date()))
    etag = hashlib.sha256(fingerprint.encode()).hexdigest()
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        rows = adviser.feed_appointments(user, now)
        with force_locale(lang):
            body = build_calendar([events.adviser_event(a, lang=lang) for a in rows],
                                  name=_("Kohtaamo: my guidance appointments"), lang=lang)
        response = current_app.response_class(body, mimetype="text/calendar")
        response.headers["Content-Type"] = "text/calendar; charset=utf-8"
        response.headers["Content-Disposition"] = 'inline; filename="guidance.ics"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
