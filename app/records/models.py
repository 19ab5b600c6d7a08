"""A meeting record per occurrence, its materials, and the reminders sent about missing records.

- ``MeetingRecord``: the agenda (before the meeting) and the minutes (after it) in fi / sv / en,
  the attendee count, the attending organisations and the topics discussed. Draft until
  ``published_at`` is set; ``notified_at`` is claimed once so that registrants are mailed once.
- ``MeetingAttachment``: a file of one occurrence. The bytes live in the storage (``storage.py``)
  under ``storage_key``; the row says who may download it (public before the meeting or with the
  published record).
- ``RecordReminder``: the unique (occurrence, days) pair makes ``flask records remind`` send each
  reminder once, however many hosts run it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

record_organizations = Table(
    "meeting_record_organizations",
    db.metadata,
    Column("record_id", ForeignKey("meeting_records.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)

record_topics = Table(
    "meeting_record_topics",
    db.metadata,
    Column("record_id", ForeignKey("meeting_records.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("topic_proposals.id", ondelete="CASCADE"), primary_key=True),
)


class MeetingRecord(db.Model):
    """What was said at one occurrence: agenda, minutes, who took part, topics discussed."""

    __tablename__ = "meeting_records"
    __table_args__ = (
        CheckConstraint("attendees_count IS NULL OR attendees_count >= 0", name="attendees_nonnegative"),
        CheckConstraint("published_at IS NULL OR summary_fi IS NOT NULL", name="published_has_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"),
                                               unique=True)
    agenda_fi: Mapped[str | None] = mapped_column(Text)
    agenda_sv: Mapped[str | None] = mapped_column(Text)
    agenda_en: Mapped[str | None] = mapped_column(Text)
    # The minutes; Finnish is required to publish, Swedish and English fall back to it.
    summary_fi: Mapped[str | None] = mapped_column(Text)
    summary_sv: Mapped[str | None] = mapped_column(Text)
    summary_en: Mapped[str | None] = mapped_column(Text)
    attendees_count: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set once, by whoever first publishes: registrants get one mail even if it is republished.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    occurrence = relationship("MeetingOccurrence")
    organizations = relationship("Organization", secondary=record_organizations, order_by="Organization.name")
    topics = relationship("TopicProposal", secondary=record_topics, order_by="TopicProposal.title")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class MeetingAttachment(db.Model):
    """One file of an occurrence (agenda, slides, minutes appendix, photo)."""

    __tablename__ = "meeting_attachments"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_nonnegative"),
        Index("ix_meeting_attachments_occurrence", "occurrence_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    # Agenda and slides: downloadable as soon as the meeting is public; others with the record.
    public_before_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    occurrence = relationship("MeetingOccurrence")

    @property
    def label(self) -> str:
        return self.title or self.filename


class RecordReminder(db.Model):
    """A reminder to staff that an occurrence's record is unpublished ``days`` after the meeting."""

    __tablename__ = "meeting_record_reminders"
    __table_args__ = (UniqueConstraint("occurrence_id", "days", name="uq_record_reminder_occurrence_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"))
    days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
