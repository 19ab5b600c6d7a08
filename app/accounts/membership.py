"""Joining organisations: join requests, contact persons, removals and proposed organisations.

Rules (issue 15):
- A person acts for one organisation at a time (``users.organization_id``, used by the rest of
  the app); they may have one open join request or proposal at a time.
- The organisation's contact persons (or staff) approve or decline a join request; the requester
  is mailed either way, the contact persons when a request arrives. A request to an organisation
  without a contact person waits for staff (the staff queue lists it).
- The first member of an organisation becomes its contact person. An organisation with members
  always keeps a contact person: the last one cannot leave, be removed or step down while other
  members remain (name another contact person first).
- A proposed organisation waits for staff: approval creates it with the proposer as its contact.
Every decision is audited.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.membership_models import (Membership, MembershipRole, MembershipStatus,
                                            OrganizationProposal, ProposalStatus)
from app.accounts.models import Organization, Role, User
from app.accounts.services import OrganizationData, clean_organization_data, create_organization
from app.accounts.validators import normalize_business_id
from app.core.audit import audit
from app.core.types import utcnow
from app.core.urls import external_url
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.mail.services import enqueue

APPROVED, PENDING = MembershipStatus.APPROVED.value, MembershipStatus.PENDING.value
CONTACT, MEMBER = MembershipRole.CONTACT.value, MembershipRole.MEMBER.value


# --- reading ---------------------------------------------------------------------------------

def membership_of(user: Any, organization_id: int | None) -> Membership | None:
    """``user``'s membership row in the organisation (any status), or None."""
    if organization_id is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.organization_id == organization_id))


def is_contact(user: Any, organization_id: int | None) -> bool:
    """True for an approved contact person of the organisation."""
    row = membership_of(user, organization_id)
    return row is not None and row.status == APPROVED and row.role == CONTACT


def can_manage_members(user: Any, organization_id: int | None) -> bool:
    """Staff, or a contact person of the organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or is_contact(user, organization_id)


def contacts_of(organization_id: int) -> list[User]:
    """The organisation's contact persons (active accounts)."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id, Membership.status == APPROVED,
               Membership.role == CONTACT, User.active.is_(True)).order_by(User.id)))


def open_request_of(user: Any) -> Membership | None:
    """The user's pending join request, if any."""
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.status == PENDING))


def open_proposal_of(user: Any) -> OrganizationProposal | None:
    """The user's pending organisation proposal, if any."""
    return db.session.scalar(select(OrganizationProposal).where(
        OrganizationProposal.proposer_id == user.id, OrganizationProposal.status == ProposalStatus.PENDING))


def find_organizations(query: str, *, limit: int = 20) -> list[Organization]:
    """Organisations by Y-tunnus (exact, check digit verified) or by a part of the name."""
    text = " ".join((query or "").split())
    if len(text) < 2:
        return []
    try:
        business_id = normalize_business_id(text)
    except ValueError:
        business_id = None
    if business_id:
        return list(db.session.scalars(select(Organization).where(Organization.business_id == business_id)))
    return list(db.session.scalars(
        select(Organization).where(func.lower(Organization.name).contains(text.lower(), autoescape=True))
        .order_by(func.lower(Organization.name), Organization.id).limit(limit)))


# --- membership of people made by staff or the command line ---------------------------------------

def ensure_membership(user: User, *, actor: Any = None, now: datetime | None = None) -> Membership | None:
    """An approved membership for a user whose ``organization_id`` was set directly (staff, CLI,
    demo, data from before sign-up); the organisation's first member becomes its contact."""
    if user.organization_id is None or user.role != Role.NGO.value:
        return None
    row = membership_of(user, user.organization_id)
    if row is not None and row.status == APPROVED:
        return row
    if row is None:
        row = Membership(user_id=user.id, organization_id=user.organization_id)
        db.session.add(row)
    row.status, row.decided_at, row.decided_by_id = APPROVED, now or utcnow(), getattr(actor, "id", None)
    row.role = MEMBER if _has_contact(user.organization_id) else CONTACT
    db.session.flush()
    return row


