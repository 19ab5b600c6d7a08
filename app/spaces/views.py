"""Resident-space pages: public list, detail with an accessible week view and a finder; staff forms,
bookings and the request queue; NGO booking requests. Thin: form → service → commit → redirect."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core.dates import parse_day
from app.core.auth import role_required
from app.core.confirm import confirm_page, confirmed
from app.core.dates import format_clock, format_date, timespan
from app.core.districts import DISTRICTS, district_choices
from app.core.forms import populate_errors
from app.core.rule_errors import to_validation_error
from app.core.types import utcnow
from app.errors import DomainError
from app.extensions import db
from app import scheduling as recurrence
from app.spaces import buffer, confirmations, request_actions, services
from app.spaces.ownership import owner_of, owners_of
from app.spaces.forms import (ApproveForm, BookingForm, CancelForm, DeclineForm, ExceptionForm, FinderForm, MoveForm,
                              RequestForm, SpaceForm)
from app.spaces.models import Booking, BookingRequest, Space, SpaceException

bp = Blueprint("spaces", __name__, url_prefix="/spaces")
requests_bp = Blueprint("booking_requests", __name__, url_prefix="/booking-requests")


# --- template helpers -------------------------------------------------------------------------

bp.add_app_template_filter(timespan, "timespan")


def display_hours(ranges) -> str:
    """Opening hours as people read them: ``8.00–12.00, 13.00–20.00`` (the form keeps 08:00)."""
    return ", ".join(f"{format_clock(a)}–{format_clock(b)}" for a, b in (ranges or []))


@bp.app_context_processor
def space_helpers() -> dict[str, Any]:
    return {"ACCESSIBILITY_FACTS": services.ACCESSIBILITY_FACTS, "EQUIPMENT": services.EQUIPMENT,
            "format_hours": display_hours, "request_status_label": services.request_status_label,
            "buffer_hint": buffer.buffer_hint, "explain_conflict": buffer.explain_conflict}


def _space_or_404(space_id: int) -> Space:
    return db.get_or_404(Space, space_id)


def _combine(day: date, clock: time, tz: str) -> datetime:
    return recurrence.localize(datetime.combine(day, clock), tz)


def _interval_from_form(form, tz: str) -> tuple[datetime, datetime]:
    """The form's date + start and end times; an end of 00:00 is midnight at the end of the day."""
    start = _combine(form.date.data, form.start_time.data, tz)
    end_day = form.date.data + timedelta(days=1) if form.end_time.data == time(0, 0) else form.date.data
    return start, _combine(end_day, form.end_time.data, tz)


def _is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff


def _refused(form, exc: DomainError) -> tuple[list[services.ConflictItem], int]:
    """Undo a refused booking write and show why on the form: (conflicting bookings, status)."""
    db.session.rollback()
    if isinstance(exc, services.BookingConflict):
        form.form_errors.append(str(exc.message))
        return exc.conflicts, 409
    populate_errors(form, exc)
    return [], 400


# --- public: list, detail, finder -------------------------------------------------------------

@bp.get("/")
def index():
    district = request.args.get("district") or None
    if district not in DISTRICTS:
        district = None
    facts = [f for f in request.args.getlist("accessibility") if f in services.ACCESSIBILITY_FACTS]
    spaces = services.list_spaces(district=district, accessibility=facts)
    return render_template("spaces/index.html", spaces=spaces, district=district, facts=facts,
                           filtered=bool(district or facts), district_choices=district_choices(_lang()))


@bp.get("/<int:space_id>")
def detail(space_id: int):
    space = _space_or_404(space_id)
    zone = ZoneInfo(space.timezone)
    today = utcnow().astimezone(zone).date()
    week_arg = request.args.get("week")
    day = parse_day(week_arg) or today  # a malformed or far-off week shows this week
    # Seven days from today (or from the day asked), never days that are over.
    view = services.week_view(space, max(day, today), now=utcnow(), exact=True)
    exceptions = db.session.scalars(select(SpaceException).where(
        SpaceException.space_id == space.id, SpaceException.day >= today).order_by(SpaceException.day).limit(20)).all()
    # Upcoming days that differ from the weekly hours: exception days and (when closed) holidays.
    special: list[tuple[date, Any, str | None]] = [(e.day, e, e.note) for e in exceptions]
    if space.closed_on_holidays:
        taken = {e.day for e in exceptions}
        special += [(d, None, recurrence.holiday_name(d, _lang())) for d in
                    (today + timedelta(days=i) for i in range(120)) if recurrence.is_holiday(d) and d not in taken]
    special.sort(key=lambda item: item[0])
    return render_template("spaces/detail.html", space=space, view=view, special_days=special[:12],
                           staff=_is_staff(), today=today)


