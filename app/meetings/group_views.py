"""Group registration pages (app/meetings/group_registrations.py has the rules).

``/meetings/occurrences/<id>/group``: the contact's group for one date — who is in it, a form to
add people (name + email rows) and a remove button per person (with a confirmation step).
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from app.core.actions import act
from app.core.confirm import Confirmation, confirm_page, confirmed
from app.core.i18n import current_language
from app.core.types import utcnow
from app.errors import NotFound
from app.meetings import group_registrations as groups
from app.meetings import registrations as registration_services
from app.meetings.models import MeetingOccurrence
from app.meetings.registration_forms import CancelForm
from app.meetings.visibility import visible_occurrence_or_404

bp = Blueprint("groups", __name__)

DEFAULT_ROWS = 3
_ROW_FIELD = re.compile(r"(name|email)-(\d+)")


class GroupForm(FlaskForm):
    """CSRF and the "me too" box; the person rows are read from ``name-<i>`` / ``email-<i>``."""

    include_self = BooleanField()


def _occurrence(occurrence_id: int) -> MeetingOccurrence:
    try:
        return visible_occurrence_or_404(occurrence_id, current_user)
    except NotFound:
        abort(404)


def _row_count() -> int:
    try:
        wanted = int(request.values.get("rows", DEFAULT_ROWS))
    except ValueError:
        wanted = DEFAULT_ROWS
    return min(max(wanted, 1), groups.MAX_ROWS)


def _rows(count: int) -> list[tuple[str, str]]:
    return [(request.form.get(f"name-{i}", "")[:500], request.form.get(f"email-{i}", "")[:500])
            for i in range(count)]


def _render(occurrence: MeetingOccurrence, form: GroupForm, *, rows: list[tuple[str, str]],
            row_errors: dict | None = None, status: int = 200):
    members = groups.group_members(occurrence, current_user)
    window = registration_services.registration_window(occurrence, utcnow())
    own = (current_user.email or "").lower()
    return render_template(
        "registrations/group.html", occurrence=occurrence, series=occurrence.series, form=form,
        members=members, rows=rows, row_errors=row_errors or {}, window=window,
        editable=groups.editable(occurrence), limit=groups.per_occurrence_limit(),
        self_registered=any(m.email == own for m in members), remove_form=CancelForm(),
        more_rows=min(len(rows) + 3, groups.MAX_ROWS)), status


@bp.route("/meetings/occurrences/<int:occurrence_id>/group", methods=["GET", "POST"])
@login_required
def group(occurrence_id: int):
    """The contact's group for one date: its people, and a form to add more."""
    occurrence = _occurrence(occurrence_id)
    if current_user.organization_id is None:
        # Not a refusal of access but an explanation (staff, users without an organisation).
        return render_template("registrations/group_no_org.html", occurrence=occurrence,
                               series=occurrence.series)
    count = _row_count()
    form = GroupForm()
    if request.method == "GET":
        return _render(occurrence, form, rows=[("", "")] * count)
    rows = _rows(count)
    if not form.validate_on_submit():
        abort(400)

    def add():
        people = groups.clean_people(rows, contact_email=current_user.email)
        return groups.register_group(occurrence, current_user, people, include_self=form.include_self.data,
                                     locale=current_language())

    result = act(add, form=form)
    if result.ok:
        confirmed_n = sum(1 for r in result.value if r.status == "confirmed")
        waiting_n = len(result.value) - confirmed_n
        flash(ngettext("%(num)d person registered; each got their own confirmation by email.",
                       "%(num)d people registered; each got their own confirmation by email.",
                       confirmed_n) if confirmed_n else _("Nobody got a seat yet."), "success")
        if waiting_n:
            flash(ngettext("%(num)d person is on the waiting list (the meeting is full).",
                           "%(num)d people are on the waiting list (the meeting is full).", waiting_n), "info")
        return redirect(url_for("groups.group", occurrence_id=occurrence_id))
    occurrence = _occurrence(occurrence_id)
    row_errors = {k: v for k, v in result.error.fields.items() if _ROW_FIELD.fullmatch(k)}
    if row_errors and len(row_errors) == len(result.error.fields):
        form.form_errors = []  # the summary links each message to its row instead (template)
    return _render(occurrence, form, rows=rows, row_errors=row_errors, status=result.status)


@bp.post("/meetings/occurrences/<int:occurrence_id>/group/<int:registration_id>/remove")
@login_required
def remove(occurrence_id: int, registration_id: int):
    """Remove one person from the group: a confirmation page first, then the cancellation."""
    occurrence = _occurrence(occurrence_id)
    try:
        registration = groups.member_of(occurrence, current_user, registration_id)
    except NotFound:
        abort(404)
    back = url_for("groups.group", occurrence_id=occurrence_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    if not confirmed():
        return confirm_page(Confirmation(
            title=_("Remove %(name)s from the group?", name=registration.name),
            action=url_for("groups.remove", occurrence_id=occurrence_id, registration_id=registration_id),
            back=back, button=_("Remove from the group"),
            facts=[(_("Person"), f"{registration.name} <{registration.email}>"),
                   (_("Meeting"), _title(occurrence))],
            consequences=[_("The registration is cancelled and %(email)s gets a message about it.",
                            email=registration.email),
                          _("The seat goes to the first person on the waiting list, if there is one.")]))
    name = registration.name
    result = act(lambda: groups.remove_member(occurrence, current_user, registration_id))
    if result.ok:
        flash(_("%(name)s was removed from the group.", name=name), "success")
    return redirect(back)


def _title(occurrence: MeetingOccurrence) -> str:
    from app.core.i18n import localized

    return localized(occurrence.series, "title")
