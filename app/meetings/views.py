"""Meeting pages: the public list and series pages, and staff management of series and themes."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.core.actions import act
from app.core.auth import role_required
from app.core.database import writes
from app.core.page_cache import cached_page
from app.core.confirm import confirm_page, confirmed
from app.core.dates import format_datetime, timespan
from app.core.forms import populate_errors
from app.core.i18n import current_language
from app.core.types import utcnow
from app.errors import DomainError
from app.extensions import db
from app import scheduling
from app.meetings import services, space_bookings, space_status
from app.meetings.content import MEETINGS, PAGES as MEETING_PAGES
from app.scheduling import rule_text
from app.meetings.forms import (CancelOccurrenceForm, MeetingFilterForm, MoveOccurrenceForm, SeriesForm,
                                StatusForm, ThemeForm)
from app.meetings.preview import Preview, build_preview, chosen_space
from app.meetings.models import SERIES_STATUSES, MeetingOccurrence, MeetingSeries, MeetingTheme
from app.meetings.statuses import SeriesStatus, meeting_status_label
from app.spaces.models import Space
from app.spaces.services import BookingConflict

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

# Service field → form field where the names differ.
_FORM_FIELDS = {"start_local": "start_date", "start": "start_date"}


def occurrence_path(occurrence_id: int) -> str:
    """The registration page of one occurrence (served by the registrations pages)."""
    return f"/meetings/occurrences/{occurrence_id}"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"occurrence_path": occurrence_path, "describe_rule": _describe}


def _describe(series: MeetingSeries) -> str:
    return rule_text.describe(series.rrule, series.start_local, current_language(), series.timezone)


bp.add_app_template_global(meeting_status_label, "meeting_status_label")


@bp.app_template_global("space_unbooked")
def space_unbooked(occurrence: MeetingOccurrence) -> bool:
    """Public pages do not name a space that is not booked for the date (issue 17)."""
    return space_status.space_unbooked(occurrence, utcnow())


def _now() -> datetime:
    return utcnow()


# --- public -------------------------------------------------------------------------------------
@bp.get("")
@cached_page(*MEETING_PAGES)
def index():
    themes = services.list_themes(active_only=True)
    form = MeetingFilterForm(request.args, themes=themes)
    valid = form.validate() if request.args else True
    filters = services.MeetingFilters()
    if valid:
        filters = services.MeetingFilters(
            theme_id=int(form.theme.data) if form.theme.data else None,
            district=form.district.data or None, language=form.language.data or None,
            date_from=form.date_from.data, date_to=form.date_to.data)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = services.upcoming_page(filters, now=_now(), page=page,
                                        per_page=current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v} if valid else {}
    filtered = valid and any(args.get(k) for k in ("theme", "district", "language", "date_from", "date_to"))
    return render_template("meetings/index.html", form=form, pagination=pagination, args=args,
                           filtered=filtered), (200 if valid else 400)


@bp.get("/<int:series_id>")
@cached_page(*MEETING_PAGES)
def detail(series_id: int):
    series = services.get_series(series_id, viewer=current_user)
    occurrences = services.series_occurrences(series, start=_now(), limit=12)
    return render_template("meetings/detail.html", series=series, occurrences=occurrences,
                           unbooked=space_bookings.unbooked_occurrence_ids(series, _now()))


# --- staff: series ------------------------------------------------------------------------------
@bp.get("/manage")
@cached_page(MEETINGS, personal=True)  # outside role_required: a copy is only ever the checked user's
@role_required("staff")
def manage_index():
    status = request.args.get("status") or None
    if status not in (None, *SERIES_STATUSES):
        status = None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = services.series_page(page=page, per_page=current_app.config["PAGE_SIZE"], status=status,
                                      viewer=current_user)
    return render_template("meetings/manage_index.html", pagination=pagination, status=status,
                           statuses=SERIES_STATUSES)


def _form_choices() -> dict[str, Any]:
    if request.method == "GET":
        # The checkboxes carry theme ids: the default themes must outlive this request.
        themes = act(services.ensure_default_themes).value
    else:
        themes = services.ensure_default_themes()
    spaces = list(db.session.scalars(select(Space).order_by(Space.name)))
    return {"themes": [t for t in themes if t.active], "spaces": spaces}


def _series_fields(form: SeriesForm) -> dict[str, str]:
    """Service field → form field; the rule's errors go to whichever way the rule was given."""
    advanced = bool((form.advanced_rrule.data or "").strip())
    return {**_FORM_FIELDS, "rrule": "advanced_rrule" if advanced else "freq"}