def _has_contact(organization_id: int) -> bool:
    return db.session.scalar(select(Membership.id).where(
        Membership.organization_id == organization_id, Membership.status == APPROVED,
        Membership.role == CONTACT).limit(1)) is not None


# --- join requests -------------------------------------------------------------------------

def request_to_join(user: User, organization_id: int, *, message: str | None = None,
                    now: datetime | None = None) -> Membership:
    """Ask to join an organisation; its contact persons are mailed."""
    now = now or utcnow()
    if user.is_staff:
        raise Forbidden(_l("City staff do not join organisations."))
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise NotFound(_l("Organisation not found."))
    if user.organization_id is not None:
        raise Conflict(_l("You are already a member of an organisation."))
    _refuse_open_business(user)
    message = (message or "").strip() or None
    if message and len(message) > 1000:
        raise ValidationError(_l("At most 1000 characters."), field="message")
    row = membership_of(user, org.id)
    if row is None:
        row = Membership(user_id=user.id, organization_id=org.id)
        db.session.add(row)
    row.status, row.role, row.message, row.requested_at = PENDING, MEMBER, message, now
    row.decided_at = row.decided_by_id = None
    db.session.flush()
    audit(user, "membership.request", "membership", row.id, organization_id=org.id)
    for contact in contacts_of(org.id):
        enqueue(contact.email, "join_request_received", locale=contact.locale, contact=contact, org=org,
                requester=user, message=message, link=external_url("my_organisation.index"))
    return row


def _refuse_open_business(user: User) -> None:
    pending = open_request_of(user)
    if pending is not None:
        raise Conflict(_l("You already asked to join %(name)s. Wait for the answer or withdraw the request.",
                          name=pending.organization.name))
    if open_proposal_of(user) is not None:
        raise Conflict(_l("You already proposed an organisation. Wait for the city's answer."))


def _claim(model: Any, row: Any, **values: Any) -> None:
    """Move ``row`` out of ``pending`` with one conditional UPDATE, or refuse: of two people deciding
    at once (each read "pending"), the second one's UPDATE matches no row (PostgreSQL waits for the
    first transaction, then re-reads the status), so only the first decision and its mail happen."""
    claimed = db.session.execute(
        update(model).where(model.id == row.id, model.status == PENDING).values(**values)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise Conflict(_l("This request has already been answered.") if model is Membership
                       else _l("This proposal has already been answered."))
    db.session.refresh(row)


def _check_manager(actor: Any, row: Membership) -> None:
    if not can_manage_members(actor, row.organization_id):
        raise Forbidden()


def approve_request(row: Membership, *, actor: User, now: datetime | None = None) -> Membership:
    """A contact person or staff approve a pending join request."""
    _check_manager(actor, row)
    if row.status != PENDING:
        raise Conflict(_l("This request has already been answered."))
    user = row.user
    if user.organization_id is not None and user.organization_id != row.organization_id:
        raise Conflict(_l("%(name)s has joined another organisation meanwhile.", name=user.display_name))
    _claim(Membership, row, status=APPROVED, decided_by_id=actor.id, decided_at=now or utcnow(),
           role=MEMBER if _has_contact(row.organization_id) else CONTACT)
    user.organization_id = row.organization_id
    db.session.flush()
    audit(actor, "membership.approve", "membership", row.id, organization_id=row.organization_id,
          user_id=user.id, role=row.role)
    enqueue(user.email, "join_request_approved", locale=user.locale, user=user, org=row.organization,
            link=external_url("my_organisation.index"))
    return row


def decline_request(row: Membership, *, actor: User, now: datetime | None = None) -> Membership:
    """A contact person or staff decline a pending join request (the requester is told)."""
    _check_manager(actor, row)
    if row.status != PENDING:
        raise Conflict(_l("This request has already been answered."))
    _claim(Membership, row, status=MembershipStatus.DECLINED.value, decided_by_id=actor.id,
           decided_at=now or utcnow())
    audit(actor, "membership.decline", "membership", row.id, organization_id=row.organization_id,
          user_id=row.user_id)
    enqueue(row.user.email, "join_request_declined", locale=row.user.locale, user=row.user,
            org=row.organization, link=external_url("signup.join"))
    return row


def withdraw_request(row: Membership, *, actor: User, now: datetime | None = None) -> None:
    """The requester (or an admin) withdraws a pending request (the row is deleted)."""
    if row.user_id != actor.id and not actor.is_admin:
        raise Forbidden()
    if row.status != PENDING:
        raise Conflict(_l("This request has already been answered."))
    audit(actor, "membership.withdraw", "membership", row.id, organization_id=row.organization_id)
    db.session.delete(row)
    db.session.flush()


# --- members and contact persons ------------------------------------------------------------

def _other_members(row: Membership) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.organization_id == row.organization_id, Membership.status == APPROVED,
        Membership.id != row.id)) or 0


