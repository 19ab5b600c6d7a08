"""/api/v1/series and /api/v1/occurrences: meeting series and their dates (CONTRACT.md)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field

from app.core.dates import in_range, out_of_range_message
from app.api.core import endpoint
from app.api.schemas import ApiModel, Error
from app.api.space_schemas import ConflictError
from app.core.i18n import localized_dict
from app.core.urls import external_url
from app.core.types import utcnow
from app.core.validation import check_query_range
from app.errors import NotFound, ValidationError
from app.extensions import db
from app import scheduling
from app.meetings import services
from app.scheduling import rule_text
from app.meetings.content import MEETINGS
from app.meetings.online_link import redact_series_json
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.meetings.statuses import OccurrenceStatus

UTC = timezone.utc
MAX_RANGE_DAYS = 731
MAX_OCCURRENCES = 1000


# --- schemas ------------------------------------------------------------------------------------
class LocalizedIn(ApiModel):
    fi: str = Field(description="Finnish (required)")
    sv: str | None = None
    en: str | None = None


class LocalizedOptionalIn(ApiModel):
    fi: str | None = None
    sv: str | None = None
    en: str | None = None


class Localized(ApiModel):
    fi: str | None = None
    sv: str | None = None
    en: str | None = None


class SeriesPatchIn(ApiModel):
    """Any field of a series; only the fields sent are changed."""

    title: LocalizedIn | None = None
    description: LocalizedOptionalIn | None = None
    audience: LocalizedOptionalIn | None = None
    organiser_unit: str | None = Field(default=None, max_length=200, description="In Finnish")
    organiser_unit_sv: str | None = Field(default=None, max_length=200)
    organiser_unit_en: str | None = Field(default=None, max_length=200)
    language: Literal["fi", "sv", "en", "multi"] | None = Field(default=None, description="Spoken at the meeting")
    start: datetime | None = Field(default=None, description="Local wall-clock start of the first meeting, "
                                                             "e.g. 2026-10-05T17:00")
    timezone: str | None = Field(default=None, description="IANA zone, default Europe/Helsinki")
    duration_minutes: int | None = None
    rrule: str | None = Field(default=None, description="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=2TU; "
                                                        "none = one meeting")
    skip_holidays: bool | None = Field(default=None, description="Skip Finnish public holidays")
    capacity: int | None = None
    waitlist: bool | None = None
    max_seats_per_registration: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_minutes_before: int | None = None
    reminder_hours_before: int | None = Field(default=None, description="Hours before each meeting that the "
                                              "registrants are reminded (1–336; default 24; null: no reminder)")
    space_id: int | None = Field(default=None, description="A resident space (GET /spaces)")
    location: str | None = Field(default=None, max_length=300, description="Street address")
    online_url: str | None = Field(default=None, max_length=500)
    district: str | None = None
    theme_ids: list[int] | None = None
    status: Literal["draft", "published", "cancelled"] | None = None
    effective_from: date | None = Field(default=None, description="PATCH only: meetings before this date "
                                                                   "keep their time (default: now)")


class SeriesIn(SeriesPatchIn):
    """A new series; created published unless ``status`` says otherwise."""

    title: LocalizedIn
    start: datetime
    duration_minutes: int
    capacity: int
    waitlist: bool = True
    reminder_hours_before: int | None = Field(default=24, description="1–336; null turns reminders off")
    status: Literal["draft", "published", "cancelled"] = "published"


class Theme(ApiModel):
    id: int
    key: str
    name: Localized


class Series(ApiModel):
    id: int
    uid: str
    title: Localized
    description: Localized
    audience: Localized
    organiser_unit: str | None
    organiser_unit_sv: str | None = None
    organiser_unit_en: str | None = None
    language: str
    start: str = Field(description="Local wall-clock start of the first meeting")
    start_at: str = Field(description="The same instant with its offset")
    timezone: str
    duration_minutes: int
    rrule: str | None
    rule_text: str
    skip_holidays: bool
    capacity: int
    waitlist: bool
    max_seats_per_registration: int
    registration_opens_at: str | None
    registration_closes_minutes_before: int
    reminder_hours_before: int | None = None
    space_id: int | None
    location: str | None
    online_url: str | None = Field(default=None, description="The online meeting link: given to staff and to "
                                   "people registered for a date of the series; null for everyone else")
    district: str | None
    status: str
    sequence: int
    themes: list[Theme]
    url: str


class Occurrence(ApiModel):
    id: int
    series_id: int
    recurrence_id: str
    start: str
    end: str
    status: Literal["scheduled", "cancelled"]
    capacity: int
    confirmed_seats: int
    waitlisted_seats: int
    moved: bool
    cancel_reason: str | None = None
    url: str


class SeriesListQuery(ApiModel):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=200)
    status: Literal["draft", "published", "cancelled"] | None = None


class RangeQuery(ApiModel):
    from_: str | None = Field(default=None, alias="from", description="Start of the window: ISO 8601 date or "
                                                                      "date-time (local time if no offset)")
    to: str | None = Field(default=None, description="End of the window, exclusive")


class OccurrencePatchIn(ApiModel):
    status: Literal["cancelled"] | None = Field(default=None, description="Cancel this meeting")
    reason: str | None = Field(default=None, max_length=2000, description="Sent to the registrants")
    start: datetime | None = Field(default=None, description="New start (local time if no offset)")
    end: datetime | None = None


# --- serialisation ------------------------------------------------------------------------------
def _iso(value: datetime | None, tz: str) -> str | None:
    return scheduling.localize(value, tz).isoformat() if value is not None else None


def series_json(series: MeetingSeries) -> dict[str, Any]:
    """The API representation of a series."""
    return {
        "id": series.id, "uid": series.uid,
        "title": localized_dict(series, "title"), "description": localized_dict(series, "description"),
        "audience": localized_dict(series, "audience"), "organiser_unit": series.organiser_unit,
        "organiser_unit_sv": series.organiser_unit_sv, "organiser_unit_en": series.organiser_unit_en,
        "language": series.language, "start": series.start_local.isoformat(timespec="minutes"),
        "start_at": scheduling.localize(series.start_local, series.timezone).isoformat(),
        "timezone": series.timezone, "duration_minutes": series.duration_minutes, "rrule": series.rrule,
        "rule_text": rule_text.describe(series.rrule, series.start_local, "en", series.timezone),
        "skip_holidays": series.skip_holidays, "capacity": series.capacity, "waitlist": series.waitlist,
        "max_seats_per_registration": series.max_seats_per_registration,
        "registration_opens_at": _iso(series.registration_opens_at, series.timezone),
        "registration_closes_minutes_before": series.registration_closes_minutes_before,
        "reminder_hours_before": series.reminder_hours_before,
        "space_id": series.space_id, "location": series.location, "online_url": series.online_url,
        "district": series.district, "status": series.status, "sequence": series.sequence,
        "themes": [{"id": t.id, "key": t.key, "name": localized_dict(t, "name")} for t in series.themes],
        "url": external_url("meetings.detail", series_id=series.id),
    }


def occurrence_json(occurrence: MeetingOccurrence, tz: str, counts: tuple[int, int]) -> dict[str, Any]:
    """The API representation of one occurrence (seat counts given, aggregated by the caller)."""
    return {
        "id": occurrence.id, "series_id": occurrence.series_id,
        "recurrence_id": _iso(occurrence.recurrence_id, tz), "start": _iso(occurrence.starts_at, tz),
        "end": _iso(occurrence.ends_at, tz), "status": occurrence.status, "capacity": occurrence.capacity,
        "confirmed_seats": counts[0], "waitlisted_seats": counts[1], "moved": occurrence.moved,
        "cancel_reason": occurrence.cancel_reason,
        "url": external_url("registrations.occurrence", occurrence_id=occurrence.id),
    }


# --- input mapping ------------------------------------------------------------------------------
_API_FIELD = {"start_local": "start", "title_fi": "title.fi", "title_sv": "title.sv", "title_en": "title.en",
              "description_fi": "description.fi", "description_sv": "description.sv",
              "description_en": "description.en", "audience_fi": "audience.fi", "audience_sv": "audience.sv",
              "audience_en": "audience.en"}


def _raw(values: dict[str, Any]) -> dict[str, Any]:
    """API names → the service's (model) names; only the keys that were sent."""
    raw: dict[str, Any] = {}
    for group in ("title", "description", "audience"):
        if group in values:
            texts = values.pop(group) or {}
            for lang in ("fi", "sv", "en"):
                raw[f"{group}_{lang}"] = texts.get(lang)
    if "start" in values:
        raw["start_local"] = values.pop("start")
    values.pop("effective_from", None)
    raw.update(values)
    return raw


