"""Staff pages of a space's bookings: the list, booking (once or recurring), moving, cancelling."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.actions import act
from app.core.auth import role_required
from app.core.confirm import confirm_page, confirmed
from app.core.dates import timespan
from app.core.types import utcnow
from app.extensions import db
from app import scheduling
from app.core.rule_errors import to_validation_error
from app.spaces import confirmations, services
from app.spaces.forms import BookingForm, CancelForm, MoveForm
from app.spaces.models import Booking, BookingRequest
from app.spaces.ownership import owner_of, owners_of
from app.spaces.statuses import BookingStatus
from app.spaces.views.common import bp, dry_run, interval_from_form, prefill_time, space_or_404

_REPEAT_FIELDS = {"freq": "repeat", "byday": "repeat", "monthly_mode": "repeat", "nth": "repeat"}


def _listing_query(space_id: int, show: str, now):
    """The bookings of one tab (upcoming, past, cancelled) in the order people read them."""
    query = select(Booking).where(Booking.space_id == space_id).options(selectinload(Booking.created_by),
                                                                        selectinload(Booking.organization))
    if show == "past":
        return query.where(Booking.ends_at <= now).order_by(Booking.block_starts_at.desc(), Booking.id.desc())
    if show == "cancelled":
        return query.where(Booking.status == BookingStatus.CANCELLED).order_by(Booking.block_starts_at.desc(),
                                                                              Booking.id)
    return query.where(Booking.ends_at > now, Booking.status != BookingStatus.CANCELLED).order_by(
        Booking.block_starts_at, Booking.id)


@bp.get("/<int:space_id>/bookings")
@role_required("staff")
def bookings(space_id: int):
    space = space_or_404(space_id)
    show = request.args.get("show", "upcoming")
    if show not in ("past", "cancelled"):
        show = "upcoming"
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(_listing_query(space.id, show, utcnow()), page=page,
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    ids = [b.id for b in pagination.items]
    # Who a booking is for: a meeting date, or the NGO whose request it came from (not the approver).
    requests = {r.booking_id: r for r in db.session.scalars(
        select(BookingRequest).options(selectinload(BookingRequest.requester))
        .where(BookingRequest.booking_id.in_(ids)))} if ids else {}
    return render_template("spaces/bookings.html", space=space, pagination=pagination, show=show,
                           owners=owners_of(ids), requests=requests)


def _recurrence_fields(form: BookingForm) -> str | None:
    """The RRULE from the repeat fields (or None)."""
    try:
        return scheduling.build_rrule(form.repeat.data or None, interval=form.interval.data or 1,
                                      count=form.count.data, until=form.until.data,
                                      max_count=current_app.config["RECURRENCE_MAX_OCCURRENCES"])
    except scheduling.RecurrenceError as exc:
        raise to_validation_error(exc, _REPEAT_FIELDS) from None


def _book(space, form: BookingForm) -> services.RecurringResult:
    start, end = interval_from_form(form, space.timezone)
    options = services.BookingOptions(override_reason=form.override_reason.data, headcount=form.headcount.data,
                                      purpose=form.purpose.data, organization_id=form.organization_id.data or None)
    return services.create_recurring_booking(space, start, end, form.title.data, current_user, utcnow(),
                                             rrule=_recurrence_fields(form), skip_conflicts=form.skip_conflicts.data,
                                             options=options)


def _preview(result: services.RecurringResult) -> dict:
    return {"bookings": [(b.starts_at, b.ends_at) for b in result.bookings],
            "skipped": [(s.start, s.end, s.reason) for s in result.skipped]}


def _flash_booked(result: services.RecurringResult) -> None:
    if result.skipped:
        flash(_("%(n)d bookings were made; %(m)d dates were skipped: %(dates)s.", n=len(result.bookings),
                m=len(result.skipped), dates=", ".join(timespan(s.start, s.end) for s in result.skipped)),
              "warning")
    else:
        flash(_("%(n)d bookings were made.", n=len(result.bookings)) if len(result.bookings) > 1
              else _("The booking was made."), "success")


@bp.route("/<int:space_id>/bookings/new", methods=["GET", "POST"])
@role_required("staff")
def new_booking(space_id: int):
    space = space_or_404(space_id)
    form = BookingForm()
    if request.method == "GET":
        prefill_time(form, bounded_day=True)
    conflicts: list[services.ConflictItem] = []
    preview = None
    status = 200
    if form.validate_on_submit():
        if request.form.get("action") == "check":
            # Nothing is saved on a check: the same rules run in a savepoint that is undone.
            result = act(lambda: dry_run(lambda: _preview(_book(space, form))), form=form)
            preview = result.value
        else:
            result = act(lambda: _book(space, form), form=form)
            if result.ok:
                _flash_booked(result.value)
                return redirect(url_for("spaces.bookings", space_id=space.id))
        conflicts, status = getattr(result.error, "conflicts", []), result.status
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
    if request.method == "GET":
        zone = ZoneInfo(space.timezone)
        form.date.data = booking.starts_at.astimezone(zone).date()
        form.start_time.data = booking.starts_at.astimezone(zone).time()
        form.end_time.data = booking.ends_at.astimezone(zone).time()
    conflicts: list[services.ConflictItem] = []
    status = 200
    if form.validate_on_submit():
        def move():
            start, end = interval_from_form(form, space.timezone)
            return services.move_booking(booking, start, end, current_user, utcnow(),
                                         override_reason=form.override_reason.data)

        result = act(move, form=form)
        if result.ok:
            flash(_("The booking was moved."), "success")
            return redirect(url_for("spaces.bookings", space_id=space.id))
        conflicts, status = getattr(result.error, "conflicts", []), result.status
    elif form.is_submitted():
        status = 400
    return render_template("spaces/move.html", space=space, booking=db.session.get(Booking, booking_id), form=form,
                           conflicts=conflicts), status


def _cancel(booking: Booking, form: CancelForm) -> int:
    """Cancel the booking (and with "series" its later dates); how many were cancelled."""
    now = utcnow()
    services.cancel_booking(booking, current_user, now, reason=form.reason.data)
    count = 1
    if form.scope.data == "series" and booking.group_id:
        count += len(services.cancel_booking_group(booking.group_id, current_user, now,
                                                   from_start=booking.starts_at, reason=form.reason.data))
    return count


@bp.route("/<int:space_id>/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel_booking(space_id: int, booking_id: int):
    """A confirmation page first (what is cancelled; a meeting's booking is refused and pointed to
    the meeting); the cancellation on the confirming POST."""
    booking = _booking_of(space_id, booking_id)
    form = CancelForm()
    owner = owner_of(booking)
    if booking.status == BookingStatus.CANCELLED:
        flash(_("The booking is already cancelled."), "info")
        return redirect(url_for("spaces.bookings", space_id=space_id))
    if owner is not None or not confirmed() or not form.validate():
        return confirm_page(confirmations.cancel_booking(booking, form, owner),
                            409 if owner is not None and request.method == "POST" else 200)
    result = act(lambda: _cancel(booking, form))
    if result.ok:
        flash(_("%(n)d bookings were cancelled.", n=result.value) if result.value > 1
              else _("The booking was cancelled."), "success")
    return redirect(url_for("spaces.bookings", space_id=space_id))