def _place_errors(form: SeriesForm, error: DomainError) -> None:
    fields: dict[str, list[Any]] = {}
    mapping = _series_fields(form)
    for name, messages in error.fields.items():
        fields.setdefault(mapping.get(name, name), []).extend(messages)
    error.fields = fields
    populate_errors(form, error)


def _save_series(form: SeriesForm, rule: str | None, series: MeetingSeries | None) -> MeetingSeries:
    data = services.clean_series_data(form.service_data(rule), now=_now(), current=series)
    if series is None:
        return services.create_series(data, actor=current_user, now=_now())
    services.update_series(series, data, actor=current_user, now=_now(), effective_from=form.effective_from.data)
    return series


def _series_form(series: MeetingSeries | None):
    """Create/edit with a server-side "Preview dates" button that re-renders with the next dates."""
    form = SeriesForm(**_series_choices(series))
    if request.method == "GET" and series is not None:
        form.fill_from(series)
    preview = None
    conflicts: list[Any] = []  # the series' space is booked at some of its dates (space_bookings)
    if form.is_submitted():
        valid, rule = _validated_rule(form)
        if valid and form.preview.data:
            preview = _preview(form, rule, series)
            conflicts = preview.conflicts if preview else []
        elif valid:
            result = act(lambda: _save_series(form, rule, series), form=form, field_map=_series_fields(form))
            if result.ok:
                flash(_("The meeting series was created.") if series is None else _("The changes were saved."),
                      "success")
                return redirect(url_for("meetings.manage_detail", series_id=result.value.id))
            if isinstance(result.error, BookingConflict):
                # One error box: the conflicts list (spaces/_conflicts.html) says it all.
                conflicts = result.error.conflicts
                form.form_errors = []
    failed = form.errors or getattr(form, "form_errors", None) or (conflicts and not form.preview.data)
    status = 400 if form.is_submitted() and failed else 200
    return render_template("meetings/form.html", form=form, series=series, preview=preview,
                           dates_heading=_dates_heading(preview) if preview and preview.dates else None,
                           conflicts=conflicts), status


def _series_choices(series: MeetingSeries | None) -> dict[str, Any]:
    choices = _form_choices()
    if series is not None and series.themes:
        extra = [t for t in series.themes if not t.active]  # keep deactivated themes already chosen
        choices["themes"] = choices["themes"] + extra
    return choices


def _validated_rule(form: SeriesForm) -> tuple[bool, str | None]:
    """(the form is valid, the rule it builds); the rule's errors are placed on the form."""
    valid = form.validate()
    try:
        return valid, form.build_rule(current_app.config["RECURRENCE_MAX_OCCURRENCES"])
    except scheduling.RecurrenceError as exc:
        _place_errors(form, DomainError(services.recurrence_message(exc), field=exc.field))
        return False, None


def _preview(form: SeriesForm, rule: str | None, series: MeetingSeries | None = None) -> Preview | None:
    """The first dates, how many there are and the chosen space's conflicts, or field errors on the form."""
    tz = (form.timezone.data or "").strip() or "Europe/Helsinki"
    config = current_app.config
    try:
        zone = scheduling.validate_timezone(tz)
        normalized = scheduling.normalize_rrule(
            rule, start_local=form.start_local(), tz=zone.key,
            max_occurrences=config["RECURRENCE_MAX_OCCURRENCES"],
            horizon=timedelta(days=config["RECURRENCE_HORIZON_DAYS"]))
        text = scheduling.describe(normalized, form.start_local(), current_language(), tz=zone.key)
        return build_preview(form.start_local(), zone.key, normalized, now=_now(), description=text,
                             skip_holidays=form.skip_holidays.data,
                             duration=timedelta(minutes=form.duration_minutes.data or 0),
                             max_count=config["RECURRENCE_MAX_OCCURRENCES"],
                             horizon_days=config["MEETINGS_MATERIALISE_DAYS"], space=chosen_space(form),
                             series=series)
    except scheduling.RecurrenceError as exc:
        _place_errors(form, DomainError(services.recurrence_message(exc), field=exc.field))
        return None


