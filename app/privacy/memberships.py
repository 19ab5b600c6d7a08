"""GDPR export and erasure of sign-up data: memberships of organisations, proposed organisations and
unconfirmed sign-ups (issue 15). Registered from ``app._register_signup_blueprints``."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.membership import hand_over_contact
from app.accounts.membership_models import Membership, OrganizationProposal, PendingSignup
from app.extensions import db
from app.privacy.registry import PersonalDataSource, Subject, iso, register_source


def _memberships(subject: Subject) -> list[Membership]:
    if subject.user is None:
        return []
    return list(db.session.scalars(select(Membership).options(selectinload(Membership.organization))
                                   .where(Membership.user_id == subject.user.id).order_by(Membership.id)))


def _proposals(subject: Subject) -> list[OrganizationProposal]:
    if subject.user is None:
        return []
    return list(db.session.scalars(select(OrganizationProposal).where(
        OrganizationProposal.proposer_id == subject.user.id).order_by(OrganizationProposal.id)))


def _pending(subject: Subject) -> list[PendingSignup]:
    return list(db.session.scalars(select(PendingSignup).where(subject.matches(PendingSignup))))


def export(subject: Subject) -> dict[str, Any]:
    """What the person's sign-up left: memberships, proposals, an unconfirmed sign-up."""
    return {
        "memberships": [{"organization": row.organization.name, "role": row.role, "status": row.status,
                         "message": row.message, "requested_at": iso(row.requested_at),
                         "decided_at": iso(row.decided_at)} for row in _memberships(subject)],
        "organization_proposals": [{"name": p.name, "business_id": p.business_id, "email": p.email,
                                    "district": p.district, "status": p.status, "created_at": iso(p.created_at)}
                                   for p in _proposals(subject)],
        "unconfirmed_signups": [{"name": p.name, "email": p.email, "created_at": iso(p.created_at)}
                                for p in _pending(subject)],
    }


def erase(subject: Subject, *, actor: Any, now: datetime) -> int:
    """Delete them: a membership means nothing without the person (the audit trail keeps the
    decisions by id). An organisation whose last contact person this was, and that still has
    members, gets its longest-standing member as contact person (told by mail)."""
    memberships = _memberships(subject)
    for row in memberships:
        hand_over_contact(row, actor=actor)
    rows: list[Any] = [*memberships, *_proposals(subject), *_pending(subject)]
    for row in rows:
        db.session.delete(row)
    return len(rows)


def register() -> None:
    register_source(PersonalDataSource("memberships", export, erase, order=25))


register()