def _other_contacts(row: Membership) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.organization_id == row.organization_id, Membership.status == APPROVED,
        Membership.role == CONTACT, Membership.id != row.id)) or 0


def _keep_a_contact(row: Membership) -> None:
    if row.role == CONTACT and _other_contacts(row) == 0 and _other_members(row) > 0:
        raise Conflict(_l("The organisation needs a contact person: name another contact person first."))


def remove_member(row: Membership, *, actor: User, now: datetime | None = None) -> Membership:
    """A contact person or staff remove a member, or a member leaves (their own row)."""
    if row.user_id != actor.id:
        _check_manager(actor, row)
    if row.status != APPROVED:
        raise Conflict(_l("This person is not a member."))
    _keep_a_contact(row)
    row.status, row.role = MembershipStatus.REMOVED.value, MEMBER
    row.decided_by_id, row.decided_at = actor.id, now or utcnow()
    if row.user.organization_id == row.organization_id:
        row.user.organization_id = None
    db.session.flush()
    audit(actor, "membership.remove", "membership", row.id, organization_id=row.organization_id,
          user_id=row.user_id)
    return row


def set_contact(row: Membership, contact: bool, *, actor: User) -> Membership:
    """Name a member a contact person, or (``contact=False``) make a contact person a member again."""
    if not (contact is False and row.user_id == actor.id):  # stepping down oneself needs no rights
        _check_manager(actor, row)
    if row.status != APPROVED:
        raise Conflict(_l("This person is not a member."))
    if not contact:
        if row.role == CONTACT and _other_contacts(row) == 0:
            raise Conflict(_l("The organisation needs a contact person: name another contact person first."))
    row.role = CONTACT if contact else MEMBER
    db.session.flush()
    audit(actor, "membership.contact" if contact else "membership.member", "membership", row.id,
          organization_id=row.organization_id, user_id=row.user_id)
    return row


def hand_over_contact(row: Membership, *, actor: Any = None, reason: str = "erasure") -> Membership | None:
    """``row`` (a contact person) is going away for good (erasure): if it is the organisation's last
    contact person and others remain, the longest-standing member (approved first) becomes the
    contact person and is told by mail. Erasure is the person's right and is never refused for
    this; the organisation must still have someone who can answer join requests. Returns the
    promoted membership, or None when nothing had to change."""
    if row.status != APPROVED or row.role != CONTACT or _other_contacts(row) > 0:
        return None
    successor = db.session.scalar(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == row.organization_id, Membership.status == APPROVED,
               Membership.id != row.id, User.active.is_(True))
        .order_by(Membership.decided_at.is_(None), Membership.decided_at, Membership.requested_at, Membership.id)
        .limit(1))
    if successor is None:
        return None
    successor.role = CONTACT
    db.session.flush()
    audit(actor, "membership.contact", "membership", successor.id, organization_id=successor.organization_id,
          user_id=successor.user_id, reason=reason)
    user = successor.user
    enqueue(user.email, "membership_contact_promoted", locale=user.locale, user=user, org=successor.organization,
            link=external_url("my_organisation.index"))
    return successor


