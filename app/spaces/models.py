"""Resident spaces and their bookings.

A booking occupies ``[block_starts_at, block_ends_at)`` = its own interval plus the space's buffer
after it. Two live bookings of one space may never have overlapping blocks: PostgreSQL enforces it
with a btree_gist exclusion constraint (DESIGN.md), SQLite by serialised (BEGIN IMMEDIATE)
check-then-insert in the service.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, CheckConstraint, DDL, Date, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, event)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db
from app.spaces.statuses import BookingStatus, RequestStatus


class Space(db.Model):
    """A resident space (asukastila) that staff book for meetings and NGO use."""

    __tablename__ = "spaces"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("buffer_minutes >= 0", name="buffer_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # Finnish, required
    address: Mapped[str] = mapped_column(String(300))
    # Swedish and English name and address; empty = the Finnish one is shown (issue 17).
    name_sv: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    address_sv: Mapped[str | None] = mapped_column(String(300))
    address_en: Mapped[str | None] = mapped_column(String(300))
    district: Mapped[str | None] = mapped_column(String(20), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    capacity: Mapped[int] = mapped_column(Integer)
    description_fi: Mapped[str | None] = mapped_column(Text)
    description_sv: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    # {"step_free": true, "accessible_toilet": true, "induction_loop": false, ...}
    accessibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    equipment: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"mon": [["08:00", "20:00"]], ...} in local time; None = bookable at any hour (CONTRACT.md)
    opening_hours: Mapped[dict[str, list[list[str]]] | None] = mapped_column(JSON)
    closed_on_holidays: Mapped[bool] = mapped_column(Boolean, default=True)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    min_duration_minutes: Mapped[int | None] = mapped_column(Integer)
    max_duration_minutes: Mapped[int | None] = mapped_column(Integer)
    booking_horizon_days: Mapped[int] = mapped_column(Integer, default=365)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    timezone: Mapped[str] = mapped_column(String(50), default="Europe/Helsinki")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    manager = relationship("User")
    exceptions: Mapped[list["SpaceException"]] = relationship(
        back_populates="space", order_by="SpaceException.day", cascade="all, delete-orphan", passive_deletes=True)

    def name_in(self, lang: str | None = None) -> str:
        """The name in ``lang`` (default: the page's or mail's language), else the Finnish one."""
        return _in_language(self.name, {"sv": self.name_sv, "en": self.name_en}, lang)

    def address_in(self, lang: str | None = None) -> str:
        """The street address in ``lang`` (default: the page's or mail's language), else the Finnish one."""
        return _in_language(self.address, {"sv": self.address_sv, "en": self.address_en}, lang)

    @property
    def local_name(self) -> str:
        return self.name_in()

    @property
    def local_address(self) -> str:
        return self.address_in()

    @property
    def name_i18n(self) -> dict[str, str | None]:
        return {"fi": self.name, "sv": self.name_sv, "en": self.name_en}

    @property
    def address_i18n(self) -> dict[str, str | None]:
        return {"fi": self.address, "sv": self.address_sv, "en": self.address_en}


def _in_language(finnish: str, others: dict[str, str | None], lang: str | None) -> str:
    if lang is None:
        from app.core.i18n import current_language

        lang = current_language()
    return (others.get(lang) or "").strip() or finnish


class SpaceException(db.Model):
    """One day whose hours differ from the weekly ones: closed, or open at other hours.

    An exception also overrides the public-holiday rule, so staff can open a space on a holiday.
    """

    __tablename__ = "space_exceptions"
    __table_args__ = (UniqueConstraint("space_id", "day", name="uq_space_exceptions_space_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # local date in the space's time zone
    # None or [] = closed all day; otherwise [["10:00", "14:00"], ...] local time
    hours: Mapped[list[list[str]] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    space: Mapped[Space] = relationship(back_populates="exceptions")

    @property
    def closed(self) -> bool:
        return not self.hours


class Booking(db.Model):
    """One booked interval of a space; recurring bookings share a ``group_id``."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("block_starts_at <= starts_at AND block_ends_at >= ends_at", name="block_covers_booking"),
        CheckConstraint("status IN ('confirmed', 'cancelled')", name="status"),
        # The conflict check reads live bookings of one space around a time: this index serves it.
        Index("ix_bookings_space_block", "space_id", "block_starts_at", "block_ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    block_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    block_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=BookingStatus.CONFIRMED.value)
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_reason: Mapped[str | None] = mapped_column(Text)  # booked outside opening hours, why
    notes: Mapped[str | None] = mapped_column(Text)
    headcount: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(Text)
    # iCalendar SEQUENCE: +1 on every change of time or status (for feeds and invitations).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    space: Mapped[Space] = relationship()
    organization = relationship("Organization")
    created_by = relationship("User")

    @property
    def is_cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED


REQUEST_STATUSES = tuple(status.value for status in RequestStatus)


class BookingRequest(db.Model):
    """An NGO asks for a slot in a space; staff approve it (it becomes a Booking) or decline it."""

    __tablename__ = "booking_requests"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("headcount > 0", name="headcount_positive"),
        CheckConstraint("status IN ('pending', 'approved', 'declined', 'withdrawn')", name="status"),
        Index("ix_booking_requests_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    headcount: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.PENDING.value)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    # A declining staff member may suggest another time; shown to the requester and mailed.
    suggested_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suggested_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    space: Mapped[Space] = relationship()
    requester = relationship("User", foreign_keys=[requester_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    organization = relationship("Organization")
    booking: Mapped[Booking | None] = relationship()


# PostgreSQL: the database itself refuses overlapping live bookings (SQLSTATE 23P01), whatever
# the concurrency. Created by create_all and by migration 0002 alike.
EXCLUSION_CONSTRAINT = "ex_bookings_no_overlap"
_create_exclusion = DDL(
    "CREATE EXTENSION IF NOT EXISTS btree_gist; "
    f"ALTER TABLE bookings ADD CONSTRAINT {EXCLUSION_CONSTRAINT} EXCLUDE USING gist "
    "(space_id WITH =, tstzrange(block_starts_at, block_ends_at, '[)') WITH &&) "
    "WHERE (status <> 'cancelled')"
)
event.listen(Booking.__table__, "after_create", _create_exclusion.execute_if(dialect="postgresql"))
