"""Booking requests: an NGO asks, follows and withdraws its requests; staff approve or decline."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.core.actions import act
from app.core.auth import role_required
from app.core.confirm import confirm_page, confirmed
from app.core.dates import timespan
from app.core.types import utcnow
from app.errors import ValidationError
from app.extensions import db
from app.spaces import buffer, confirmations, request_actions, services
from app.spaces.forms import ApproveForm, DeclineForm, RequestForm
from app.spaces.models import BookingRequest
from app.spaces.statuses import RequestStatus
from app.spaces.views.common import (bp, combine, interval_from_form, prefill_time, requests_bp, space_or_404)


@bp.route("/<int:space_id>/request", methods=["GET", "POST"])
@login_required
def request_booking(space_id: int):
    space = space_or_404(space_id)
    form = RequestForm()
    if request.method == "GET":
        prefill_time(form)
    conflicts: list[services.ConflictItem] = []
    status = 200
    if form.validate_on_submit():
        def ask():
            start, end = interval_from_form(form, space.timezone)
            return services.create_booking_request(space, start, end, title=form.title.data,
                                                   purpose=form.purpose.data, headcount=form.headcount.data,
                                                   actor=current_user, now=utcnow())

        result = act(ask, form=form)
        if result.ok:
            flash(_("Your request was sent. You will get an email when it has been handled."), "success")
            return redirect(url_for("booking_requests.mine"))
        conflicts, status = getattr(result.error, "conflicts", []), result.status
    elif form.is_submitted():
        status = 400
    return render_template("spaces/request_form.html", space=space, form=form, conflicts=conflicts), status


def _own_request_or_403(request_id: int) -> BookingRequest:
    req = db.get_or_404(BookingRequest, request_id)
    if req.requester_id != current_user.id and not current_user.is_admin:
        abort(403)
    return req


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
    req = _own_request_or_403(request_id)
    if req.status == RequestStatus.PENDING and not confirmed():
        return confirm_page(confirmations.withdraw_request(req))
    if act(lambda: services.withdraw_booking_request(req, current_user, utcnow())).ok:
        flash(_("The request was withdrawn."), "success")
    return redirect(url_for("booking_requests.mine"))


@requests_bp.route("/<int:request_id>/cancel-booking", methods=["GET", "POST"])
@login_required
def cancel_booking(request_id: int):
    """The NGO cancels the booking its approved request became (confirmation page first)."""
    req = _own_request_or_403(request_id)
    if not request_actions.can_cancel_booking(req, current_user, utcnow()):
        flash(_("Only an approved booking that has not started can be cancelled."), "error")
        return redirect(url_for("booking_requests.mine"))
    if not confirmed():
        return confirm_page(confirmations.cancel_approved(req))
    if act(lambda: request_actions.cancel_approved_booking(req, current_user, utcnow())).ok:
        flash(_("Your booking was cancelled and the space freed."), "success")
    return redirect(url_for("booking_requests.mine"))


_QUEUE_TABS = tuple(status.value for status in RequestStatus) + ("all",)


@requests_bp.get("/")
@role_required("staff")
def queue():
    status = request.args.get("status", RequestStatus.PENDING.value)
    if status not in _QUEUE_TABS:
        status = RequestStatus.PENDING.value
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(services.requests_query(status=None if status == "all" else status), page=page,
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    pending = db.session.scalar(select(func.count(BookingRequest.id)).where(
        BookingRequest.status == RequestStatus.PENDING))
    return render_template("booking_requests/queue.html", pagination=pagination, status=status, pending=pending,
                           approve_form=ApproveForm())


def _not_approved_message(error, req: BookingRequest) -> str:
    """Why approving failed; for a taken time, what is in the way (and the buffer, if that is it)."""
    if not isinstance(error, services.BookingConflict):
        return _("Not approved: %(message)s", message=str(error.message))
    times = ", ".join(timespan(c.start, c.end) for c in error.conflicts)
    notes = " ".join(filter(None, (buffer.explain_conflict(c, req.space) for c in error.conflicts)))
    return (_("Not approved: %(message)s Already booked: %(times)s.", message=str(error.message), times=times)
            + (" " + notes if notes else ""))


@requests_bp.post("/<int:request_id>/approve")
@role_required("staff")
def approve(request_id: int):
    req = db.get_or_404(BookingRequest, request_id)
    form = ApproveForm()
    form.validate()
    # The form is a button on the queue, never shown again: act() keeps the error on it, and the
    # queue gets the fuller message (with the times in the way) flashed here.
    result = act(lambda: services.approve_booking_request(req, current_user, utcnow(),
                                                          override_reason=form.override_reason.data), form=form)
    if result.ok:
        flash(_("The request was approved and the space booked."), "success")
    else:
        flash(_not_approved_message(result.error, req), "error")
    return redirect(url_for("booking_requests.queue"))


def _suggested_time(req: BookingRequest, form: DeclineForm):
    """The other time staff suggest (start, end), or (None, None) when none is given."""
    if not (form.suggested_date.data or form.suggested_start.data or form.suggested_end.data):
        return None, None
    if not (form.suggested_date.data and form.suggested_start.data and form.suggested_end.data):
        raise ValidationError(_("Give the suggested date with a start and an end time."), field="suggested_date")
    return (combine(form.suggested_date.data, form.suggested_start.data, req.space.timezone),
            combine(form.suggested_date.data, form.suggested_end.data, req.space.timezone))


@requests_bp.route("/<int:request_id>/decline", methods=["GET", "POST"])
@role_required("staff")
def decline(request_id: int):
    req = db.get_or_404(BookingRequest, request_id)
    form = DeclineForm()
    if form.validate_on_submit():
        def decline_it():
            start, end = _suggested_time(req, form)
            return request_actions.decline_with_suggestion(req, current_user, utcnow(), reason=form.reason.data,
                                                           suggested_start=start, suggested_end=end)

        if act(decline_it, form=form).ok:
            flash(_("The request was declined and the requester informed."), "success")
            return redirect(url_for("booking_requests.queue"))
    return render_template("booking_requests/decline.html", req=req, form=form), 400 if form.is_submitted() else 200
