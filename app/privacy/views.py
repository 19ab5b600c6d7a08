"""Privacy pages: "My data" for logged-in users and a token page for registrants without an account."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.core.database import writes
from app.core.types import utcnow
from app.meetings.models import Registration
from app.meetings.tokens import registration_from_token
from app.core.actions import act
from app.core.audit import audit
from app.privacy import services
from app.privacy.forms import EraseConfirmForm

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.after_request
def _never_cache(response: Response) -> Response:
    """Every page here shows personal data (token pages also to anonymous visitors): keep it out of caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _json_download(data: dict, filename: str) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/my-data")
@login_required
def my_data():
    registrations = services.registrations_of(services.subject_for(current_user))
    now = utcnow()
    return render_template("privacy/my_data.html", summary=services.summary(current_user),
                           upcoming=[r for r in registrations if r.occurrence.ends_at > now],
                           past=[r for r in registrations if r.occurrence.ends_at <= now])


@bp.get("/my-data/export.json")
@login_required
@writes  # the export is audited
def my_data_export():
    data = act(lambda: services.export_person(current_user, actor=current_user)).value
    return _json_download(data, f"kohtaamo-my-data-{utcnow():%Y%m%d}.json")


@bp.route("/my-data/erase", methods=["GET", "POST"])
@login_required
def my_data_erase():
    form = EraseConfirmForm()
    if form.validate_on_submit():
        if not form.matches(current_user.email):
            form.confirm_email.errors.append(_("The address does not match your account's email address."))
        elif act(lambda: services.erase_person(current_user, actor=current_user), form=form).ok:
            lang = session.get("lang")
            logout_user()
            session.clear()
            if lang:
                session["lang"] = lang
            flash(_("Your personal data was erased and your account closed."), "success")
            return redirect(url_for("pages.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("privacy/erase_account.html", form=form), status


def _registration_or_404(token: str) -> Registration:
    registration = registration_from_token(token)
    if registration is None or registration.anonymised_at is not None:
        abort(404)
    return registration


@bp.get("/registration/<token>")
def registration(token: str):
    row = _registration_or_404(token)
    return render_template("privacy/registration.html", registration=row, token=token,
                           form=EraseConfirmForm(), data=services.registration_json(row))


@bp.get("/registration/<token>/export.json")
@writes  # the export is audited
def registration_export(token: str):
    row = _registration_or_404(token)
    def export() -> dict:
        audit(None, "privacy.export", "registration", row.id)
        return services.export_registration(row)

    data = act(export).value
    return _json_download(data, f"kohtaamo-registration-{row.id}.json")


@bp.route("/registration/<token>/erase", methods=["GET", "POST"])
def registration_erase(token: str):
    row = _registration_or_404(token)
    form = EraseConfirmForm()
    if form.validate_on_submit():
        if not form.matches(row.email):
            form.confirm_email.errors.append(
                _("The address does not match the email address of the registration."))
        else:
            actor = current_user if current_user.is_authenticated else None
            if act(lambda: services.erase_registration(row, actor=actor), form=form).ok:
                flash(_("The personal data of your registration was erased."), "success")
                return redirect(url_for("pages.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("privacy/erase_registration.html", form=form, registration=row, now=utcnow(),
                           token=token), status
