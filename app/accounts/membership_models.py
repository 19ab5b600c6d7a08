"""Who belongs to which organisation, pending sign-ups and proposed organisations (issue 15).

``users.organization_id`` stays the organisation a person acts for everywhere else in the app
(bookings, registrations, topics); a membership row says how they got there and with which role.
The membership services keep the two in step: an approved membership sets it, a removal clears it.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organization, User
from app.core.statuses import LabelledStatus
from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class MembershipRole(LabelledStatus):
    MEMBER = "member"
    CONTACT = "contact"

    @classmethod
    def _labels(cls):
        return {cls.MEMBER: _l("Member"), cls.CONTACT: _l("Contact person")}


class MembershipStatus(LabelledStatus):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    REMOVED = "removed"

    @classmethod
    def _labels(cls):
        return {cls.PENDING: _l("Waiting for approval"), cls.APPROVED: _l("Member"),
                cls.DECLINED: _l("Declined"), cls.REMOVED: _l("Removed")}


class ProposalStatus(LabelledStatus):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"

    @classmethod
    def _labels(cls):
        return {cls.PENDING: _l("Waiting for approval"), cls.APPROVED: _l("Approved"),
                cls.DECLINED: _l("Declined")}


class Membership(db.Model):
    """A person's request to join an organisation, and once approved their membership."""

    __tablename__ = "organization_memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organization_id", name="uq_organization_memberships_user_org"),
        CheckConstraint("role IN ('member', 'contact')", name="role"),
        CheckConstraint("status IN ('pending', 'approved', 'declined', 'removed')", name="status"),
        Index("ix_organization_memberships_org_status", "organization_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10), default=MembershipRole.MEMBER.value)
    status: Mapped[str] = mapped_column(String(10), default=MembershipStatus.PENDING.value)
    message: Mapped[str | None] = mapped_column(Text)  # what the requester wrote to the contact person
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class PendingSignup(db.Model):
    """A sign-up whose address is not yet verified. The user row is created only by the link in
    the verification mail, so an unverified address can never log in; rows older than the link's
    lifetime are deleted on the next sign-up (they hold personal data nobody confirmed)."""

    __tablename__ = "pending_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(2), default="fi")
    secret: Mapped[str] = mapped_column(String(32))  # 128 random bits, part of the link
    privacy_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OrganizationProposal(db.Model):
    """A signed-up person proposes an organisation that is not in the service yet; staff decide."""

    __tablename__ = "organization_proposals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'declined')", name="status"),
        Index("ix_organization_proposals_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    business_id: Mapped[str | None] = mapped_column(String(9))
    email: Mapped[str] = mapped_column(String(254))
    district: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.PENDING.value)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
