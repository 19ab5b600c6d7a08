"""Deciding on join requests and members (contact persons, staff) and on proposed organisations (staff)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.accounts import membership
from app.accounts.membership_models import Membership, MembershipStatus, OrganizationProposal, ProposalStatus
from app.accounts.models import Organization, User
from app.accounts.signup_forms import ButtonForm, DeclineProposalForm
from app.core.actions import act
from app.core.auth import role_required
from app.core.confirm import Confirmation, confirm_page, confirmed
from app.extensions import db
from app.core.web_safety import safe_next

bp = Blueprint("memberships", __name__)


def _back(row: Membership) -> str:
    default = url_for("my_organisation.organisation", org_id=row.organization_id)
    return safe_next(request.values.get("next"), default)


def _managed(membership_id: int) -> Membership:
    row = db.get_or_404(Membership, membership_id)
    if not membership.can_manage_members(current_user, row.organization_id):
        abort(403)
    return row


@bp.post("/organisation/join-requests/<int:membership_id>/approve")
@login_required
def approve(membership_id: int):
    row = _managed(membership_id)
    if ButtonForm().validate_on_submit():
        result = act(lambda: membership.approve_request(row, actor=current_user))
        if result.ok:
            flash(_("%(name)s is now a member of %(org)s.", name=row.user.display_name,
                    org=row.organization.name), "success")
    return redirect(_back(row))


@bp.route("/organisation/join-requests/<int:membership_id>/decline", methods=["GET", "POST"])
@login_required
def decline(membership_id: int):
    row = _managed(membership_id)
    if not confirmed():
        return confirm_page(Confirmation(
            title=_("Decline the request?"), action=url_for("memberships.decline", membership_id=row.id),
            back=_back(row), button=_("Decline the request"), back_label=_("Keep the request"),
            fields={"next": _back(row)},
            facts=[(_("Name"), row.user.display_name), (_("Email"), row.user.email),
                   (_("Organisation"), row.organization.name)],
            consequences=[_("%(name)s will be told by email that the request was declined.",
                            name=row.user.display_name)]))
    result = act(lambda: membership.decline_request(row, actor=current_user))
    if result.ok:
        flash(_("The request was declined."), "success")
    return redirect(_back(row))


@bp.route("/organisation/members/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove(membership_id: int):
    row = db.get_or_404(Membership, membership_id)
    own = row.user_id == current_user.id
    if not own and not membership.can_manage_members(current_user, row.organization_id):
        abort(403)
    back = _back(row)
    if not confirmed():
        return confirm_page(Confirmation(
            title=_("Leave the organisation?") if own else _("Remove the member?"),
            action=url_for("memberships.remove", membership_id=row.id), back=back, fields={"next": back},
            button=_("Leave the organisation") if own else _("Remove the member"),
            back_label=_("Cancel"),
            facts=[(_("Name"), row.user.display_name), (_("Organisation"), row.organization.name)],
            consequences=[_("You can no longer act for the organisation: ask to join again if needed.") if own
                          else _("The person can no longer act for the organisation.")]))
    result = act(lambda: membership.remove_member(row, actor=current_user))
    if result.ok:
        flash(_("You left the organisation.") if own else _("The member was removed."), "success")
        if own:
            return redirect(url_for("signup.join"))
    return redirect(back)


@bp.post("/organisation/members/<int:membership_id>/contact")
@login_required
def make_contact(membership_id: int):
    row = _managed(membership_id)
    if ButtonForm().validate_on_submit():
        result = act(lambda: membership.set_contact(row, True, actor=current_user))
        if result.ok:
            flash(_("%(name)s is now a contact person.", name=row.user.display_name), "success")
    return redirect(_back(row))


@bp.post("/organisation/members/<int:membership_id>/member")
@login_required
def make_member(membership_id: int):
    """A contact person steps down (or is made a member again by another contact or staff)."""
    row = db.get_or_404(Membership, membership_id)
    if row.user_id != current_user.id and not membership.can_manage_members(current_user, row.organization_id):
        abort(403)
    if ButtonForm().validate_on_submit():
        result = act(lambda: membership.set_contact(row, False, actor=current_user))
        if result.ok:
            flash(_("%(name)s is no longer a contact person.", name=row.user.display_name), "success")
    return redirect(_back(row))


# --- staff: the queue of proposed organisations and requests waiting for staff ---------------------

@bp.get("/organisation-requests")
@role_required("staff")
def queue():
    return _queue_page()


def _queue_page(status: int = 200):
    proposals = db.session.scalars(
        select(OrganizationProposal).where(OrganizationProposal.status == ProposalStatus.PENDING)
        .options(db.joinedload(OrganizationProposal.proposer))
        .order_by(OrganizationProposal.created_at, OrganizationProposal.id)).all()
    # Join requests to organisations without a contact person: nobody else can answer them.
    contact = aliased(Membership)
    has_contact = select(contact.id).where(
        contact.organization_id == Organization.id, contact.status == MembershipStatus.APPROVED,
        contact.role == membership.CONTACT).exists()
    requests = db.session.execute(
        select(Membership, User, Organization).join(User, User.id == Membership.user_id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.status == MembershipStatus.PENDING, ~has_contact)
        .order_by(Membership.requested_at, Membership.id).limit(200)).all()
    return render_template("signup/queue.html", proposals=proposals, requests=requests, form=ButtonForm()), status


@bp.post("/organisation-proposals/<int:org_proposal_id>/approve")
@role_required("staff")
def approve_proposal(org_proposal_id: int):
    proposal = db.get_or_404(OrganizationProposal, org_proposal_id)
    if ButtonForm().validate_on_submit():
        result = act(lambda: membership.approve_proposal(proposal, actor=current_user))
        if result.ok:
            flash(_("The organisation %(name)s was added and %(person)s is its contact person.",
                    name=proposal.name, person=proposal.proposer.display_name), "success")
        else:  # already answered, or the Y-tunnus was taken meanwhile: the queue, with the reason
            return _queue_page(result.status)
    return redirect(url_for("memberships.queue"))


@bp.route("/organisation-proposals/<int:org_proposal_id>/decline", methods=["GET", "POST"])
@role_required("staff")
def decline_proposal(org_proposal_id: int):
    proposal = db.get_or_404(OrganizationProposal, org_proposal_id)
    form = DeclineProposalForm()
    if not confirmed() or not form.validate_on_submit():
        return confirm_page(Confirmation(
            title=_("Decline the proposed organisation?"), back=url_for("memberships.queue"),
            action=url_for("memberships.decline_proposal", org_proposal_id=proposal.id),
            button=_("Decline the proposal"), back_label=_("Keep the proposal"), inputs=[form.note],
            facts=[(_("Organisation"), proposal.name), (_("Business ID"), proposal.business_id or "–"),
                   (_("Proposed by"), proposal.proposer.display_name)],
            consequences=[_("The proposer will be told by email, with your reason if you give one.")]),
            400 if form.errors else 200)
    result = act(lambda: membership.decline_proposal(proposal, actor=current_user, note=form.note.data))
    if result.ok:
        flash(_("The proposal was declined."), "success")
    return redirect(url_for("memberships.queue"))
