"""Two people deciding the same thing at once (issue 15): one decision wins, the other is told so,
and nobody gets a second mail. PostgreSQL runs READ COMMITTED, so two approvals can both read
"pending" before either writes; these tests reproduce that interleaving deterministically (an
approver holding the row as it was read), and on PostgreSQL also with two real transactions."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts import membership, services
from app.accounts.membership_models import Membership, OrganizationProposal
from app.accounts.models import Organization, User
from app.errors import Conflict
from app.extensions import db
from app.mail.models import OutboxMessage


def _mail_count(kind: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == kind))


def _read_as_it_was(app, model, row_id):
    """The row as an approver's page read it: detached, with the values of that moment."""
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        db.session.rollback()
        return row


@pytest.fixture
def pending_request(app, make):
    org = make.organization(name="Kallion Kamut ry", business_id="0201256-6")
    contact = make.user("ngo", organization=org, email="contact@example.org")
    staff = make.user("staff")
    newcomer = make.user("ngo", email="new@example.org")
    with app.app_context():
        row = membership.request_to_join(db.session.get(User, newcomer.id), org.id)
        db.session.commit()
        return row.id, contact, staff


@pytest.mark.parametrize("second", ["approve", "decline"])
def test_a_second_decision_on_the_same_request_is_refused_without_mail(app, pending_request, second):
    row_id, contact, staff = pending_request
    stale = _read_as_it_was(app, Membership, row_id)  # staff opened the page while it was pending
    with app.app_context():
        membership.approve_request(db.session.get(Membership, row_id), actor=db.session.get(User, contact.id))
        db.session.commit()
    with app.app_context():
        row = db.session.merge(stale, load=False)
        assert row.status == "pending"  # what the second approver saw
        decide = membership.approve_request if second == "approve" else membership.decline_request
        with pytest.raises(Conflict):
            decide(row, actor=db.session.get(User, staff.id))
        db.session.rollback()
        assert _mail_count("join_request_approved") == 1
        assert _mail_count("join_request_declined") == 0
        assert db.session.get(Membership, row_id).status == "approved"


def test_two_approvals_at_once_on_postgresql_send_one_mail(app, pending_request):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite serialises writing transactions (BEGIN IMMEDIATE): no overlap to test")
    row_id, contact, staff = pending_request
    both_read = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def approve(actor_id: int) -> None:
        with app.app_context():
            row = db.session.get(Membership, row_id)
            assert row.status == "pending"
            both_read.wait()  # both transactions have read "pending" before either writes
            try:
                membership.approve_request(row, actor=db.session.get(User, actor_id))
                db.session.commit()
                outcomes.append("approved")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=approve, args=(actor.id,)) for actor in (contact, staff)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["approved", "conflict"]
    with app.app_context():
        assert _mail_count("join_request_approved") == 1


@pytest.fixture
def two_proposals(app, make):
    """Two people proposed the same organisation (same Y-tunnus) before either was approved."""
    first, second = make.user("ngo", email="first@example.org"), make.user("ngo", email="second@example.org")
    with app.app_context():
        ids = [membership.propose_organization(db.session.get(User, user.id), {
            "name": name, "business_id": "0201256-6", "email": "info@uusi.example"}).id
            for user, name in ((first, "Uusi ry"), (second, "Uusi Yhdistys ry"))]
        db.session.commit()
    return ids, make.user("staff", locale="en")


def test_the_same_business_id_approved_twice_at_once_is_a_conflict(app, two_proposals, monkeypatch):
    (first_id, second_id), staff = two_proposals
    with app.app_context():
        membership.approve_proposal(db.session.get(OrganizationProposal, first_id),
                                    actor=db.session.get(User, staff.id))
        db.session.commit()
    # The second approver's check ran before the first one committed: only the database knows.
    monkeypatch.setattr(services, "_check_business_id_free", lambda *args, **kwargs: None)
    with app.app_context():
        with pytest.raises(Conflict) as caught:
            membership.approve_proposal(db.session.get(OrganizationProposal, second_id),
                                        actor=db.session.get(User, staff.id))
        assert "business_id" in caught.value.fields
        db.session.rollback()
        assert db.session.scalar(select(func.count(Organization.id))) == 1
        assert db.session.get(OrganizationProposal, second_id).status == "pending"
        assert _mail_count("organization_proposal_approved") == 1


def test_the_same_proposal_approved_twice_creates_one_organisation(app, make):
    proposer, staff = make.user("ngo", email="first@example.org"), make.user("staff")
    with app.app_context():  # no Y-tunnus: nothing unique in the organisation itself
        proposal_id = membership.propose_organization(db.session.get(User, proposer.id), {
            "name": "Uusi ry", "email": "info@uusi.example"}).id
        db.session.commit()
    stale = _read_as_it_was(app, OrganizationProposal, proposal_id)
    with app.app_context():
        membership.approve_proposal(db.session.get(OrganizationProposal, proposal_id),
                                    actor=db.session.get(User, staff.id))
        db.session.commit()
    with app.app_context():
        with pytest.raises(Conflict):
            membership.approve_proposal(db.session.merge(stale, load=False), actor=db.session.get(User, staff.id))
        db.session.rollback()
        assert db.session.scalar(select(func.count(Organization.id))) == 1
        assert _mail_count("organization_proposal_approved") == 1


def test_the_second_approval_page_answers_409_with_the_reason(app, client, login, two_proposals):
    (first_id, second_id), staff = two_proposals
    login(staff)
    assert client.post(f"/organisation-proposals/{first_id}/approve").status_code == 302
    response = client.post(f"/organisation-proposals/{second_id}/approve")
    assert response.status_code == 409
    assert "business ID" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Organization.id))) == 1
