"""The account, its API tokens and what the person did (the audit trail) in GDPR requests.

Accounts are scrubbed and deactivated rather than deleted, so that the audit trail of what staff
did keeps pointing at a (now anonymous) actor. The audit trail itself is exported but kept
(accountability of changes).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.accounts.models import ApiToken, Organization, User
from app.core.audit import AuditEvent
from app.core.personal_data import PersonalDataSource, Subject, iso, placeholder_email, register_source
from app.errors import Conflict
from app.extensions import db


def _export_account(subject: Subject) -> dict[str, Any] | None:
    user = subject.user
    if user is None:
        return None
    org: Organization | None = user.organization
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "locale": user.locale,
        "active": user.active,
        "organization": ({"id": org.id, "name": org.name, "business_id": org.business_id}
                         if org is not None else None),
        "created_at": iso(user.created_at),
        "updated_at": iso(user.updated_at),
        "last_login_at": iso(user.last_login_at),
    }


def _erase_account(subject: Subject, *, actor: Any, now: datetime) -> int:
    user = subject.user
    if user is None or user.email == placeholder_email("user", user.id):
        return 0
    if user.is_admin and user.active:
        others = db.session.scalar(select(func.count(User.id)).where(
            User.role == "admin", User.active.is_(True), User.id != user.id))
        if not others:
            raise Conflict(_l("The last active administrator cannot be erased."), code="last_admin")
    user.email = placeholder_email("user", user.id)
    user.name = ""
    user.password_hash = None
    user.organization_id = None
    user.active = False
    user.feed_token_version += 1  # the personal calendar feed URL stops working
    user.session_version = (user.session_version or 1) + 1  # every session ends
    return 1


def _export_tokens(subject: Subject) -> list[dict[str, Any]]:
    if subject.user is None:
        return []
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == subject.user.id)
                              .order_by(ApiToken.id))
    return [{"label": t.label, "prefix": t.prefix, "created_at": iso(t.created_at),
             "last_used_at": iso(t.last_used_at), "revoked_at": iso(t.revoked_at)} for t in rows]


def _erase_tokens(subject: Subject, *, actor: Any, now: datetime) -> int:
    if subject.user is None:
        return 0
    result = db.session.execute(delete(ApiToken).where(ApiToken.user_id == subject.user.id)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _export_audit(subject: Subject) -> list[dict[str, Any]]:
    """What the person did in the service; kept after erasure (accountability of changes)."""
    if subject.user is None:
        return []
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == subject.user.id)
                              .order_by(AuditEvent.id))
    return [{"action": e.action, "entity": e.entity, "entity_id": e.entity_id,
             "created_at": iso(e.created_at)} for e in rows]


register_source(PersonalDataSource("api_tokens", _export_tokens, _erase_tokens, order=80))
register_source(PersonalDataSource("account", _export_account, _erase_account, order=90))
register_source(PersonalDataSource("audit_events", _export_audit, None, order=200))
