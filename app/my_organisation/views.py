"""'My organisation' (/my-organisation): members and join requests, and what the organisation
has going on — registrations to coming meetings, space bookings, booking requests, topics."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from app.accounts import membership
from app.accounts.membership_models import MembershipRole
from app.accounts.models import Organization
from app.accounts.signup_forms import ButtonForm
from app.core.dates import timespan
from app.core.paging import bounded_page
from app.core.types import utcnow
from app.extensions import db
from app.my_organisation.queries import LISTS, organisation_lists

bp = Blueprint("my_organisation", __name__)
bp.add_app_template_filter(timespan, "timespan")  # (also registered by the spaces pages)


@bp.get("/my-organisation")
@login_required
def index():
    if current_user.organization_id is None:
        return render_template("my_organisation/none.html",
                               pending=membership.open_request_of(current_user),
                               proposal=membership.open_proposal_of(current_user))
    return _page(db.session.get(Organization, current_user.organization_id), own=True)


@bp.get("/organisation/<int:org_id>/overview")
@login_required
def organisation(org_id: int):
    """The same page for staff (any organisation) and for the organisation's own members."""
    org = db.get_or_404(Organization, org_id)
    if not (current_user.is_staff or current_user.organization_id == org.id):
        abort(403)
    return _page(org, own=current_user.organization_id == org.id)


def _page(org: Organization, *, own: bool):
    pages = {name: bounded_page(request.args.get(name)) for name in LISTS}
    manager = membership.can_manage_members(current_user, org.id)
    lists = organisation_lists(org.id, pages=pages, now=utcnow(), with_requests=manager)
    return render_template("my_organisation/index.html", org=org, lists=lists, manager=manager, own=own,
                           mine=membership.membership_of(current_user, org.id), form=ButtonForm(),
                           page_url=_page_url, RoleLabel=MembershipRole.label_of, back=request.full_path.rstrip("?"))


def _page_url(list_name: str, number: int) -> str:
    """This page with ``list_name`` at page ``number`` and every other list where it was."""
    args = {key: value for key, value in request.args.items() if key in LISTS}
    args[list_name] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args) + f"#{list_name}"
