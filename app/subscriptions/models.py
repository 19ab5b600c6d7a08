"""Subscriptions and the records that make every mail go out exactly once.

- ``Subscription``: a signed-in user's wish to hear of new meetings of a theme and/or a district,
  at once or in a weekly digest. ``key`` (``t<theme>|d<district>``) with the unique (user, key)
  pair keeps one subscription per choice (NULLs would not collide in a unique constraint).
- ``SeriesAnnouncement``: when a series was first published (``announcements.py`` writes it from a
  session hook, so the meetings package needs no call); only series announced after a subscription
  was made are sent to it.
- ``SubscriptionNotice``: the unique (user, series) row claimed in the same transaction as the
  mail, by ``INSERT … ON CONFLICT DO NOTHING``: a person hears of a series once, whether through an
  immediate mail or a digest, however many subscriptions match and however many hosts run the jobs.
- ``SubscriptionDigest``: the unique (user, ISO week) row: at most one digest a week.
- ``MeetingReminder``: the unique (registration, start) row: one reminder per registration and date
  (a date moved to another time is reminded again for its new time).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.statuses import LabelledStatus
from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class Frequency(LabelledStatus):
    IMMEDIATE = "immediate"
    WEEKLY = "weekly"

    @classmethod
    def _labels(cls):
        return {cls.IMMEDIATE: _l("At once"), cls.WEEKLY: _l("Weekly digest")}


def subscription_key(theme_id: int | None, district: str | None) -> str:
    """The (theme, district) choice as one comparable string."""
    return f"t{theme_id or ''}|d{district or ''}"


class Subscription(db.Model):
    """New meetings of a theme and/or a district (both given: a meeting must match both)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("theme_id IS NOT NULL OR district IS NOT NULL", name="theme_or_district"),
        CheckConstraint("frequency IN ('immediate', 'weekly')", name="frequency"),
        UniqueConstraint("user_id", "key", name="uq_subscription_user_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_themes.id", ondelete="CASCADE"), index=True)
    district: Mapped[str | None] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(40))
    frequency: Mapped[str] = mapped_column(String(10), default=Frequency.IMMEDIATE.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
    theme = relationship("MeetingTheme")


class SeriesAnnouncement(db.Model):
    """The first publication of a series: what subscriptions are told about."""

    __tablename__ = "series_announcements"

    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SubscriptionNotice(db.Model):
    """This person has been told of this series (immediately or in a digest)."""

    __tablename__ = "subscription_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "series_id", name="uq_subscription_notice_user_series"),
        CheckConstraint("via IN ('immediate', 'weekly')", name="via"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True)
    via: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubscriptionDigest(db.Model):
    """The weekly digest of one person for one ISO week (e.g. ``2026-W49``)."""

    __tablename__ = "subscription_digests"
    __table_args__ = (UniqueConstraint("user_id", "week", name="uq_subscription_digest_user_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))
    series_count: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingReminder(db.Model):
    """A reminder sent to a registrant before one meeting date."""

    __tablename__ = "meeting_reminders"
    __table_args__ = (UniqueConstraint("registration_id", "starts_at", name="uq_meeting_reminder_registration_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("meeting_registrations.id", ondelete="CASCADE"))
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
