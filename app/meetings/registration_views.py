"""Registration pages: the occurrence page with its form, the personal manage link, "My
registrations", and the staff participant list (attendance, exports, message to registrants)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.actions import act
from app.core.auth import role_required
from app.core.dates import format_date, format_datetime, format_time
from app.core.i18n import current_language
from app.core.types import utcnow
from app.errors import NotFound
from app.extensions import db, limiter
from app.meetings.registration_privacy import register_or_remind
from app.meetings.visibility import visible_occurrence_or_404
from app.meetings import registrations as services
from app.meetings.models import MeetingOccurrence
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus
from app.meetings.registration_forms import CancelForm, MessageForm, QuickRegistrationForm, RegistrationForm
from app.meetings.tokens import registration_from_token, registration_token

bp = Blueprint("registrations", __name__)


@bp.context_processor
def _helpers():
    def when(occurrence: MeetingOccurrence) -> str:
        """"Tuesday 6 October 2026, 17.00–19.00" in the page's language, Helsinki time."""
        return _("%(date)s, %(start)s–%(end)s", date=format_date(occurrence.starts_at, "full"),
                 start=format_time(occurrence.starts_at, "short"), end=format_time(occurrence.ends_at, "short"))

    def instant(value: datetime | None) -> str:
        return format_datetime(value, "short") if value else ""

    def someone_waiting(occurrence: MeetingOccurrence) -> bool:
        """Whether anybody is on the occurrence's waiting list (a freed seat goes to them)."""
        from sqlalchemy import select

        from app.meetings.models import Registration

        return db.session.scalar(select(Registration.id).where(
            Registration.occurrence_id == occurrence.id,
            Registration.status == RegistrationStatus.WAITLISTED).limit(1)) is not None

    return {"when": when, "instant": instant, "registration_token": registration_token,
            "status_label": RegistrationStatus.label_of, "someone_waiting": someone_waiting}


def _visible_occurrence(occurrence_id: int) -> MeetingOccurrence:
    """Published (or cancelled) series are public; drafts only for staff (app.meetings.visibility)."""
    try:
        return visible_occurrence_or_404(occurrence_id, current_user)
    except NotFound:
        abort(404)


def _privacy_url() -> str:
    return url_for("pages.privacy")


def _render_occurrence(occurrence: MeetingOccurrence, form, *, status: int = 200):
    now = utcnow()
    window = services.registration_window(occurrence, now)
    mine = services.user_registration_for(occurrence, current_user)
    participants = services.public_participants(occurrence) if current_user.is_authenticated else None
    return render_template("registrations/occurrence.html", occurrence=occurrence, series=occurrence.series,
                           window=window, form=form, mine=mine, participants=participants,
                           quick=current_user.is_authenticated), status


def _make_form(occurrence: MeetingOccurrence):
    max_seats = occurrence.series.max_seats_per_registration
    if current_user.is_authenticated:
        return QuickRegistrationForm(max_seats=max_seats)
    return RegistrationForm(max_seats=max_seats, privacy_url=_privacy_url())


