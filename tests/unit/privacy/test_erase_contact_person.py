"""Erasing an organisation's only contact person (GDPR) never leaves its members without one: the
longest-standing member becomes the contact person (issue 15)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts import membership
from app.accounts.membership_models import Membership
from app.accounts.models import User
from app.core.audit import AuditEvent
from app.core.types import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.privacy import services


def _approve(app, user, org, contact, *, days_ago: int) -> None:
    with app.app_context():
        asked, approved = utcnow() - timedelta(days=days_ago + 1), utcnow() - timedelta(days=days_ago)
        row = membership.request_to_join(db.session.get(User, user.id), org.id, now=asked)
        membership.approve_request(row, actor=db.session.get(User, contact.id), now=approved)
        db.session.commit()


def test_erasing_the_only_contact_person_promotes_the_longest_standing_member(app, make):
    org = make.organization()
    contact = make.user("ngo", organization=org, email="contact@example.org")
    newer, older = make.user("ngo", email="newer@example.org"), make.user("ngo", email="older@example.org")
    _approve(app, older, org, contact, days_ago=30)
    _approve(app, newer, org, contact, days_ago=2)
    with app.app_context():
        services.erase_person(db.session.get(User, contact.id), actor=None)
        db.session.commit()
        assert membership.contacts_of(org.id) == [db.session.get(User, older.id)]
        assert not membership.is_contact(db.session.get(User, newer.id), org.id)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.contact"))
        assert event is not None and event.data.get("reason") == "erasure"
        assert ("older@example.org", "membership_contact_promoted") in db.session.execute(
            select(OutboxMessage.recipient, OutboxMessage.kind)).all()


def test_another_contact_person_or_no_members_changes_nothing(app, make):
    org = make.organization()
    contact = make.user("ngo", organization=org, email="contact@example.org")
    second = make.user("ngo", email="second@example.org")
    _approve(app, second, org, contact, days_ago=3)
    with app.app_context():
        membership.set_contact(membership.membership_of(db.session.get(User, second.id), org.id), True,
                               actor=db.session.get(User, contact.id))
        db.session.commit()
        lone_org = make.organization()
        lone = make.user("ngo", organization=lone_org, email="lone@example.org")
        for person in (contact, lone):
            services.erase_person(db.session.get(User, person.id), actor=None)
        db.session.commit()
        assert membership.contacts_of(org.id) == [db.session.get(User, second.id)]
        assert membership.contacts_of(lone_org.id) == []
        assert db.session.scalar(select(Membership.id).where(Membership.organization_id == lone_org.id)) is None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.contact",
                                                          AuditEvent.data["reason"].as_string() == "erasure")) is None
