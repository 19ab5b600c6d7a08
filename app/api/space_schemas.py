"""Pydantic models of the resident-space endpoints (types here; rules in app/spaces/services/)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from app.api.schemas import ApiModel, Error
from app.spaces.statuses import BookingStatus

_UNENCODED_OFFSET = re.compile(r"^(.*T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def _plus_restored(value: Any) -> Any:
    """``?from=2026-10-26T17:00:00+02:00`` sent unencoded arrives with a space for the ``+``."""
    if isinstance(value, str):
        match = _UNENCODED_OFFSET.match(value.strip())
        if match:
            return f"{match.group(1)}+{match.group(2)}"
    return value


class LocalizedText(ApiModel):
    fi: str | None = Field(default=None, max_length=5000)
    sv: str | None = Field(default=None, max_length=5000)
    en: str | None = Field(default=None, max_length=5000)


class SpaceIn(ApiModel):
    name: str = Field(max_length=200)
    address: str = Field(max_length=300, description="Street address")
    name_sv: str | None = Field(default=None, max_length=200, description="Name in Swedish (empty: the Finnish one)")
    name_en: str | None = Field(default=None, max_length=200, description="Name in English (empty: the Finnish one)")
    address_sv: str | None = Field(default=None, max_length=300, description="Street address in Swedish")
    address_en: str | None = Field(default=None, max_length=300, description="Street address in English")
    district: str | None = Field(default=None, description="Helsinki major district key, e.g. 'eastern'")
    capacity: int = Field(description="How many people the space holds")
    opening_hours: dict[str, list[list[str]]] | None = Field(
        default=None, description='Local time, e.g. {"mon": [["08:00", "20:00"]]}; a missing weekday is closed; '
                                  "no opening_hours = bookable at any hour")
    buffer_minutes: int = Field(default=0, description="Minutes kept free after every booking")
    closed_on_holidays: bool | None = Field(
        default=None, description="Closed on Finnish public holidays (default: true when opening_hours is given)")
    min_duration_minutes: int | None = None
    max_duration_minutes: int | None = None
    booking_horizon_days: int | None = Field(default=None, description="How far ahead NGOs may ask (staff: ≥ 365)")
    latitude: float | None = None
    longitude: float | None = None
    accessibility: dict[str, bool | str] | None = Field(
        default=None, description="step_free, accessible_toilet, induction_loop, lift, accessible_parking, "
                                  "quiet_room: true/false; notes: text")
    equipment: list[str] | None = Field(
        default=None, description="projector, screen, wifi, kitchen, coffee_maker, whiteboard, sound_system, "
                                  "video_conferencing")
    description: LocalizedText | None = None
    manager_id: int | None = Field(default=None, description="A staff user who manages the space")


class ExceptionDay(ApiModel):
    date: str
    hours: list[list[str]] = Field(description="Empty: closed all day")
    note: str | None = None


class NamesI18n(ApiModel):
    fi: str
    sv: str | None = None
    en: str | None = None


class Space(ApiModel):
    id: int
    name: str
    address: str
    name_i18n: NamesI18n = Field(description="The name in fi, sv, en (sv/en null: the Finnish one is used)")
    address_i18n: NamesI18n = Field(description="The street address in fi, sv, en")
    district: str | None
    capacity: int
    latitude: float | None = None
    longitude: float | None = None
    description: LocalizedText
    accessibility: dict[str, bool | str]
    equipment: list[str]
    opening_hours: dict[str, list[list[str]]] | None
    closed_on_holidays: bool
    buffer_minutes: int
    min_duration_minutes: int | None = None
    max_duration_minutes: int | None = None
    booking_horizon_days: int
    timezone: str
    exceptions: list[ExceptionDay] = Field(default_factory=list, description="Upcoming exception days")


class RangeQuery(ApiModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: datetime | None = Field(default=None, alias="from",
                                   description="ISO 8601; default now; without an offset: the space's local time")
    to: datetime | None = Field(default=None, description="ISO 8601; default 7 days after from; at most 366 days")

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _restore_plus(cls, value: Any) -> Any:
        return _plus_restored(value)


class BookingsQuery(RangeQuery):
    include_cancelled: bool = False


class SpacesQuery(ApiModel):
    district: str | None = None
    capacity: int | None = Field(default=None, description="At least this many people")
    accessibility: str | None = Field(default=None, description="Comma-separated facts that must hold")


class Interval(ApiModel):
    start: str = Field(description="ISO 8601 with offset (Europe/Helsinki)")
    end: str


class Availability(ApiModel):
    busy: list[Interval] = Field(description="Booked intervals")
    open: list[Interval] = Field(description="Opening hours")
    free: list[Interval] = Field(description="Open, not booked, buffers left out: where a booking fits")


class BookingIn(ApiModel):
    title: str = Field(max_length=200)
    start: datetime = Field(description="ISO 8601; without an offset: the space's local time")
    end: datetime
    rrule: str | None = Field(default=None, description="RFC 5545 RRULE with COUNT or UNTIL, e.g. FREQ=WEEKLY;COUNT=10")
    skip_conflicts: bool = Field(default=False, description="Book the free dates, list the others in skipped")
    override_reason: str | None = Field(default=None, max_length=1000,
                                        description="Book outside the opening hours, for this reason")
    headcount: int | None = None
    purpose: str | None = Field(default=None, max_length=2000)


class Occurrence(ApiModel):
    id: int
    start: str
    end: str


class SkippedOccurrence(ApiModel):
    start: str
    end: str
    reason: Literal["conflict", "closed"]


class BookingCreated(ApiModel):
    id: int = Field(description="The first booking; each occurrence is a booking of its own")
    group_id: str | None = Field(description="Shared by the bookings of one recurring booking")
    rrule: str | None = None
    occurrences: list[Occurrence]
    skipped: list[SkippedOccurrence]


class Booking(ApiModel):
    id: int
    space_id: int
    title: str
    start: str
    end: str
    status: Literal[BookingStatus.CONFIRMED, BookingStatus.CANCELLED]
    group_id: str | None = None
    headcount: int | None = None
    purpose: str | None = None
    override_reason: str | None = None
    organization_id: int | None = None
    sequence: int


class ConflictItem(ApiModel):
    start: str = Field(description="The existing booking in the way")
    end: str
    booking_id: int
    requested: Interval


class ConflictError(Error):
    conflicts: list[ConflictItem]


class DeleteQuery(ApiModel):
    scope: Literal["occurrence", "series"] = Field(
        default="occurrence", description="series: also the later bookings of the same recurring booking")
