"""GDPR part of sign-in with OpenID Connect: the person's links to sign-in services (user_identities).

Exported with the account; erased with it (the rows are deleted, so the provider's account no longer
leads to the closed one; signing in there again would create a new, empty account).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.accounts.oidc_models import UserIdentity
from app.extensions import db
from app.privacy.registry import PersonalDataSource, Subject, iso, register_source


def export_identities(subject: Subject) -> list[dict[str, Any]]:
    """The sign-in services linked to the account."""
    if subject.user is None:
        return []
    rows = db.session.scalars(select(UserIdentity).where(UserIdentity.user_id == subject.user.id)
                              .order_by(UserIdentity.id))
    return [{"provider": r.provider, "issuer": r.issuer, "subject": r.subject, "email": r.email,
             "created_at": iso(r.created_at), "last_login_at": iso(r.last_login_at)} for r in rows]


def erase_identities(subject: Subject, *, actor: Any, now: datetime) -> int:
    """Delete the links (before the account itself is closed)."""
    if subject.user is None:
        return 0
    result = db.session.execute(db.delete(UserIdentity).where(UserIdentity.user_id == subject.user.id)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


register_source(PersonalDataSource("sign_in_services", export_identities, erase_identities, order=85))