def _lang() -> str:
    from app.core.i18n import current_language

    return current_language()


@bp.get("/find")
def find():
    form = FinderForm(request.args)
    results = None
    searched = bool(request.args)
    status = 200
    if searched and form.validate():
        try:
            start, end = _interval_from_form(form, "Europe/Helsinki")
            results = services.find_free_spaces(form.capacity.data, form.district.data or None, start, end,
                                                accessibility=form.accessibility.data or [])
        except DomainError as exc:
            populate_errors(form, exc)
            status = 400
    elif searched:
        status = 400
    return render_template("spaces/find.html", form=form, results=results, searched=searched,
                           staff=_is_staff()), status


# --- staff: spaces ----------------------------------------------------------------------------

def _space_raw(form: SpaceForm) -> dict[str, Any]:
    """Form → the service's input dict; opening-hour text per weekday parsed here (format only)."""
    raw: dict[str, Any] = {key: form[key].data for key in (
        "name", "address", "district", "capacity", "description_fi", "description_sv", "description_en",
        "buffer_minutes", "min_duration_minutes", "max_duration_minutes", "booking_horizon_days", "manager_id",
        "latitude", "longitude")}
    raw["closed_on_holidays"] = bool(form.closed_on_holidays.data)
    accessibility: dict[str, Any] = {key: key in (form.accessibility.data or []) for key in services.ACCESSIBILITY_FACTS}
    if (form.accessibility_notes.data or "").strip():
        accessibility["notes"] = form.accessibility_notes.data.strip()
    raw["accessibility"] = accessibility
    raw["equipment"] = list(form.equipment.data or [])
    if form.always_open.data:
        raw["opening_hours"] = None
    else:
        hours: dict[str, list[list[str]]] = {}
        errors: dict[str, list[Any]] = {}
        for day, field in form.hour_fields():
            try:
                hours[day] = services.parse_hours_text(field.data)
            except ValueError as exc:
                errors[field.name] = [exc.args[0]]
        if errors:
            from app.errors import ValidationError

            raise ValidationError(_("Check the opening hours."), fields=errors)
        raw["opening_hours"] = hours
    return raw


def _fill_space_form(form: SpaceForm, space: Space) -> None:
    form.accessibility.data = [k for k, v in (space.accessibility or {}).items() if v is True]
    form.accessibility_notes.data = (space.accessibility or {}).get("notes") or ""
    form.equipment.data = list(space.equipment or [])
    form.always_open.data = space.opening_hours is None
    for day, field in form.hour_fields():
        field.data = display_hours((space.opening_hours or {}).get(day, []))
    form.manager_id.data = space.manager_id
    form.latitude.data = "" if space.latitude is None else str(space.latitude)
    form.longitude.data = "" if space.longitude is None else str(space.longitude)


@bp.route("/new", methods=["GET", "POST"])
@role_required("staff")
def create():
    form = SpaceForm()
    if request.method == "GET":
        for day, field in form.hour_fields():
            field.data = "" if day in ("sat", "sun") else "08:00–20:00"
    if form.validate_on_submit():
        try:
            space = services.create_space(services.clean_space_data(_space_raw(form)), actor=current_user)
        except DomainError as exc:
            populate_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The space %(name)s was added.", name=space.name), "success")
            return redirect(url_for("spaces.detail", space_id=space.id))
    return render_template("spaces/form.html", form=form, space=None), 400 if form.is_submitted() else 200


