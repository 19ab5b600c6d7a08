"""Registration input: checking a person's form (or an API call) into :class:`RegistrationData`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.accounts.models import Organization, User
from app.accounts.services import normalize_email
from app.core.i18n import LANGUAGES
from app.core.validation import ErrorCollector
from app.errors import ValidationError
from app.extensions import db
from app.meetings.models import MeetingSeries

MAX_NAME = 200
MAX_ORGANIZATION = 200
MAX_NEEDS = 2000


@dataclass
class RegistrationData:
    """Validated input for one registration."""

    name: str
    email: str
    seats: int = 1
    organization_id: int | None = None
    organization_name: str | None = None
    needs: str | None = None
    show_on_participant_list: bool = False
    consent: bool = False
    locale: str = "fi"
    user_id: int | None = None


def _name(raw: dict[str, Any], errors: ErrorCollector) -> str:
    name = (raw.get("name") or "").strip()
    if not name:
        errors.add("name", _l("Enter your name."))
    elif len(name) > MAX_NAME:
        errors.add("name", _l("The name is too long (at most %(n)d characters).", n=MAX_NAME))
    return name


def _email(raw: dict[str, Any], errors: ErrorCollector) -> str:
    try:
        return normalize_email(raw.get("email") or "")
    except ValidationError as exc:
        for message in exc.fields["email"]:
            errors.add("email", message)
        return ""


def _seats(raw: dict[str, Any], errors: ErrorCollector, series: MeetingSeries) -> int:
    value = raw.get("seats", 1)
    if value in (None, ""):
        return 1
    try:
        if isinstance(value, bool):
            raise ValueError
        seats = int(value)
    except (TypeError, ValueError):
        errors.add("seats", _l("Enter a whole number of seats."))
        return 1
    if seats < 1:
        errors.add("seats", _l("Register at least one seat."))
    elif seats > series.max_seats_per_registration:
        errors.add("seats", _l("At most %(n)d seats per registration.", n=series.max_seats_per_registration))
    return seats


def _organization(raw: dict[str, Any], errors: ErrorCollector) -> tuple[int | None, str | None]:
    """(registry id, free-text name): the registry's name wins, no second spelling of it."""
    organization_id = raw.get("organization_id") or None
    if organization_id is not None:
        try:
            organization_id = int(organization_id)
        except (TypeError, ValueError):
            organization_id = -1
        if organization_id < 1 or db.session.get(Organization, organization_id) is None:
            errors.add("organization_id", _l("Choose an organisation from the list."))
    organization_name = (raw.get("organization_name") or "").strip() or None
    if organization_name and len(organization_name) > MAX_ORGANIZATION:
        errors.add("organization_name", _l("The name is too long (at most %(n)d characters).", n=MAX_ORGANIZATION))
    return organization_id, (None if organization_id else organization_name)


def _needs(raw: dict[str, Any], errors: ErrorCollector) -> str | None:
    needs = (raw.get("needs") or "").strip() or None
    if needs and len(needs) > MAX_NEEDS:
        errors.add("needs", _l("At most %(n)d characters.", n=MAX_NEEDS))
    return needs


def clean_registration_data(raw: dict[str, Any], *, series: MeetingSeries,
                            require_consent: bool = True) -> RegistrationData:
    """Check formats and the series' seat limit; every field error at once.

    ``require_consent`` is False for the API, whose caller (an NGO user with a token) is the
    controller of the data it sends; the web form always asks the person.
    """
    errors = ErrorCollector()
    name, email = _name(raw, errors), _email(raw, errors)
    seats = _seats(raw, errors, series)
    organization_id, organization_name = _organization(raw, errors)
    needs = _needs(raw, errors)
    consent = bool(raw.get("consent"))
    if require_consent and not consent:
        errors.add("consent", _l("Accept the processing of your personal data to register."))
    errors.raise_if_any()
    return RegistrationData(name=name, email=email, seats=seats, organization_id=organization_id,
                            organization_name=organization_name, needs=needs,
                            show_on_participant_list=bool(raw.get("show_on_participant_list")),
                            consent=consent, locale=raw.get("locale") if raw.get("locale") in LANGUAGES else "fi",
                            user_id=raw.get("user_id"))


def data_from_user(user: User, *, seats: int = 1, locale: str | None = None,
                   show_on_participant_list: bool = False) -> dict[str, Any]:
    """Raw registration input taken from an account (one-click registration)."""
    return {"name": user.display_name, "email": user.email, "organization_id": user.organization_id,
            "seats": seats, "consent": True, "locale": locale or user.locale, "user_id": user.id,
            "show_on_participant_list": show_on_participant_list}