def _dates_heading(shown: Preview) -> str:
    """"The first 5 of 6 dates:" — the count beside the list always matches it."""
    if shown.total is not None and shown.total > len(shown.dates):
        return _("The first %(shown)d of %(total)d dates:", shown=len(shown.dates), total=shown.total)
    if shown.total is None:
        return _("The next %(shown)d dates:", shown=len(shown.dates))
    return _("The only date:") if len(shown.dates) == 1 else _("All %(num)d dates:", num=len(shown.dates))


_PREVIEW_FIELDS = ("start_date", "start_time", "timezone", "freq", "interval", "byday", "monthly_mode", "nth",
                   "ends", "count", "until", "advanced_rrule")


@bp.post("/manage/preview")
@role_required("staff")
def preview():
    """JSON for the form's live preview (static/js/rrule-preview.js); the button works without it."""
    form = SeriesForm(**_form_choices())
    result: dict[str, Any] = {"description": None, "dates": [], "errors": {}}
    form.validate()
    result["errors"] = {name: [str(e) for e in getattr(form, name).errors] for name in _PREVIEW_FIELDS
                        if getattr(form, name).errors}
    if result["errors"]:
        return jsonify(result)
    try:
        rule = form.build_rule(current_app.config["RECURRENCE_MAX_OCCURRENCES"])
    except scheduling.RecurrenceError as exc:
        result["errors"][exc.field] = [services.recurrence_message(exc)]
        return jsonify(result)
    shown = _preview(form, rule)
    if shown is None:
        result["errors"] = {f.name: [str(e) for e in f.errors] for f in form if f.errors}
        return jsonify(result)
    result["description"] = shown.description
    result["heading"] = _dates_heading(shown) if shown.dates else _("No upcoming dates.")
    result["dates"] = [format_datetime(d, "full") for d in shown.dates]
    result["conflicts_heading"] = _("The space is already booked at these times")
    result["conflicts"] = [_("You asked for %(requested)s; booked %(booked)s",
                             requested=timespan(c.requested_start, c.requested_end), booked=timespan(c.start, c.end))
                           for c in shown.conflicts]
    return jsonify(result)


@bp.route("/manage/new", methods=["GET", "POST"])
@role_required("staff")
@writes  # the form creates the default themes on first use (_form_choices)
def create():
    return _series_form(None)


@bp.route("/manage/<int:series_id>/edit", methods=["GET", "POST"])
@role_required("staff")
@writes  # see create()
def edit(series_id: int):
    series = db.get_or_404(MeetingSeries, series_id)
    return _series_form(series)


@bp.get("/manage/<int:series_id>")
@role_required("staff")
def manage_detail(series_id: int):
    series = db.get_or_404(MeetingSeries, series_id)
    show_past = request.args.get("past") == "1"
    rows = services.staff_occurrences(series, now=_now(), past=show_past)
    unbooked = space_status.unbooked_reasons(series, _now())  # {occurrence id: why the space is not booked}
    return render_template("meetings/manage_detail.html", series=series, rows=rows, show_past=show_past,
                           status_form=StatusForm(), unbooked=unbooked)


@bp.post("/manage/occurrences/<int:occurrence_id>/book-space")
@role_required("staff")
def book_space(occurrence_id: int):
    """Book the series' space again for a date that lost its booking."""
    occurrence = db.get_or_404(MeetingOccurrence, occurrence_id)
    form = StatusForm()  # CSRF only
    form.validate()
    if form.errors.get("csrf_token"):
        abort(400)
    result = act(lambda: space_status.book_again(occurrence, current_user, _now()))
    if result.ok and result.value is not None:
        flash(_("The space is booked for the date again."), "success")
    return redirect(url_for("meetings.manage_detail", series_id=occurrence.series_id))