def _clean(raw: dict[str, Any], *, now: datetime, current: MeetingSeries | None = None) -> dict[str, Any]:
    try:
        return services.clean_series_data(raw, now=now, current=current)
    except ValidationError as exc:
        exc.fields = {_API_FIELD.get(k, k): v for k, v in exc.fields.items()}
        raise


def _series_or_404(series_id: int, user) -> MeetingSeries:
    return services.get_series(series_id, viewer=user)


# --- endpoints ----------------------------------------------------------------------------------
@endpoint("/series", "POST", summary="Create a meeting series (published unless status says otherwise)",
          tag="meetings", role="staff", body=SeriesIn, responses={201: Series, 409: ConflictError, 422: Error})
def create_series(user, data: SeriesIn):
    now = utcnow()
    cleaned = _clean(_raw(data.model_dump(exclude_unset=False, exclude={"effective_from"})), now=now)
    series = services.create_series(cleaned, actor=user, now=now)
    return series_json(series), 201


@endpoint("/series", "GET", summary="List meeting series (published ones; staff see all)", tag="meetings",
          query=SeriesListQuery, responses={200: list[Series]}, cache=(MEETINGS,))
def list_series(user, params: SeriesListQuery):
    page = services.series_page(page=params.page, per_page=params.per_page, status=params.status, viewer=user)
    return redact_series_json([series_json(s) for s in page.items], user)