@bp.route("/<int:space_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(space_id: int):
    space = _space_or_404(space_id)
    form = SpaceForm(obj=space)
    if request.method == "GET":
        _fill_space_form(form, space)
    if form.validate_on_submit():
        try:
            services.update_space(space, services.clean_space_data(_space_raw(form)), actor=current_user)
        except DomainError as exc:
            populate_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return redirect(url_for("spaces.detail", space_id=space.id))
    exceptions = db.session.scalars(select(SpaceException).where(SpaceException.space_id == space.id)
                                    .order_by(SpaceException.day.desc()).limit(50)).all()
    return render_template("spaces/form.html", form=form, space=space, exception_form=ExceptionForm(),
                           exceptions=exceptions), 400 if form.is_submitted() else 200


@bp.route("/<int:space_id>/exceptions", methods=["GET", "POST"])
@role_required("staff")
def exceptions(space_id: int):
    space = _space_or_404(space_id)
    form = ExceptionForm()
    if form.validate_on_submit():
        try:
            hours = services.parse_hours_text(form.hours.data) if form.kind.data == "hours" else []
            if form.kind.data == "hours" and not hours:
                raise ValueError(_("Give the hours for that day, or choose closed."))
        except ValueError as exc:
            form.hours.errors = list(form.hours.errors) + [exc.args[0]]
        else:
            try:
                services.set_space_exception(space, form.day.data, hours, actor=current_user, note=form.note.data)
            except DomainError as exc:
                populate_errors(form, exc)
            else:
                db.session.commit()
                flash(_("The exception day %(day)s was saved.", day=format_date(form.day.data)), "success")
                return redirect(url_for("spaces.exceptions", space_id=space.id))
    rows = db.session.scalars(select(SpaceException).where(SpaceException.space_id == space.id)
                              .order_by(SpaceException.day.desc()).limit(100)).all()
    status = 400 if form.is_submitted() else 200
    return render_template("spaces/exceptions.html", space=space, form=form, exceptions=rows), status


@bp.route("/<int:space_id>/exceptions/<int:exception_id>/delete", methods=["GET", "POST"])
@role_required("staff")
def delete_exception(space_id: int, exception_id: int):
    row = db.get_or_404(SpaceException, exception_id)
    if row.space_id != space_id:
        abort(404)
    if not confirmed():
        return confirm_page(confirmations.delete_exception(row))
    services.delete_space_exception(row, actor=current_user)
    db.session.commit()
    flash(_("The exception day was removed."), "success")
    return redirect(url_for("spaces.exceptions", space_id=space_id))


# --- staff: bookings --------------------------------------------------------------------------

@bp.get("/<int:space_id>/bookings")
@role_required("staff")
def bookings(space_id: int):
    space = _space_or_404(space_id)
    show = request.args.get("show", "upcoming")
    now = utcnow()
    query = select(Booking).where(Booking.space_id == space.id).options(selectinload(Booking.created_by),
                                                                        selectinload(Booking.organization))
    if show == "past":
        query = query.where(Booking.ends_at <= now).order_by(Booking.block_starts_at.desc(), Booking.id.desc())
    elif show == "cancelled":
        query = query.where(Booking.status == "cancelled").order_by(Booking.block_starts_at.desc(), Booking.id)
    else:
        show = "upcoming"
        query = query.where(Booking.ends_at > now, Booking.status != "cancelled").order_by(
            Booking.block_starts_at, Booking.id)
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(query, page=page, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    ids = [b.id for b in pagination.items]
    # Who a booking is for: a meeting date, or the NGO whose request it came from (not the approver).
    requests = {r.booking_id: r for r in db.session.scalars(
        select(BookingRequest).options(selectinload(BookingRequest.requester))
        .where(BookingRequest.booking_id.in_(ids)))} if ids else {}
    return render_template("spaces/bookings.html", space=space, pagination=pagination, show=show,
                           owners=owners_of(ids), requests=requests)


def _prefill_time(form) -> None:
    """``?date=2026-12-08&start=12:30&end=14:00`` fills the form (links from the week view and a
    suggested time)."""
    try:
        form.date.data = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        pass
    for name in ("start", "end"):
        try:
            getattr(form, f"{name}_time").data = time.fromisoformat(request.args.get(name, ""))
        except ValueError:
            pass


def _recurrence_fields(form: BookingForm) -> str | None:
    """The RRULE from the repeat fields (or None)."""
    try:
        return recurrence.build_rrule(form.repeat.data or None, interval=form.interval.data or 1,
                                      count=form.count.data, until=form.until.data,
                                      max_count=current_app.config["RECURRENCE_MAX_OCCURRENCES"])
    except recurrence.RecurrenceError as exc:
        raise to_validation_error(exc, {"freq": "repeat", "byday": "repeat", "monthly_mode": "repeat",
                                        "nth": "repeat"}) from None


@bp.route("/<int:space_id>/bookings/new", methods=["GET", "POST"])
@role_required("staff")
def new_booking(space_id: int):
    space = _space_or_404(space_id)
    form = BookingForm()
    if request.method == "GET":
        form.date.data = parse_day(request.args.get("date")) or form.date.data
        for name in ("start", "end"):
            try:
                getattr(form, f"{name}_time").data = time.fromisoformat(request.args.get(name, ""))
            except ValueError:
                pass
    conflicts: list[services.ConflictItem] = []
    preview = None
    status = 200
    if form.validate_on_submit():
        checking = request.form.get("action") == "check"
        try:
            start, end = _interval_from_form(form, space.timezone)
            rrule = _recurrence_fields(form)
            result = services.create_recurring_booking(
                space, start, end, form.title.data, current_user, utcnow(), rrule=rrule,
                skip_conflicts=form.skip_conflicts.data, override_reason=form.override_reason.data,
                headcount=form.headcount.data, purpose=form.purpose.data,
                organization_id=form.organization_id.data or None)
        except DomainError as exc:
            conflicts, status = _refused(form, exc)
        else:
            if checking:
                # Nothing is saved on a check: the same rules ran, now undo.
                preview = {"bookings": [(b.starts_at, b.ends_at) for b in result.bookings],
                           "skipped": [(s.start, s.end, s.reason) for s in result.skipped]}
                db.session.rollback()
            else:
                db.session.commit()
                if result.skipped:
                    flash(_("%(n)d bookings were made; %(m)d dates were skipped: %(dates)s.", n=len(result.bookings),
                            m=len(result.skipped), dates=", ".join(timespan(s.start, s.end) for s in result.skipped)),
                          "warning")
                else:
                    flash(_("%(n)d bookings were made.", n=len(result.bookings)) if len(result.bookings) > 1
                          else _("The booking was made."), "success")
                return redirect(url_for("spaces.bookings", space_id=space.id))
    elif form.is_submitted():
        status = 400
    return render_template("spaces/booking_form.html", space=space, form=form, conflicts=conflicts,
                           preview=preview), status


def _booking_of(space_id: int, booking_id: int) -> Booking:
    booking = db.get_or_404(Booking, booking_id)
    if booking.space_id != space_id:
        abort(404)
    return booking


@bp.route("/<int:space_id>/bookings/<int:booking_id>/move", methods=["GET", "POST"])
@role_required("staff")
def move_booking(space_id: int, booking_id: int):
    booking = _booking_of(space_id, booking_id)
    space = booking.space
    owner = owner_of(booking)
    if owner is not None:  # a meeting's booking moves with the meeting date
        return confirm_page(confirmations.cancel_booking(booking, CancelForm(), owner),
                            409 if request.method == "POST" else 200)
    form = MoveForm()
    zone = ZoneInfo(space.timezone)
    if request.method == "GET":
        form.date.data = booking.starts_at.astimezone(zone).date()
        form.start_time.data = booking.starts_at.astimezone(zone).time()
        form.end_time.data = booking.ends_at.astimezone(zone).time()
    conflicts: list[services.ConflictItem] = []
    status = 200
    if form.validate_on_submit():
        try:
            start, end = _interval_from_form(form, space.timezone)
            services.move_booking(booking, start, end, current_user, utcnow(),
                                  override_reason=form.override_reason.data)
        except DomainError as exc:
            conflicts, status = _refused(form, exc)
        else:
            db.session.commit()
            flash(_("The booking was moved."), "success")
            return redirect(url_for("spaces.bookings", space_id=space.id))
    elif form.is_submitted():
        status = 400
    return render_template("spaces/move.html", space=space, booking=db.session.get(Booking, booking_id), form=form,
                           conflicts=conflicts), status


@bp.route("/<int:space_id>/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel_booking(space_id: int, booking_id: int):
    """A confirmation page first (what is cancelled; a meeting's booking is refused and pointed to
    the meeting); the cancellation on the confirming POST."""
    booking = _booking_of(space_id, booking_id)
    form = CancelForm()
    owner = owner_of(booking)
    if booking.status == "cancelled":
        flash(_("The booking is already cancelled."), "info")
        return redirect(url_for("spaces.bookings", space_id=space_id))
    if owner is not None or not confirmed() or not form.validate():
        return confirm_page(confirmations.cancel_booking(booking, form, owner),
                            409 if owner is not None and request.method == "POST" else 200)
    now = utcnow()
    services.cancel_booking(booking, current_user, now, reason=form.reason.data)
    count = 1
    if form.scope.data == "series" and booking.group_id:
        count += len(services.cancel_booking_group(booking.group_id, current_user, now,
                                                   from_start=booking.starts_at, reason=form.reason.data))
    db.session.commit()
    flash(_("%(n)d bookings were cancelled.", n=count) if count > 1 else _("The booking was cancelled."), "success")
    return redirect(url_for("spaces.bookings", space_id=space_id))


# --- NGO: booking requests --------------------------------------------------------------------

@bp.route("/<int:space_id>/request", methods=["GET", "POST"])
@login_required
def request_booking(space_id: int):
    space = _space_or_404(space_id)
    form = RequestForm()
    if request.method == "GET":
        _prefill_time(form)
    conflicts: list[services.ConflictItem] = []
    status = 200
    if form.validate_on_submit():
        try:
            start, end = _interval_from_form(form, space.timezone)
            services.create_booking_request(space, start, end, title=form.title.data, purpose=form.purpose.data,
                                            headcount=form.headcount.data, actor=current_user, now=utcnow())
        except DomainError as exc:
            conflicts, status = _refused(form, exc)
        else:
            db.session.commit()
            flash(_("Your request was sent. You will get an email when it has been handled."), "success")
            return redirect(url_for("booking_requests.mine"))
    elif form.is_submitted():
        status = 400
    return render_template("spaces/request_form.html", space=space, form=form, conflicts=conflicts), status


@requests_bp.get("/mine")
@login_required
def mine():
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(services.requests_query(requester_id=current_user.id), page=page,
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("booking_requests/mine.html", pagination=pagination, now=utcnow(),
                           can_cancel=request_actions.can_cancel_booking)


@requests_bp.route("/<int:request_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(request_id: int):
    req = db.get_or_404(BookingRequest, request_id)
    if req.requester_id != current_user.id and not current_user.is_admin:
        abort(403)
    if req.status == "pending" and not confirmed():
        return confirm_page(confirmations.withdraw_request(req))
    try:
        services.withdraw_booking_request(req, current_user, utcnow())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("The request was withdrawn."), "success")
    return redirect(url_for("booking_requests.mine"))


@requests_bp.route("/<int:request_id>/cancel-booking", methods=["GET", "POST"])
@login_required
def cancel_booking(request_id: int):
    """The NGO cancels the booking its approved request became (confirmation page first)."""
    req = db.get_or_404(BookingRequest, request_id)
    if req.requester_id != current_user.id and not current_user.is_admin:
        abort(403)
    if not request_actions.can_cancel_booking(req, current_user, utcnow()):
        flash(_("Only an approved booking that has not started can be cancelled."), "error")
        return redirect(url_for("booking_requests.mine"))
    if not confirmed():
        return confirm_page(confirmations.cancel_approved(req))
    request_actions.cancel_approved_booking(req, current_user, utcnow())
    db.session.commit()
    flash(_("Your booking was cancelled and the space freed."), "success")
    return redirect(url_for("booking_requests.mine"))


@requests_bp.get("/")
@role_required("staff")
def queue():
    status = request.args.get("status", "pending")
    if status not in ("pending", "approved", "declined", "withdrawn", "all"):
        status = "pending"
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(services.requests_query(status=None if status == "all" else status), page=page,
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    pending = db.session.scalar(select(func.count(BookingRequest.id)).where(BookingRequest.status == "pending"))
    return render_template("booking_requests/queue.html", pagination=pagination, status=status, pending=pending,
                           approve_form=ApproveForm())


@requests_bp.post("/<int:request_id>/approve")
@role_required("staff")
def approve(request_id: int):
    req = db.get_or_404(BookingRequest, request_id)
    form = ApproveForm()
    form.validate()
    try:
        services.approve_booking_request(req, current_user, utcnow(), override_reason=form.override_reason.data)
    except services.BookingConflict as exc:
        db.session.rollback()
        times = ", ".join(timespan(c.start, c.end) for c in exc.conflicts)
        notes = " ".join(filter(None, (buffer.explain_conflict(c, req.space) for c in exc.conflicts)))
        flash(_("Not approved: %(message)s Already booked: %(times)s.", message=str(exc.message), times=times)
              + (" " + notes if notes else ""), "error")
    except DomainError as exc:
        db.session.rollback()
        flash(_("Not approved: %(message)s", message=str(exc.message)), "error")
    else:
        db.session.commit()
        flash(_("The request was approved and the space booked."), "success")
    return redirect(url_for("booking_requests.queue"))


@requests_bp.route("/<int:request_id>/decline", methods=["GET", "POST"])
@role_required("staff")
def decline(request_id: int):
    req = db.get_or_404(BookingRequest, request_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            start = end = None
            if form.suggested_date.data or form.suggested_start.data or form.suggested_end.data:
                if not (form.suggested_date.data and form.suggested_start.data and form.suggested_end.data):
                    from app.errors import ValidationError

                    raise ValidationError(_("Give the suggested date with a start and an end time."),
                                          field="suggested_date")
                start = _combine(form.suggested_date.data, form.suggested_start.data, req.space.timezone)
                end = _combine(form.suggested_date.data, form.suggested_end.data, req.space.timezone)
            request_actions.decline_with_suggestion(req, current_user, utcnow(), reason=form.reason.data,
                                                    suggested_start=start, suggested_end=end)
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The request was declined and the requester informed."), "success")
            return redirect(url_for("booking_requests.queue"))
    return render_template("booking_requests/decline.html", req=req, form=form), 400 if form.is_submitted() else 200
