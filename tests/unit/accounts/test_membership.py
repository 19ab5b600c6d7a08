"""Joining organisations without HTTP: requests, approvals, contact persons, proposals, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts import membership
from app.accounts.membership_models import Membership, OrganizationProposal
from app.accounts.models import Organization, User
from app.core.audit import AuditEvent
from app.errors import Conflict, Forbidden, ValidationError
from app.mail.models import OutboxMessage


def _get(ctx, user):
    return ctx.get(User, user.id)


def _mails(ctx):
    return [(m.recipient, m.kind) for m in ctx.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _actions(ctx):
    return [e.action for e in ctx.scalars(select(AuditEvent).where(AuditEvent.action.like("membership.%"))
                                          .order_by(AuditEvent.id))]


@pytest.fixture
def org_with_contact(make):
    org = make.organization(name="Kallion Kamut ry", business_id="0201256-6")
    contact = make.user("ngo", organization=org, email="contact@example.org")
    return org, contact


def test_the_first_member_is_the_contact_person(ctx, make, org_with_contact):
    org, contact = org_with_contact
    second = make.user("ngo", organization=org)
    assert membership.is_contact(_get(ctx, contact), org.id)
    assert not membership.is_contact(_get(ctx, second), org.id)
    assert membership.membership_of(_get(ctx, second), org.id).status == "approved"


def test_find_by_name_or_business_id(ctx, org_with_contact):
    org, _contact = org_with_contact
    assert [o.id for o in membership.find_organizations("kamut")] == [org.id]
    assert [o.id for o in membership.find_organizations("0201256-6")] == [org.id]
    assert [o.id for o in membership.find_organizations("02012566")] == [org.id]
    assert membership.find_organizations("0201256-5") == []  # a wrong check digit is only a name search
    assert membership.find_organizations("k") == []


def test_request_is_mailed_to_the_contact_and_approved_without_staff(ctx, make, org_with_contact):
    org, contact = org_with_contact
    newcomer = make.user("ngo", email="new@example.org")
    row = membership.request_to_join(_get(ctx, newcomer), org.id, message="Olen sihteeri")
    ctx.commit()
    assert _mails(ctx) == [("contact@example.org", "join_request_received")]
    membership.approve_request(row, actor=_get(ctx, contact))
    ctx.commit()
    assert _get(ctx, newcomer).organization_id == org.id
    assert row.role == "member" and row.decided_by_id == contact.id and row.decided_at is not None
    assert _mails(ctx)[-1] == ("new@example.org", "join_request_approved")
    assert _actions(ctx) == ["membership.request", "membership.approve"]


def test_only_contacts_and_staff_decide(ctx, make, org_with_contact):
    org, _contact = org_with_contact
    member = make.user("ngo", organization=org)
    other_org_user = make.user("ngo", organization=make.organization())
    newcomer, staff = make.user("ngo"), make.user("staff")
    row = membership.request_to_join(_get(ctx, newcomer), org.id)
    for actor in (member, other_org_user, newcomer):
        with pytest.raises(Forbidden):
            membership.approve_request(row, actor=_get(ctx, actor))
        with pytest.raises(Forbidden):
            membership.decline_request(row, actor=_get(ctx, actor))
    membership.decline_request(row, actor=_get(ctx, staff))
    ctx.commit()
    assert row.status == "declined" and _get(ctx, newcomer).organization_id is None
    assert _mails(ctx)[-1] == (newcomer.email, "join_request_declined")
    with pytest.raises(Conflict):
        membership.approve_request(row, actor=_get(ctx, staff))


def test_one_open_request_at_a_time_and_asking_again_after_a_decline(ctx, make, org_with_contact):
    org, contact = org_with_contact
    other = make.organization()
    newcomer_user, third = make.user("ngo"), make.user("ngo")
    newcomer = _get(ctx, newcomer_user)
    row = membership.request_to_join(newcomer, org.id)
    with pytest.raises(Conflict):
        membership.request_to_join(newcomer, other.id)
    membership.decline_request(row, actor=_get(ctx, contact))
    again = membership.request_to_join(newcomer, org.id)
    assert again.id == row.id and again.status == "pending" and again.decided_at is None
    with pytest.raises(ValidationError):
        membership.request_to_join(_get(ctx, third), org.id, message="x" * 1001)


def test_members_and_staff_cannot_ask_to_join(ctx, make, org_with_contact):
    org, contact = org_with_contact
    other, staff = make.organization(), make.user("staff")
    with pytest.raises(Conflict):
        membership.request_to_join(_get(ctx, contact), other.id)
    with pytest.raises(Forbidden):
        membership.request_to_join(_get(ctx, staff), org.id)


def test_a_request_to_an_organisation_without_contact_waits_for_staff(ctx, make):
    org = make.organization()
    newcomer, staff = make.user("ngo"), make.user("staff")
    row = membership.request_to_join(_get(ctx, newcomer), org.id)
    ctx.commit()
    assert _mails(ctx) == []
    membership.approve_request(row, actor=_get(ctx, staff))
    assert row.role == "contact"  # the first member


def test_an_organisation_with_members_keeps_a_contact_person(ctx, make, org_with_contact):
    org, contact = org_with_contact
    member = make.user("ngo", organization=org)
    contact_row = membership.membership_of(_get(ctx, contact), org.id)
    member_row = membership.membership_of(_get(ctx, member), org.id)
    with pytest.raises(Conflict):
        membership.remove_member(contact_row, actor=_get(ctx, contact))  # leaving
    with pytest.raises(Conflict):
        membership.set_contact(contact_row, False, actor=_get(ctx, contact))  # stepping down
    membership.set_contact(member_row, True, actor=_get(ctx, contact))
    membership.remove_member(contact_row, actor=_get(ctx, contact))
    ctx.commit()
    assert _get(ctx, contact).organization_id is None and contact_row.status == "removed"
    # The last member may leave: nobody is left without a contact.
    membership.remove_member(member_row, actor=_get(ctx, member))
    assert _actions(ctx) == ["membership.contact", "membership.remove", "membership.remove"]


def test_a_contact_removes_a_member_but_a_member_cannot(ctx, make, org_with_contact):
    org, contact = org_with_contact
    first, second = make.user("ngo", organization=org), make.user("ngo", organization=org)
    with pytest.raises(Forbidden):
        membership.remove_member(membership.membership_of(_get(ctx, second), org.id), actor=_get(ctx, first))
    row = membership.remove_member(membership.membership_of(_get(ctx, second), org.id), actor=_get(ctx, contact))
    assert row.status == "removed" and _get(ctx, second).organization_id is None


def test_proposal_approved_creates_the_organisation_with_its_contact(ctx, make):
    proposer = make.user("ngo", email="proposer@example.org")
    staff, elsewhere = make.user("staff"), make.organization()
    proposal = membership.propose_organization(_get(ctx, proposer), {
        "name": "Uusi Yhdistys ry", "business_id": "0201256-6", "email": "info@uusi.example",
        "district": "eastern"})
    ctx.commit()
    with pytest.raises(Conflict):  # one open thing at a time
        membership.request_to_join(_get(ctx, proposer), elsewhere.id)
    with pytest.raises(Forbidden):
        membership.approve_proposal(proposal, actor=_get(ctx, proposer))
    org = membership.approve_proposal(proposal, actor=_get(ctx, staff))
    ctx.commit()
    assert org.business_id == "0201256-6" and org.district == "eastern"
    assert _get(ctx, proposer).organization_id == org.id
    assert membership.is_contact(_get(ctx, proposer), org.id)
    assert _mails(ctx)[-1] == ("proposer@example.org", "organization_proposal_approved")
    assert ctx.scalar(select(AuditEvent.id).where(AuditEvent.action == "organization_proposal.approve"))


def test_proposal_checks_the_business_id_and_can_be_declined(ctx, make):
    make.organization(business_id="0201256-6")
    staff = make.user("staff")
    proposer = _get(ctx, make.user("ngo"))
    with pytest.raises(ValidationError) as caught:
        membership.propose_organization(proposer, {"name": "X", "business_id": "0201256-5", "email": "x@example.org"})
    assert "business_id" in caught.value.fields
    with pytest.raises(Conflict):
        membership.propose_organization(proposer, {"name": "X", "business_id": "0201256-6", "email": "x@example.org"})
    proposal = membership.propose_organization(proposer, {"name": "Y ry", "email": "y@example.org"})
    membership.decline_proposal(proposal, actor=_get(ctx, staff), note="Ei järjestö")
    ctx.commit()
    assert proposal.status == "declined" and _mails(ctx)[-1] == (proposer.email, "organization_proposal_declined")
    assert ctx.scalar(select(OrganizationProposal.decision_note)) == "Ei järjestö"
    assert ctx.scalar(select(Organization.id).where(Organization.name == "Y ry")) is None


def test_withdrawing_a_request(ctx, make, org_with_contact):
    org, contact = org_with_contact
    newcomer = _get(ctx, make.user("ngo"))
    row = membership.request_to_join(newcomer, org.id)
    with pytest.raises(Forbidden):
        membership.withdraw_request(row, actor=_get(ctx, contact))
    membership.withdraw_request(row, actor=newcomer)
    ctx.commit()
    assert ctx.scalar(select(Membership).where(Membership.user_id == newcomer.id)) is None


def test_gdpr_export_and_erasure_cover_memberships(ctx, make, org_with_contact):
    from app.privacy.memberships import erase, export
    from app.privacy.registry import Subject
    from app.core.types import utcnow

    org, _contact = org_with_contact
    newcomer = _get(ctx, make.user("ngo", email="gdpr@example.org"))
    membership.request_to_join(newcomer, org.id, message="Henkilökohtainen viesti")
    subject = Subject(email="gdpr@example.org", user=newcomer)
    data = export(subject)
    assert data["memberships"][0]["message"] == "Henkilökohtainen viesti"
    assert erase(subject, actor=None, now=utcnow()) == 1
    assert export(subject)["memberships"] == []