# --- proposed organisations --------------------------------------------------------------------

def propose_organization(user: User, raw: dict[str, Any], *, now: datetime | None = None) -> OrganizationProposal:
    """A person without an organisation proposes a new one (name, Y-tunnus, email, district)."""
    if user.is_staff:
        raise Forbidden(_l("City staff add organisations on the organisations page."))
    if user.organization_id is not None:
        raise Conflict(_l("You are already a member of an organisation."))
    _refuse_open_business(user)
    data = clean_organization_data(raw)
    if data.business_id and db.session.scalar(select(Organization.id).where(
            Organization.business_id == data.business_id)):
        raise Conflict(_l("An organisation with this business ID is already in the service: ask to join it."),
                       field="business_id")
    proposal = OrganizationProposal(proposer_id=user.id, name=data.name, business_id=data.business_id,
                                    email=data.email, district=data.district, created_at=now or utcnow())
    db.session.add(proposal)
    db.session.flush()
    audit(user, "organization_proposal.create", "organization_proposal", proposal.id, name=data.name)
    return proposal


def _pending_proposal(proposal: OrganizationProposal, actor: Any) -> None:
    if not getattr(actor, "is_staff", False):
        raise Forbidden()
    if proposal.status != ProposalStatus.PENDING:
        raise Conflict(_l("This proposal has already been answered."))


def approve_proposal(proposal: OrganizationProposal, *, actor: User,
                     now: datetime | None = None) -> Organization:
    """Staff approve: the organisation is created and the proposer becomes its contact person."""
    _pending_proposal(proposal, actor)
    now = now or utcnow()
    _claim(OrganizationProposal, proposal, status=ProposalStatus.APPROVED.value, decided_by_id=actor.id,
           decided_at=now)
    data = OrganizationData(name=proposal.name, email=proposal.email, business_id=proposal.business_id,
                            district=proposal.district)
    try:
        with db.session.begin_nested():  # the unique Y-tunnus is the last word when two approve at once
            org = create_organization(data, actor=actor)
    except IntegrityError:
        raise Conflict(_l("An organisation with this business ID was added meanwhile: decline this proposal "
                          "and ask the proposer to join that organisation."), field="business_id") from None
    proposal.organization_id = org.id
    proposer = proposal.proposer
    if proposer.organization_id is None and proposer.active:
        row = membership_of(proposer, org.id) or Membership(user_id=proposer.id, organization_id=org.id)
        row.status, row.role, row.decided_by_id, row.decided_at = APPROVED, CONTACT, actor.id, now
        db.session.add(row)
        proposer.organization_id = org.id
    db.session.flush()
    audit(actor, "organization_proposal.approve", "organization_proposal", proposal.id, organization_id=org.id)
    enqueue(proposer.email, "organization_proposal_approved", locale=proposer.locale, user=proposer, org=org,
            link=external_url("my_organisation.index"))
    return org


def decline_proposal(proposal: OrganizationProposal, *, actor: User, note: str | None = None,
                     now: datetime | None = None) -> OrganizationProposal:
    """Staff decline a proposal, optionally saying why (the proposer is mailed)."""
    _pending_proposal(proposal, actor)
    note = (note or "").strip() or None
    if note and len(note) > 1000:
        raise ValidationError(_l("At most 1000 characters."), field="note")
    _claim(OrganizationProposal, proposal, status=ProposalStatus.DECLINED.value, decision_note=note,
           decided_by_id=actor.id, decided_at=now or utcnow())
    audit(actor, "organization_proposal.decline", "organization_proposal", proposal.id)
    proposer = proposal.proposer
    enqueue(proposer.email, "organization_proposal_declined", locale=proposer.locale, user=proposer,
            proposal=proposal, note=note, link=external_url("signup.join"))
    return proposal
