"""Staff pages of a space itself: adding and editing it, its exception days."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.core.actions import act
from app.core.auth import role_required
from app.core.confirm import confirm_page, confirmed
from app.core.dates import format_date
from app.core.validation import ErrorCollector
from app.extensions import db
from app.spaces import confirmations, services
from app.spaces.forms import ExceptionForm, SpaceForm
from app.spaces.models import Space, SpaceException
from app.spaces.views.common import bp, display_hours, space_or_404

_PLAIN_FIELDS = ("name", "address", "name_sv", "name_en", "address_sv", "address_en", "district", "capacity", "description_fi", "description_sv", "description_en",
                 "buffer_minutes", "min_duration_minutes", "max_duration_minutes", "booking_horizon_days",
                 "manager_id", "latitude", "longitude")


def _opening_hours(form: SpaceForm) -> dict[str, list[list[str]]] | None:
    """The opening-hour text per weekday parsed (format only); ``None`` = bookable at any hour."""
    if form.always_open.data:
        return None
    hours: dict[str, list[list[str]]] = {}
    errors = ErrorCollector()
    for day, field in form.hour_fields():
        try:
            hours[day] = services.parse_hours_text(field.data)
        except ValueError as exc:
            errors.add(field.name, exc.args[0])
    errors.raise_if_any(_("Check the opening hours."))
    return hours


def _space_raw(form: SpaceForm) -> dict[str, Any]:
    """Form → the service's input dict."""
    raw: dict[str, Any] = {key: form[key].data for key in _PLAIN_FIELDS}
    raw["closed_on_holidays"] = bool(form.closed_on_holidays.data)
    accessibility: dict[str, Any] = {key: key in (form.accessibility.data or []) for key in services.ACCESSIBILITY_FACTS}
    if (form.accessibility_notes.data or "").strip():
        accessibility["notes"] = form.accessibility_notes.data.strip()
    raw["accessibility"] = accessibility
    raw["equipment"] = list(form.equipment.data or [])
    raw["opening_hours"] = _opening_hours(form)
    return raw


def _fill_space_form(form: SpaceForm, space: Space) -> None:
    facts = space.accessibility or {}
    form.accessibility.data = [k for k, v in facts.items() if v is True]
    form.accessibility_notes.data = facts.get("notes") or ""
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
        result = act(lambda: services.create_space(services.clean_space_data(_space_raw(form)), actor=current_user),
                     form=form)
        if result.ok:
            flash(_("The space %(name)s was added.", name=result.value.local_name), "success")
            return redirect(url_for("spaces.detail", space_id=result.value.id))
    return render_template("spaces/form.html", form=form, space=None), 400 if form.is_submitted() else 200


@bp.route("/<int:space_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(space_id: int):
    space = space_or_404(space_id)
    form = SpaceForm(obj=space)
    if request.method == "GET":
        _fill_space_form(form, space)
    if form.validate_on_submit():
        result = act(lambda: services.update_space(space, services.clean_space_data(_space_raw(form)),
                                                   actor=current_user), form=form)
        if result.ok:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("spaces.detail", space_id=space.id))
    exceptions = db.session.scalars(select(SpaceException).where(SpaceException.space_id == space.id)
                                    .order_by(SpaceException.day.desc()).limit(50)).all()
    return render_template("spaces/form.html", form=form, space=space, exception_form=ExceptionForm(),
                           exceptions=exceptions), 400 if form.is_submitted() else 200


def _exception_hours(form: ExceptionForm) -> list[list[str]] | None:
    """The hours of the exception day (``[]`` = closed), or ``None`` with the error on the field."""
    try:
        hours = services.parse_hours_text(form.hours.data) if form.kind.data == "hours" else []
        if form.kind.data == "hours" and not hours:
            raise ValueError(_("Give the hours for that day, or choose closed."))
    except ValueError as exc:
        form.hours.errors = list(form.hours.errors) + [exc.args[0]]
        return None
    return hours


@bp.route("/<int:space_id>/exceptions", methods=["GET", "POST"])
@role_required("staff")
def exceptions(space_id: int):
    space = space_or_404(space_id)
    form = ExceptionForm()
    hours = _exception_hours(form) if form.validate_on_submit() else None
    if hours is not None:
        result = act(lambda: services.set_space_exception(space, form.day.data, hours, actor=current_user,
                                                          note=form.note.data), form=form)
        if result.ok:
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
    if act(lambda: services.delete_space_exception(row, actor=current_user)).ok:
        flash(_("The exception day was removed."), "success")
    return redirect(url_for("spaces.exceptions", space_id=space_id))
