"""Objects of sign-up and organisation membership for the authorisation matrix (issue 15).

ngo A is the contact person of org A (its first member). Each provider makes a fresh object, so
that a role allowed to act does not leave a used one for the next role.
"""
from __future__ import annotations

import itertools
import secrets
from typing import Any

from app.accounts import signup
from app.accounts.membership_models import Membership, OrganizationProposal, PendingSignup
from app.accounts.models import Organization, User
from app.core.types import utcnow
from app.extensions import db

_n = itertools.count(1)


def signup_objects(app, world) -> dict[str, Any]:
    """Providers keyed as tests/security/routes.py PARAMS expect them."""

    def _user(**fields) -> int:
        n = next(_n)
        user = User(email=f"joiner{n}-{secrets.token_hex(3)}@example.org", name=f"Joiner {n}", role="ngo",
                    **fields)
        db.session.add(user)
        db.session.flush()
        return user.id

    def _membership(status: str, role: str = "member") -> int:
        with app.app_context():
            user_id = _user(organization_id=world.org_a.id if status == "approved" else None)
            row = Membership(user_id=user_id, organization_id=world.org_a.id, status=status, role=role)
            db.session.add(row)
            db.session.commit()
            return row.id

    def own_request() -> int:
        """ngo A's own pending request (to a new organisation; ngo A's own is kept as it is)."""
        with app.app_context():
            org = Organization(name=f"Asked {next(_n)} ry", email="asked@example.org")
            db.session.add(org)
            db.session.flush()
            row = Membership(user_id=world.ngo_a.id, organization_id=org.id, status="pending")
            db.session.add(row)
            db.session.commit()
            return row.id

    def proposal() -> int:
        with app.app_context():
            row = OrganizationProposal(proposer_id=_user(), name=f"Proposed {next(_n)} ry",
                                       email="proposed@example.org")
            db.session.add(row)
            db.session.commit()
            return row.id

    with app.app_context():
        pending = PendingSignup(email="pending.signup@example.org", name="Pending", password_hash="x",
                                locale="fi", secret=secrets.token_hex(16), privacy_accepted_at=utcnow())
        db.session.add(pending)
        db.session.commit()
        token = signup.verification_token(pending)
    return {
        "signup_token": token,
        "new_join_request": lambda: _membership("pending"),
        "new_member": lambda: _membership("approved"),
        "new_contact": lambda: _membership("approved", "contact"),
        "new_own_request": own_request,
        "new_org_proposal": proposal,
    }
