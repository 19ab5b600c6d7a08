"""Organisation pages: staff manage all; an NGO user sees and edits their own."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import services
from app.accounts.content import ORGANIZATIONS
from app.accounts.forms import OrganizationForm
from app.accounts.models import Organization
from app.core.actions import act
from app.core.auth import role_required
from app.core.page_cache import cached_page
from app.extensions import db

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("/")
@cached_page(ORGANIZATIONS, personal=True)  # outside role_required: a copy is only ever the checked user's
@role_required("staff")
def index():
    page = request.args.get("page", 1, type=int)
    search = request.args.get("q", "").strip()
    pagination = services.organizations_page(page=max(page, 1), per_page=current_app.config["PAGE_SIZE"],
                                             search=search or None)
    return render_template("organizations/index.html", pagination=pagination, search=search)


@bp.route("/new", methods=["GET", "POST"])
@role_required("staff")
def create():
    form = OrganizationForm()
    if form.validate_on_submit():
        result = act(lambda: services.create_organization(services.clean_organization_data(form.data),
                                                          actor=current_user), form=form)
        if result.ok:
            org = result.value
            flash(_("The organisation %(name)s was added.", name=org.name), "success")
            return redirect(url_for("organizations.detail", org_id=org.id))
    status = 400 if form.is_submitted() else 200
    return render_template("organizations/form.html", form=form, org=None), status


def _visible_organization(org_id: int) -> Organization:
    org = db.get_or_404(Organization, org_id)
    if not services.can_edit_organization(current_user, org):
        abort(403)
    return org


@bp.get("/<int:org_id>")
@login_required
def detail(org_id: int):
    org = _visible_organization(org_id)
    return render_template("organizations/detail.html", org=org)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    org = _visible_organization(org_id)
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        if act(lambda: services.update_organization(org, services.clean_organization_data(form.data),
                                                    actor=current_user), form=form).ok:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("organizations.detail", org_id=org.id))
    status = 400 if form.is_submitted() else 200
    return render_template("organizations/form.html", form=form, org=org), status
