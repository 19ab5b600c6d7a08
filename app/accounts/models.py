"""Accounts: users with roles, NGOs (organisations) and API tokens."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class Role(str, enum.Enum):
    """admin ⊇ staff ⊇ ngo."""

    NGO = "ngo"
    STAFF = "staff"
    ADMIN = "admin"


ROLE_RANK = {Role.NGO.value: 1, Role.STAFF.value: 2, Role.ADMIN.value: 3}


class Organization(db.Model):
    """A non-governmental organisation (järjestö) that cooperates with the city."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    business_id: Mapped[str | None] = mapped_column(String(9), unique=True)  # Y-tunnus NNNNNNN-C
    email: Mapped[str] = mapped_column(String(254))
    district: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    members: Mapped[list["User"]] = relationship(back_populates="organization", order_by="User.name")


class User(UserMixin, db.Model):
    """A person who logs in: an NGO representative, a city staff member or an admin."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('ngo', 'staff', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # always lower-case
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default=Role.NGO.value)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(2), default="fi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to revoke the personal calendar feed URL (the token is derived from it).
    feed_token_version: Mapped[int] = mapped_column(Integer, default=1)
    # Part of the id kept in the session cookie: bumping it ends every session of the user
    # (logout, password change or reset, deactivation, erasure). Cookies are signed, not stored.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person confirmed the address through a sign-up link (issue 15); accounts made
    # by staff or the command line were never asked, so it stays empty for them.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship(back_populates="members")

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session version."""
        return f"{self.id}:{self.session_version or 1}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, role: str | Role) -> bool:
        """True when the user's role includes ``role`` (admin ⊇ staff ⊇ ngo)."""
        wanted = role.value if isinstance(role, Role) else role
        return ROLE_RANK.get(self.role, 0) >= ROLE_RANK[wanted]

    @property
    def is_staff(self) -> bool:
        return self.has_role(Role.STAFF)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class ApiToken(db.Model):
    """A Bearer token for the JSON API; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))  # lets the owner recognise a token in the list
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
