"""Guidance hours, their dated windows, the appointments booked into slots, adviser feed keys.

A guidance hour is a recurring window (local wall-clock start + IANA zone + optional RRULE, the
rules of :mod:`app.scheduling`) cut into slots of ``slot_minutes``. Each date of the rule
is materialised as a :class:`GuidanceWindow` so that a resident space booking, a cancellation of
one date and the adviser's day view have a row to hang on.

**A slot never gets two appointments**: the partial unique index
``uq_guidance_appointment_live_slot`` on ``(guidance_hour_id, starts_at) WHERE status <> 'cancelled'``
refuses a second live appointment at the same start on SQLite and PostgreSQL alike, whatever the
concurrency; a cancelled appointment leaves the index at once, so the slot is free again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db
from app.guidance.statuses import AppointmentStatus, HourStatus, WindowStatus

HOUR_STATUSES = tuple(HourStatus)
WINDOW_STATUSES = tuple(WindowStatus)
APPOINTMENT_STATUSES = tuple(AppointmentStatus)

guidance_hour_advisers = Table(
    "guidance_hour_advisers",
    db.metadata,
    Column("guidance_hour_id", ForeignKey("guidance_hours.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class GuidanceHour(db.Model):
    """Recurring guidance offered by staff, e.g. "Grant application clinic, Tuesdays 9–11"."""

    __tablename__ = "guidance_hours"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 720", name="duration_range"),
        CheckConstraint("slot_minutes >= 5 AND slot_minutes <= duration_minutes", name="slot_range"),
        CheckConstraint("duration_minutes % slot_minutes = 0", name="slots_divide_window"),
        CheckConstraint("status IN ('published', 'cancelled')", name="status"),
        CheckConstraint("reminder_hours_before IS NULL OR (reminder_hours_before >= 1 AND "
                        "reminder_hours_before <= 336)", name="reminder_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True)  # iCalendar UID prefix, stable
    title_fi: Mapped[str] = mapped_column(String(200))
    title_sv: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_fi: Mapped[str | None] = mapped_column(Text)
    description_sv: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    # Wall-clock start of the first window in ``timezone`` (naive on purpose, like meeting series).
    start_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Helsinki")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    rrule: Mapped[str | None] = mapped_column(String(500))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="SET NULL"), index=True)
    location: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_themes.id", ondelete="SET NULL"), index=True)
    # The optional question of the booking form; empty = a free "what would you like to discuss" field.
    question_fi: Mapped[str | None] = mapped_column(String(300))
    question_sv: Mapped[str | None] = mapped_column(String(300))
    question_en: Mapped[str | None] = mapped_column(String(300))
    question_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # No ORM default on purpose: None (no reminder) would be replaced by it on INSERT.
    reminder_hours_before: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=HourStatus.PUBLISHED.value, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    advisers = relationship("User", secondary=guidance_hour_advisers, order_by="User.name")
    space = relationship("Space")
    theme = relationship("MeetingTheme")
    windows: Mapped[list["GuidanceWindow"]] = relationship(
        back_populates="guidance_hour", order_by="GuidanceWindow.starts_at", passive_deletes=True)


class GuidanceWindow(db.Model):
    """One date of a guidance hour: ``[starts_at, ends_at)``, cut into slots."""

    __tablename__ = "guidance_windows"
    __table_args__ = (
        UniqueConstraint("guidance_hour_id", "starts_at", name="uq_guidance_window_start"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"),
        Index("ix_guidance_windows_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guidance_hour_id: Mapped[int] = mapped_column(ForeignKey("guidance_hours.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=WindowStatus.SCHEDULED.value)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    guidance_hour: Mapped[GuidanceHour] = relationship(back_populates="windows")


class GuidanceAppointment(db.Model):
    """One booked slot: who, for which organisation, and what they want advice on."""

    __tablename__ = "guidance_appointments"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('booked', 'cancelled')", name="status"),
        # THE guarantee: one live appointment per slot; cancelled rows leave the index at once.
        Index("uq_guidance_appointment_live_slot", "guidance_hour_id", "starts_at", unique=True,
              sqlite_where=db.text("status <> 'cancelled'"),
              postgresql_where=db.text("status <> 'cancelled'")),
        Index("ix_guidance_appointments_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guidance_hour_id: Mapped[int] = mapped_column(ForeignKey("guidance_hours.id", ondelete="CASCADE"), index=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("guidance_windows.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=AppointmentStatus.BOOKED.value)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-case; empty once anonymised
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    organization_name: Mapped[str | None] = mapped_column(String(200))  # free text when not in the registry
    question: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(2), default="fi")
    # 128 random bits; the manage link is a signed token carrying (id, secret).
    manage_secret: Mapped[str] = mapped_column(String(64))
    # iCalendar SEQUENCE of the invitation: +1 on every move and on cancellation.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    guidance_hour: Mapped[GuidanceHour] = relationship()
    window: Mapped[GuidanceWindow] = relationship()
    organization = relationship("Organization")
    user = relationship("User")


class GuidanceAdviserFeed(db.Model):
    """The version of an adviser's calendar feed key; bumping it revokes every URL given out before."""

    __tablename__ = "guidance_adviser_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