@bp.route("/meetings/occurrences/<int:occurrence_id>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], exempt_when=lambda: current_user.is_authenticated)
def occurrence(occurrence_id: int):
    """The occurrence page: details, free seats, registration status and the form."""
    occurrence = _visible_occurrence(occurrence_id)
    form = _make_form(occurrence)
    if request.method == "POST":
        if form.validate_on_submit():
            if current_user.is_authenticated:
                raw = services.data_from_user(current_user, seats=form.seats.data, locale=current_language(),
                                              show_on_participant_list=form.show_on_participant_list.data)
                raw["needs"] = form.needs.data
            else:
                raw = dict(form.data, locale=current_language())
            actor = current_user if current_user.is_authenticated else None
            result = act(lambda: register_or_remind(occurrence, raw, actor=actor), form=form)
            if result.ok:
                registration = result.value
                if actor is None or registration is None:
                    # Same answer whether the address was new or not (registration_privacy).
                    return redirect(url_for("registrations.received", occurrence_id=occurrence_id))
                if registration.status == RegistrationStatus.CONFIRMED:
                    flash(_("You are registered. A confirmation was sent to %(email)s.",
                            email=registration.email), "success")
                else:
                    flash(_("The meeting is full, so you are on the waiting list. We will email %(email)s "
                            "if a seat becomes free.", email=registration.email), "info")
                return redirect(url_for("registrations.manage", token=registration_token(registration)))
            occurrence = _visible_occurrence(occurrence_id)
        return _render_occurrence(occurrence, form, status=400)
    return _render_occurrence(occurrence, form)


@bp.get("/meetings/occurrences/<int:occurrence_id>/received")
def received(occurrence_id: int):
    """After the public form: "check your email", the same whether the address was new or not."""
    occurrence = _visible_occurrence(occurrence_id)
    return render_template("registrations/received.html", occurrence=occurrence, series=occurrence.series)


# --- personal manage link --------------------------------------------------------------------

@bp.get("/registrations/manage/<token>")
def manage(token: str):
    """What the person registered, with links to cancel and to their data."""
    registration = registration_from_token(token)
    if registration is None:
        return render_template("registrations/invalid_link.html"), 404
    position = services.waitlist_position(registration)
    occurrence = registration.occurrence
    cancellable = (registration.status != RegistrationStatus.CANCELLED and occurrence.status == OccurrenceStatus.SCHEDULED
                   and occurrence.starts_at > utcnow())
    return render_template("registrations/manage.html", registration=registration, token=token,
                           occurrence=occurrence, series=occurrence.series, position=position,
                           cancellable=cancellable)


@bp.route("/registrations/manage/<token>/cancel", methods=["GET", "POST"])
def manage_cancel(token: str):
    """Confirmation step, then the cancellation (frees the seats and promotes the waiting list)."""
    registration = registration_from_token(token)
    if registration is None:
        return render_template("registrations/invalid_link.html"), 404
    form = CancelForm()
    if registration.status == RegistrationStatus.CANCELLED:
        flash(_("This registration is already cancelled."), "info")
        return redirect(url_for("registrations.manage", token=token))
    if form.validate_on_submit():
        if act(lambda: services.cancel_registration(registration, actor=None, by_token=True)).ok:
            flash(_("Your registration was cancelled. A confirmation was sent by email."), "success")
        return redirect(url_for("registrations.manage", token=token))
    return render_template("registrations/cancel.html", registration=registration,
                           occurrence=registration.occurrence, series=registration.occurrence.series,
                           form=form, action=url_for("registrations.manage_cancel", token=token),
                           back=url_for("registrations.manage", token=token))


# --- logged-in users -------------------------------------------------------------------------

@bp.get("/registrations/mine")
@login_required
def mine():
    """The user's upcoming and past registrations."""
    now = utcnow()
    upcoming, past = services.user_registrations(current_user, now=now)
    return render_template("registrations/mine.html", upcoming=upcoming, past=past, now=now)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(registration_id: int):
    """A logged-in registrant or staff cancels (confirmation step first)."""
    try:
        registration = services.get_registration(registration_id)
    except NotFound:
        abort(404)
    if not services.can_cancel(registration, current_user):
        abort(403)
    staff_view = current_user.is_staff and request.args.get("from") == "participants"
    back = (url_for("registrations.participants", occurrence_id=registration.occurrence_id) if staff_view
            else url_for("registrations.mine"))
    if registration.status == RegistrationStatus.CANCELLED:
        flash(_("This registration is already cancelled."), "info")
        return redirect(back)
    form = CancelForm()
    if form.validate_on_submit():
        result = act(lambda: services.cancel_registration(registration, actor=current_user))
        if result.ok:
            flash(_("The registration was cancelled."), "success")
            if result.value and current_user.is_staff:
                flash(_("%(n)d registrations moved from the waiting list to confirmed.", n=len(result.value)),
                      "info")
        return redirect(back)
    return render_template("registrations/cancel.html", registration=registration,
                           occurrence=registration.occurrence, series=registration.occurrence.series, form=form,
                           action=request.full_path, back=back)


# --- staff -----------------------------------------------------------------------------------

@bp.get("/meetings/occurrences/<int:occurrence_id>/participants")
@role_required("staff")
def participants(occurrence_id: int):
    """Confirmed and waiting registrations with their needs, opt-in and attendance."""
    occurrence = _visible_occurrence(occurrence_id)
    rows = services.occurrence_registrations(occurrence)
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    return render_template("registrations/participants.html", occurrence=occurrence, series=occurrence.series,
                           confirmed=confirmed, waiting=waiting, form=CancelForm(),
                           waiting_seats=sum(r.seats for r in waiting),
                           attendance_open=services.attendance_open(occurrence, utcnow()))


@bp.post("/meetings/occurrences/<int:occurrence_id>/attendance")
@role_required("staff")
def attendance(occurrence_id: int):
    """Save present / no-show marks of the whole list at once."""
    occurrence = _visible_occurrence(occurrence_id)
    form = CancelForm()  # CSRF only
    if not form.validate_on_submit():
        abort(400)
    marks: dict[int, str | None] = {}
    for key, value in request.form.items():
        if key.startswith("attendance-"):
            try:
                registration_id = int(key.removeprefix("attendance-"))
            except ValueError:
                abort(400)
            marks[registration_id] = value or None
    result = act(lambda: services.set_attendance(occurrence, marks, actor=current_user))
    if result.ok:
        flash(_("Attendance saved (%(n)d changed).", n=result.value), "success")
    return redirect(url_for("registrations.participants", occurrence_id=occurrence_id))


def _export_name(occurrence: MeetingOccurrence, extension: str) -> str:
    return f"participants-{occurrence.id}-{occurrence.starts_at.strftime('%Y%m%d')}.{extension}"


@bp.get("/meetings/occurrences/<int:occurrence_id>/participants.csv")
@role_required("staff")
def export_csv(occurrence_id: int):
    occurrence = _visible_occurrence(occurrence_id)
    response = Response(services.export_csv(occurrence), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_name(occurrence, "csv")}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/meetings/occurrences/<int:occurrence_id>/participants.xlsx")
@role_required("staff")
def export_xlsx(occurrence_id: int):
    occurrence = _visible_occurrence(occurrence_id)
    response = Response(services.export_xlsx(occurrence),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_name(occurrence, "xlsx")}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/meetings/occurrences/<int:occurrence_id>/message", methods=["GET", "POST"])
@role_required("staff")
def message(occurrence_id: int):
    """Email everyone registered for the occurrence."""
    occurrence = _visible_occurrence(occurrence_id)
    form = MessageForm()
    if form.validate_on_submit():
        result = act(lambda: services.message_registrants(occurrence, form.subject.data, form.body.data,
                                                          actor=current_user,
                                                          include_waitlist=form.include_waitlist.data), form=form)
        if result.ok:
            flash(_("The message was queued for %(n)d recipients.", n=result.value), "success")
            return redirect(url_for("registrations.participants", occurrence_id=occurrence_id))
    status = 400 if form.is_submitted() else 200
    return render_template("registrations/message.html", occurrence=occurrence, series=occurrence.series,
                           form=form), status
