"""/api/v1/guidance-hours and /api/v1/appointments: guidance hours, their slots and appointments
(CONTRACT.md "Guidance hours"). Slots carry no personal data: only start, end and free."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import Field

from app.api.core import endpoint
from app.api.meetings import Localized, LocalizedIn, LocalizedOptionalIn, RangeQuery, _parse_bound
from app.api.schemas import ApiModel, EMAIL_FORMAT, Error
from app.api.space_schemas import ConflictError
from app.core.i18n import localized_dict
from app.core.types import utcnow
from app.errors import ValidationError
from app.guidance.models import GuidanceHour
from app.guidance.online_link import redact_hours_json
from app.guidance.services import appointments as booking
from app.guidance.services import hours, slots as slot_service
from app import scheduling
from app.core.urls import external_url

_API_FIELD = {"start_local": "start", "title_fi": "title.fi", "title_sv": "title.sv", "title_en": "title.en",
              "description_fi": "description.fi", "description_sv": "description.sv",
              "description_en": "description.en", "question_fi": "question.fi", "question_sv": "question.sv",
              "question_en": "question.en"}


class GuidanceHourIn(ApiModel):
    title: LocalizedIn
    description: LocalizedOptionalIn | None = None
    start: datetime = Field(description="Local wall-clock start of the first window, e.g. 2027-02-02T09:00")
    timezone: str | None = Field(default=None, description="IANA zone, default Europe/Helsinki")
    duration_minutes: int = Field(description="Length of one window (5–720); the slot length must divide it")
    slot_minutes: int = Field(description="Length of one appointment (at least 5)")
    rrule: str | None = Field(default=None, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU; none = one date")
    space_id: int | None = Field(default=None, description="A resident space, booked for every window")
    location: str | None = Field(default=None, max_length=300, description="Street address, e.g. City Hall")
    online_url: str | None = Field(default=None, max_length=500)
    theme_id: int | None = Field(default=None, description="A theme (for the cooperation report)")
    adviser_ids: list[int] | None = Field(default=None, description="Staff user ids; default: the caller")
    question: LocalizedOptionalIn | None = Field(default=None, description="The booking form's question")
    question_required: bool = False
    reminder_hours_before: int | None = Field(default=24, description="null turns reminders off")


class GuidanceHourOut(ApiModel):
    id: int
    uid: str
    title: Localized
    description: Localized
    start: str = Field(description="Local wall-clock start of the first window")
    start_at: str
    timezone: str
    duration_minutes: int
    slot_minutes: int
    rrule: str | None
    rule_text: str
    space_id: int | None
    location: str | None
    online_url: str | None = Field(default=None, description="The online meeting link: given to staff and to "
                                   "those who have booked an appointment at these hours; null for others")
    theme_id: int | None
    advisers: list[dict[str, Any]]
    question: Localized
    question_required: bool
    reminder_hours_before: int | None
    status: str
    url: str


class SlotOut(ApiModel):
    start: str
    end: str
    free: bool


class AppointmentIn(ApiModel):
    start: datetime = Field(description="The slot's start (local time if no offset)")
    name: str = Field(description="The booker's name")
    email: str = Field(description="The booker's email", json_schema_extra=EMAIL_FORMAT)
    organization_id: int | None = Field(default=None, description="An organisation of the registry")
    organization_name: str | None = Field(default=None, description="Free-text organisation when not registered")
    question: str | None = Field(default=None, description="What the booker would like advice on")
    locale: str = Field(default="fi", description="Language of the mails: fi, sv or en")


class AppointmentCreated(ApiModel):
    id: int
    start: str
    end: str


def _iso(value: datetime, tz: str) -> str:
    return scheduling.localize(value, tz).isoformat()


def hour_json(hour: GuidanceHour) -> dict[str, Any]:
    """The public representation of a guidance hour (advisers by name only)."""
    return {
        "id": hour.id, "uid": hour.uid, "title": localized_dict(hour, "title"),
        "description": localized_dict(hour, "description"),
        "start": hour.start_local.isoformat(timespec="minutes"),
        "start_at": scheduling.localize(hour.start_local, hour.timezone).isoformat(),
        "timezone": hour.timezone, "duration_minutes": hour.duration_minutes, "slot_minutes": hour.slot_minutes,
        "rrule": hour.rrule, "rule_text": scheduling.describe(hour.rrule, hour.start_local, "en", tz=hour.timezone),
        "space_id": hour.space_id, "location": hour.location, "online_url": hour.online_url,
        "theme_id": hour.theme_id, "advisers": [{"id": a.id, "name": a.display_name} for a in hour.advisers],
        "question": localized_dict(hour, "question"), "question_required": hour.question_required,
        "reminder_hours_before": hour.reminder_hours_before, "status": hour.status,
        "url": external_url("guidance.detail", hour_id=hour.id),
    }


def _raw(data: GuidanceHourIn, user) -> dict[str, Any]:
    values = data.model_dump()
    raw: dict[str, Any] = {}
    for group in ("title", "description", "question"):
        texts = values.pop(group) or {}
        for lang in ("fi", "sv", "en"):
            raw[f"{group}_{lang}"] = texts.get(lang)
    raw["start_local"] = values.pop("start")
    if values.get("adviser_ids") is None:
        values["adviser_ids"] = [user.id]
    raw.update(values)
    return raw


@endpoint("/guidance-hours", "POST", summary="Publish guidance hours (a recurring window cut into slots)",
          tag="guidance", role="staff", body=GuidanceHourIn,
          responses={201: GuidanceHourOut, 409: ConflictError, 422: Error})
def create_guidance_hour(user, data: GuidanceHourIn):
    """422 when the slot length does not divide the window, the start is past or a value is bad; 409
    ``conflict`` when the resident space is booked at one of the dates. Nothing is kept on refusal."""
    now = utcnow()
    try:
        cleaned = hours.clean_hour_data(_raw(data, user), now=now)
    except ValidationError as exc:
        exc.fields = {_API_FIELD.get(k, k): v for k, v in exc.fields.items()}
        raise
    hour = hours.create_guidance_hour(cleaned, actor=user, now=now)
    return hour_json(hour), 201


@endpoint("/guidance-hours", "GET", summary="Guidance hours with a date in [from, to) (default: from now on)",
          tag="guidance", query=RangeQuery, responses={200: list[GuidanceHourOut], 422: Error})
def list_guidance_hours(user, params: RangeQuery):
    start = _parse_bound(params.from_, "from", "Europe/Helsinki")
    end = _parse_bound(params.to, "to", "Europe/Helsinki")
    slot_service.check_range(start, end)
    return redact_hours_json([hour_json(hour) for hour, _first in hours.upcoming_hours(start or utcnow(), end)],
                             user)


@endpoint("/guidance-hours/<int:hour_id>", "GET", summary="One guidance hour", tag="guidance",
          responses={200: GuidanceHourOut, 404: Error})
def get_guidance_hour(user, hour_id: int):
    return redact_hours_json([hour_json(hours.get_hour(hour_id))], user)[0]


@endpoint("/guidance-hours/<int:hour_id>/slots", "GET", summary="Slots in [from, to): start, end, free",
          tag="guidance", query=RangeQuery, responses={200: list[SlotOut], 404: Error, 422: Error})
def list_slots(user, hour_id: int, params: RangeQuery):
    """No personal data: a taken slot is only ``free: false``. Default window: from now on; a slot
    that has started is never free."""
    hour = hours.get_hour(hour_id)
    start = _parse_bound(params.from_, "from", hour.timezone)
    end = _parse_bound(params.to, "to", hour.timezone)
    slot_service.check_range(start, end)
    now = utcnow()
    found = slot_service.slots(hour, now=now, start=start, end=end)
    return [{"start": _iso(s.start, hour.timezone), "end": _iso(s.end, hour.timezone), "free": s.free}
            for s in found[:2000]]


@endpoint("/guidance-hours/<int:hour_id>/appointments", "POST", summary="Book one slot", tag="guidance",
          role="ngo", body=AppointmentIn,
          responses={201: AppointmentCreated, 404: Error, 409: Error, 422: Error})
def create_appointment(user, hour_id: int, data: AppointmentIn):
    """409 ``taken`` when someone has the slot, ``duplicate`` when the email already has an upcoming
    appointment at this hour; 422 ``not_a_slot`` / ``past`` for a time that is not a free slot start."""
    hour = hours.get_hour(hour_id)
    start = data.start if data.start.tzinfo else scheduling.localize(data.start, hour.timezone)
    start = start.astimezone(timezone.utc)
    raw = data.model_dump()
    raw["user_id"] = user.id
    cleaned = booking.clean_appointment_data(raw, hour=hour, require_consent=False)
    appointment = booking.book(hour, start, cleaned, actor=user, now=utcnow())
    return {"id": appointment.id, "start": _iso(appointment.starts_at, hour.timezone),
            "end": _iso(appointment.ends_at, hour.timezone)}, 201


@endpoint("/appointments/<int:appointment_id>", "DELETE", summary="Cancel an appointment (the slot is free again)",
          tag="guidance", role="ngo", responses={204: None, 403: Error, 404: Error, 409: Error})
def delete_appointment(user, appointment_id: int):
    """Staff, or the booker (the API user who booked or whose email it is)."""
    appointment = booking.get_appointment(appointment_id)
    booking.cancel(appointment, actor=user, now=utcnow())
    return None, 204
