"""GET /api/v1/me: the token's user, their organisation and their memberships (issue 15)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.membership_models import Membership
from app.api import schemas
from app.api.core import endpoint
from app.extensions import db

HELSINKI = ZoneInfo("Europe/Helsinki")


class OrganizationRef(BaseModel):
    id: int
    name: str
    business_id: str | None


class MembershipOut(BaseModel):
    organization: OrganizationRef
    role: str  # "member" | "contact"
    status: str  # "pending" | "approved" | "declined" | "removed"
    requested_at: str
    decided_at: str | None


class Me(BaseModel):
    id: int
    name: str
    email: str
    role: str
    locale: str
    email_verified_at: str | None
    organization: OrganizationRef | None
    memberships: list[MembershipOut]


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(HELSINKI).isoformat() if value is not None else None


def _org(org) -> dict:
    return {"id": org.id, "name": org.name, "business_id": org.business_id}


@endpoint("/me", "GET", summary="The signed-in user's profile and organisation memberships", tag="me",
          role="ngo", responses={200: Me, 401: schemas.Error})
def get_me(user):
    rows = db.session.scalars(select(Membership).options(joinedload(Membership.organization))
                              .where(Membership.user_id == user.id)
                              .order_by(Membership.requested_at.desc(), Membership.id.desc())).all()
    return {
        "id": user.id, "name": user.name, "email": user.email, "role": user.role, "locale": user.locale,
        "email_verified_at": _iso(user.email_verified_at),
        "organization": _org(user.organization) if user.organization is not None else None,
        "memberships": [{"organization": _org(row.organization), "role": row.role, "status": row.status,
                         "requested_at": _iso(row.requested_at), "decided_at": _iso(row.decided_at)}
                        for row in rows],
    }
