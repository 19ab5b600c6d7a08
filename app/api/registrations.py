"""/api/v1 registrations: register for an occurrence, list them (staff), cancel."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from app.api.core import endpoint
from app.api.schemas import ApiModel, Error
from app.core.i18n import to_local
from app.meetings import registrations as services
from app.meetings.models import Registration
from app.meetings.statuses import RegistrationStatus
from app.meetings.proxy_limits import check_on_behalf


class RegistrationIn(ApiModel):
    name: str = Field(description="The participant's name")
    email: str = Field(description="The participant's email; one live registration per email and occurrence")
    organization_id: int | None = Field(default=None, description="An organisation of the registry")
    organization_name: str | None = Field(default=None, description="Free-text organisation when not registered")
    seats: int = Field(default=1, description="1 .. the series' max_seats_per_registration")
    needs: str | None = Field(default=None, description="Accessibility or dietary needs")
    show_on_participant_list: bool = Field(default=False,
                                           description="Opt-in to the networking list (name + organisation)")
    locale: Literal["fi", "sv", "en"] = Field(default="fi", description="Language of the mails")


class RegistrationCreated(ApiModel):
    id: int
    status: Literal["confirmed", "waitlisted"]
    occurrence_id: int
    seats: int


class RegistrationOut(ApiModel):
    id: int
    occurrence_id: int
    status: Literal["confirmed", "waitlisted", "cancelled"]
    name: str
    email: str
    organization_id: int | None
    organization: str | None = Field(description="Registry name or the free text")
    seats: int
    needs: str | None
    show_on_participant_list: bool
    attendance: Literal["present", "no_show"] | None
    waitlist_position: int | None = Field(description="1-based place in the queue when waitlisted")
    created_at: datetime
    cancelled_at: datetime | None


def registration_json(registration: Registration, position: int | None = None) -> dict:
    """The staff representation of a registration (times with Helsinki offset)."""
    return {
        "id": registration.id, "occurrence_id": registration.occurrence_id, "status": registration.status,
        "name": registration.name, "email": registration.email,
        "organization_id": registration.organization_id,
        "organization": registration.organization.name if registration.organization
        else registration.organization_name,
        "seats": registration.seats, "needs": registration.needs,
        "show_on_participant_list": registration.show_on_participant_list,
        "attendance": registration.attendance, "waitlist_position": position,
        "created_at": to_local(registration.created_at).isoformat(),
        "cancelled_at": to_local(registration.cancelled_at).isoformat() if registration.cancelled_at else None,
    }


@endpoint("/occurrences/<int:occurrence_id>/registrations", "POST", summary="Register for an occurrence",
          tag="registrations", role="ngo", body=RegistrationIn,
          responses={201: RegistrationCreated, 403: Error, 404: Error, 409: Error, 422: Error,
                     429: Error})
def create_registration(user, occurrence_id: int, data: RegistrationIn):
    """Confirmed when the seats fit, else waitlisted; 409 ``full`` without a waiting list,
    ``closed`` when registration is closed or the occurrence cancelled, ``duplicate`` for a second
    live registration by the same email. For others than oneself: only one's own organisation (403),
    at most API_PROXY_REGISTRATIONS_PER_OCCURRENCE per occurrence (409 ``limit_reached``) and
    API_PROXY_REGISTRATIONS_PER_DAY per 24 hours (429); staff are not limited."""
    occurrence = services.get_occurrence(occurrence_id)
    raw = data.model_dump()
    raw["user_id"] = user.id  # the API user may cancel what they registered
    clean = services.clean_registration_data(raw, series=occurrence.series, require_consent=False)
    check_on_behalf(user, occurrence.id, data.email, data.organization_id)  # valid input, but allowed?
    registration = services.register(occurrence, clean, actor=user)
    return {"id": registration.id, "status": registration.status, "occurrence_id": occurrence.id,
            "seats": registration.seats}, 201


@endpoint("/occurrences/<int:occurrence_id>/registrations", "GET", summary="List an occurrence's registrations",
          tag="registrations", role="staff", responses={200: list[RegistrationOut], 404: Error})
def list_registrations(user, occurrence_id: int):
    """Confirmed first, then the waiting list in queue order (cancelled ones are not listed)."""
    occurrence = services.get_occurrence(occurrence_id)
    rows = services.occurrence_registrations(occurrence)
    result, place = [], 0
    for registration in rows:
        position = None
        if registration.status == RegistrationStatus.WAITLISTED:
            place += 1
            position = place
        result.append(registration_json(registration, position))
    return result


@endpoint("/registrations/<int:registration_id>", "DELETE", summary="Cancel a registration",
          tag="registrations", role="ngo", responses={204: None, 403: Error, 404: Error, 409: Error})
def delete_registration(user, registration_id: int):
    """Staff, or the registrant (the API user who registered or whose email it is). Frees the seats
    and promotes the waiting list in order."""
    registration = services.get_registration(registration_id)
    services.cancel_registration(registration, actor=user)
    return None, 204
