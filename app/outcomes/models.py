"""Outcomes: what came of topics and meetings (Decidim's accountability, kerrokantasi's "what next").

An ``Outcome`` links to topic proposals, occurrences and themes; its ``status`` is the latest
one and every change of status or note is an ``OutcomeEvent`` on the dated timeline.
``OutcomeFollower`` rows are unique per (outcome, user): following twice is one row, and an
unfollow keeps the row with ``unfollowed_at`` set, so that linking another topic later does not
silently follow the person again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db
from app.outcomes.statuses import OutcomeStatus

OUTCOME_STATUSES = tuple(OutcomeStatus)

outcome_topics = Table(
    "outcome_topics",
    db.metadata,
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("topic_proposals.id", ondelete="CASCADE"), primary_key=True, index=True),
)

outcome_occurrences = Table(
    "outcome_occurrences",
    db.metadata,
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("occurrence_id", ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

outcome_themes = Table(
    "outcome_themes",
    db.metadata,
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("meeting_themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Outcome(db.Model):
    """One thing that came of the cooperation, with its current status."""

    __tablename__ = "outcomes"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done', 'declined')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_fi: Mapped[str] = mapped_column(String(200))
    title_sv: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_fi: Mapped[str | None] = mapped_column(Text)
    description_sv: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=OutcomeStatus.OPEN.value, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    topics = relationship("TopicProposal", secondary=outcome_topics, order_by="TopicProposal.id")
    occurrences = relationship("MeetingOccurrence", secondary=outcome_occurrences,
                               order_by="MeetingOccurrence.starts_at")
    themes = relationship("MeetingTheme", secondary=outcome_themes, order_by="MeetingTheme.position")
    events: Mapped[list["OutcomeEvent"]] = relationship(
        back_populates="outcome", order_by="[OutcomeEvent.at, OutcomeEvent.id]", cascade="all, delete-orphan",
        passive_deletes=True)


class OutcomeEvent(db.Model):
    """A dated timeline entry: a new status, a note, or both (one change = one entry = one mail)."""

    __tablename__ = "outcome_events"
    __table_args__ = (
        CheckConstraint("status IS NULL OR status IN ('open', 'in_progress', 'done', 'declined')", name="status"),
        Index("ix_outcome_events_outcome_at", "outcome_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str | None] = mapped_column(String(12))  # set when the status changed
    note_fi: Mapped[str | None] = mapped_column(Text)
    note_sv: Mapped[str | None] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    outcome: Mapped[Outcome] = relationship(back_populates="events")


class OutcomeFollower(db.Model):
    """A person who gets a mail whenever the outcome changes."""

    __tablename__ = "outcome_followers"
    __table_args__ = (UniqueConstraint("outcome_id", "user_id", name="uq_outcome_follower_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # True when it was started for them because they proposed or supported a linked topic.
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    unfollowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
