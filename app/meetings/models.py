"""Meeting series, their materialised occurrences and registrations.

A series is a local wall-clock start + IANA zone + optional RRULE (see :mod:`app.scheduling`).
Occurrences are materialised up to a horizon so that seats, registrations, bookings and feedback
have a row to hang on; each keeps the instant the rule gave it (``recurrence_id``, the
iCalendar RECURRENCE-ID) even when staff move it.

Capacity is guarded by the database: ``seats_taken`` counts confirmed seats and a CHECK keeps it
within ``capacity``; services change it only with a conditional UPDATE (DESIGN.md).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Table,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db
from app.meetings.statuses import Attendance, OccurrenceStatus, RegistrationStatus, SeriesStatus

SERIES_STATUSES = tuple(s.value for s in SeriesStatus)
OCCURRENCE_STATUSES = tuple(s.value for s in OccurrenceStatus)
REGISTRATION_STATUSES = tuple(s.value for s in RegistrationStatus)
ATTENDANCE = tuple(s.value for s in Attendance)
MEETING_LANGUAGES = ("fi", "sv", "en", "multi")

series_themes = Table(
    "series_themes",
    db.metadata,
    Column("series_id", ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("meeting_themes.id", ondelete="CASCADE"), primary_key=True),
)


class MeetingTheme(db.Model):
    """A theme of the cooperation model (co-development, resident spaces, grant guidance, ...)."""

    __tablename__ = "meeting_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MeetingSeries(db.Model):
    """A recurring (or one-off) city–NGO meeting."""

    __tablename__ = "meeting_series"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("max_seats_per_registration > 0", name="max_seats_positive"),
        CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status"),
        CheckConstraint("reminder_hours_before IS NULL OR (reminder_hours_before >= 1 AND "
                        "reminder_hours_before <= 336)", name="reminder_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # iCalendar UID: stable forever, also across edits of the rule.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    title_fi: Mapped[str] = mapped_column(String(200))
    title_sv: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_fi: Mapped[str | None] = mapped_column(Text)
    description_sv: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    audience_fi: Mapped[str | None] = mapped_column(String(300))
    audience_sv: Mapped[str | None] = mapped_column(String(300))
    audience_en: Mapped[str | None] = mapped_column(String(300))
    organiser_unit: Mapped[str | None] = mapped_column(String(200))  # Finnish (the required language)
    organiser_unit_sv: Mapped[str | None] = mapped_column(String(200))
    organiser_unit_en: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="fi")  # spoken at the meeting
    # Wall-clock start of the first occurrence in ``timezone`` (naive on purpose).
    start_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Helsinki")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    rrule: Mapped[str | None] = mapped_column(String(500))  # normalised, UNTIL in UTC
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int] = mapped_column(Integer)
    waitlist: Mapped[bool] = mapped_column(Boolean, default=True)
    max_seats_per_registration: Mapped[int] = mapped_column(Integer, default=1)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_minutes_before: Mapped[int] = mapped_column(Integer, default=0)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="SET NULL"), index=True)
    location: Mapped[str | None] = mapped_column(String(300))  # street address when not in a space
    online_url: Mapped[str | None] = mapped_column(String(500))
    district: Mapped[str | None] = mapped_column(String(20), index=True)
    # Hours before each date that registrants are reminded (app/subscriptions/reminders.py); None: no
    # reminder. No ORM default: None would be replaced by it on INSERT; rows made elsewhere get 24.
    reminder_hours_before: Mapped[int | None] = mapped_column(Integer, server_default="24")
    status: Mapped[str] = mapped_column(String(10), default=SeriesStatus.DRAFT.value, index=True)
    # iCalendar SEQUENCE: +1 on every change of time, rule or status.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Occurrences exist up to this instant; `flask meetings materialise` extends it.
    materialised_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The current definition (start, rule, duration) applies to dates from this instant on; the
    # earlier ones follow their MeetingSeriesSegment (None: the whole series, never split).
    segment_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    themes: Mapped[list[MeetingTheme]] = relationship(secondary=series_themes, order_by=MeetingTheme.position)
    occurrences: Mapped[list["MeetingOccurrence"]] = relationship(
        back_populates="series", order_by="MeetingOccurrence.starts_at", passive_deletes=True)
    space = relationship("Space")


class MeetingOccurrence(db.Model):
    """One date of a series; the unit people register for."""

    __tablename__ = "meeting_occurrences"
    __table_args__ = (
        UniqueConstraint("series_id", "recurrence_id", name="uq_occurrence_recurrence"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"),
        Index("ix_meeting_occurrences_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True)
    # The start the rule gave this occurrence (UTC); stays when the occurrence is moved.
    recurrence_id: Mapped[datetime] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=OccurrenceStatus.SCHEDULED.value)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)  # confirmed seats
    # True when staff moved or changed this one occurrence (an iCalendar override).
    moved: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    series: Mapped[MeetingSeries] = relationship(back_populates="occurrences")
    booking = relationship("Booking")

    @property
    def free_seats(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


class Registration(db.Model):
    """A person's seats at one occurrence: confirmed, on the waiting list, or cancelled."""

    __tablename__ = "meeting_registrations"
    __table_args__ = (
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status"),
        CheckConstraint("attendance IS NULL OR attendance IN ('present', 'no_show')", name="attendance"),
        # One live registration per email and occurrence; the database refuses a second one.
        Index("uq_registration_live_email", "occurrence_id", "email", unique=True,
              sqlite_where=db.text("status <> 'cancelled'"),
              postgresql_where=db.text("status <> 'cancelled'")),
        Index("ix_registrations_occurrence_status", "occurrence_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-case
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    organization_name: Mapped[str | None] = mapped_column(String(200))  # free text when not in the registry
    seats: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10))
    needs: Mapped[str | None] = mapped_column(Text)  # accessibility / dietary needs
    show_on_participant_list: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str] = mapped_column(String(2), default="fi")
    # 128 random bits; the manage link is a signed token carrying (id, secret).
    manage_secret: Mapped[str] = mapped_column(String(64))
    attendance: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when personal data was removed (retention or erasure); counts stay for the report.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    occurrence: Mapped[MeetingOccurrence] = relationship()
    user = relationship("User")
    organization = relationship("Organization")


class MeetingSeriesSegment(db.Model):
    """An earlier definition of a series' dates, closed when staff changed the time or the rule
    from a date onward (``effective_from``): the dates before ``ends_before`` keep it.

    Feeds write each segment as its own VEVENT (own UID, RRULE ending before the split) so that
    clients never re-time the dates that the service kept. The series row holds the current
    definition, valid from ``MeetingSeries.segment_from``.
    """

    __tablename__ = "meeting_series_segments"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        Index("ix_meeting_series_segments_series", "series_id", "ends_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(140), unique=True)  # iCalendar UID of this segment
    start_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    rrule: Mapped[str | None] = mapped_column(String(500))
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    # Dates of the rule in [starts_from, ends_before) belong to this segment (UTC instants).
    starts_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_before: Mapped[datetime] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