@endpoint("/series/<int:series_id>", "GET", summary="One meeting series", tag="meetings",
          responses={200: Series, 404: Error})
def get_series(user, series_id: int):
    return redact_series_json([series_json(_series_or_404(series_id, user))], user)[0]


@endpoint("/series/<int:series_id>", "PATCH", summary="Change a series from now (or effective_from) on; "
          "registrants are notified", tag="meetings", role="staff", body=SeriesPatchIn,
          responses={200: Series, 404: Error, 409: ConflictError, 422: Error})
def patch_series(user, series_id: int, data: SeriesPatchIn):
    series = _series_or_404(series_id, user)
    now = utcnow()
    sent = data.model_dump(exclude_unset=True)
    if sent.get("title") is None and "title" in sent:
        raise ValidationError(_l("Check the fields."), fields={"title.fi": [_l("Enter the title in Finnish.")]})
    for required in ("start", "duration_minutes", "capacity"):
        if required in sent and sent[required] is None:
            raise ValidationError(_l("Check the fields."), fields={required: [_l("This field is required.")]})
    cleaned = _clean(_raw(dict(sent)), now=now, current=series)
    services.update_series(series, cleaned, actor=user, now=now, effective_from=data.effective_from)
    return series_json(series)


def _parse_bound(value: str | None, name: str, tz: str) -> datetime | None:
    if value is None or not value.strip():
        return None
    try:
        parsed: datetime | date = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_l("Check the query parameters."), fields={
            name: [_l("Give a date or date-time in ISO 8601, e.g. 2026-10-05 or 2026-10-05T17:00+03:00.")]}) from None
    if not in_range(parsed):
        raise ValidationError(_l("Check the query parameters."), fields={name: [out_of_range_message()]})
    return _bound(parsed, tz)


def _bound(value: datetime | date | None, tz: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        value = scheduling.localize(value, tz)
    return value.astimezone(UTC)


@endpoint("/series/<int:series_id>/occurrences", "GET", summary="The dates of a series in [from, to)",
          tag="meetings", query=RangeQuery, responses={200: list[Occurrence], 404: Error, 422: Error})
def list_occurrences(user, series_id: int, params: RangeQuery):
    series = _series_or_404(series_id, user)
    start = _parse_bound(params.from_, "from", series.timezone)
    end = _parse_bound(params.to, "to", series.timezone)
    check_query_range(start, end, max_days=MAX_RANGE_DAYS)
    occurrences = services.series_occurrences(series, start=start, end=end, limit=MAX_OCCURRENCES)
    counts = services.registration_counts([o.id for o in occurrences])
    return [occurrence_json(o, series.timezone, counts[o.id]) for o in occurrences]


@endpoint("/occurrences/<int:occurrence_id>", "PATCH", summary="Cancel or move one meeting", tag="meetings",
          role="staff", body=OccurrencePatchIn,
          responses={200: Occurrence, 404: Error, 409: ConflictError, 422: Error})
def patch_occurrence(user, occurrence_id: int, data: OccurrencePatchIn):
    occurrence = db.session.get(MeetingOccurrence, occurrence_id)
    if occurrence is None:
        raise NotFound(_l("The meeting was not found."))
    tz = occurrence.series.timezone
    now = utcnow()
    moving = data.start is not None or data.end is not None
    if data.status == OccurrenceStatus.CANCELLED and moving:
        raise ValidationError(_l("Either cancel or move the meeting, not both."), field="status")
    if data.status == OccurrenceStatus.CANCELLED:
        services.cancel_occurrence(occurrence, reason=data.reason, actor=user, now=now)
    elif moving:
        if data.start is None or data.end is None:
            field = "end" if data.end is None else "start"
            raise ValidationError(_l("Check the fields."), fields={field: [_l("This field is required.")]})
        services.move_occurrence(occurrence, starts_at=_bound(data.start, tz), ends_at=_bound(data.end, tz),
                                 actor=user, now=now)
    else:
        raise ValidationError(_l("Send {\"status\": \"cancelled\"} or a new start and end."), field="status")
    counts = services.registration_counts([occurrence.id])[occurrence.id]
    return occurrence_json(occurrence, tz, counts)