@bp.post("/manage/<int:series_id>/status")
@role_required("staff")
def set_status(series_id: int):
    series = db.get_or_404(MeetingSeries, series_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    if form.status.data == SeriesStatus.CANCELLED and not confirmed():
        from app.meetings.confirmations import cancel_series

        return confirm_page(cancel_series(series, _now()))
    if act(lambda: services.set_series_status(series, form.status.data, actor=current_user, now=_now())).ok:
        flash({SeriesStatus.DRAFT: _("The series is now a draft and hidden from the public."),
               SeriesStatus.PUBLISHED: _("The series is published."),
               SeriesStatus.CANCELLED: _("The series was cancelled.")}[form.status.data], "success")
    return redirect(url_for("meetings.manage_detail", series_id=series.id))


# --- staff: one occurrence ----------------------------------------------------------------------
@bp.route("/manage/occurrences/<int:occurrence_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel_occurrence(occurrence_id: int):
    occurrence = db.get_or_404(MeetingOccurrence, occurrence_id)
    form = CancelOccurrenceForm()
    if form.validate_on_submit():
        # Only the reason is a field of this form; other refusals (already cancelled, past) go on top.
        result = act(lambda: services.cancel_occurrence(occurrence, reason=form.reason.data, actor=current_user,
                                                        now=_now()), form=form, field_map={"status": "__top__"})
        if result.ok:
            flash(_("The meeting was cancelled and the registrants were informed."), "success")
            return redirect(url_for("meetings.manage_detail", series_id=occurrence.series_id))
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/occurrence_cancel.html", form=form, occurrence=occurrence), status


@bp.route("/manage/occurrences/<int:occurrence_id>/move", methods=["GET", "POST"])
@role_required("staff")
def move_occurrence(occurrence_id: int):
    occurrence = db.get_or_404(MeetingOccurrence, occurrence_id)
    zone = scheduling.validate_timezone(occurrence.series.timezone)
    form = MoveOccurrenceForm()
    conflicts: list[Any] = []
    if request.method == "GET":
        form.start.data = occurrence.starts_at.astimezone(zone).replace(tzinfo=None)
        form.end.data = occurrence.ends_at.astimezone(zone).replace(tzinfo=None)
    if form.validate_on_submit():
        result = act(lambda: services.move_occurrence(
            occurrence, starts_at=scheduling.localize(form.start.data, zone),
            ends_at=scheduling.localize(form.end.data, zone), actor=current_user, now=_now()), form=form)
        if result.ok:
            flash(_("The meeting was moved and the registrants were informed."), "success")
            return redirect(url_for("meetings.manage_detail", series_id=occurrence.series_id))
        conflicts = getattr(result.error, "conflicts", [])
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/occurrence_move.html", form=form, occurrence=occurrence,
                           conflicts=conflicts), status


# --- staff: themes ------------------------------------------------------------------------------
@bp.route("/manage/themes", methods=["GET", "POST"])
@role_required("staff")
@writes  # creates the default themes on first use
def themes():
    if request.method == "GET":
        act(services.ensure_default_themes)
    form = ThemeForm(prefix="new")
    if form.validate_on_submit():
        result = act(lambda: services.create_theme(form.data, actor=current_user), form=form)
        if result.ok:
            flash(_("The theme %(name)s was added.", name=result.value.name_fi), "success")
            return redirect(url_for("meetings.themes"))
    rows = [(theme, ThemeForm(prefix=f"t{theme.id}", obj=theme)) for theme in services.list_themes()]
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/themes.html", form=form, rows=rows), status


@bp.post("/manage/themes/<int:theme_id>")
@role_required("staff")
def update_theme(theme_id: int):
    theme = db.get_or_404(MeetingTheme, theme_id)
    action = request.form.get("action", "rename")
    form = ThemeForm(prefix=f"t{theme.id}")
    if action == "rename":
        if not form.validate():
            flash(" ".join(_form_messages(form)), "error")
            return redirect(url_for("meetings.themes"))
        call, message = (lambda: services.update_theme(theme, form.data, actor=current_user)), \
            _("The theme was renamed.")
    elif action in ("up", "down"):
        call, message = (lambda: services.move_theme(theme, -1 if action == "up" else 1, actor=current_user)), \
            _("The order was changed.")
    elif action in ("activate", "deactivate"):
        call = lambda: services.set_theme_active(theme, action == "activate", actor=current_user)  # noqa: E731
        message = _("The theme is in use again.") if action == "activate" else _("The theme is no longer offered.")
    else:
        abort(400)
    if act(call, form=form).ok:
        flash(message, "success")
    else:
        flash(" ".join(_form_messages(form)), "error")
    return redirect(url_for("meetings.themes"))


def _form_messages(form: ThemeForm) -> list[str]:
    """The field errors of a form, else its general ones (for a flash after a redirect)."""
    return [str(m) for field in form for m in field.errors] or [str(m) for m in getattr(form, "form_errors", [])]
