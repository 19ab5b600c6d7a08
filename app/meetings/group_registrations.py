"""Group registration: an NGO user registers several named people of their organisation at once.

Each person is an ordinary registration made through :func:`app.meetings.registrations.register`,
so every rule of a single registration holds for each of them: one seat each, the conditional
``UPDATE`` that never overbooks whatever the concurrency, strict FIFO on the waiting list, the
one-live-registration-per-address index, and a confirmation (or waiting-list notice) with the
person's own manage link to their own address.

Decisions:

* **A group that does not fit entirely** is registered in the order of the form: the people who
  fit get seats, the rest go to the waiting list in that order (it is FIFO, so nobody behind
  them overtakes them). A series without a waiting list refuses the whole group (nothing saved)
  with the number of free seats.
* **Everyone needs an email address.** The registration needs an address to tell the person
  about a moved or cancelled meeting and to give them their own manage link; the contact can
  still manage (add, remove) the whole group from the group page until registration closes.
* **Limits** are those of registrations on someone else's behalf (``app.meetings.proxy_limits``):
  own organisation only, at most ``API_PROXY_REGISTRATIONS_PER_OCCURRENCE`` other people per date
  and ``API_PROXY_REGISTRATIONS_PER_DAY`` per 24 hours, web and API together. A group that would
  exceed the per-date limit is refused whole, with a message that says how many can still be added.
* The group is "the people this user registered for this date": registrations whose ``user_id``
  is the contact (also those made through the API), so no new table is needed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.types import utcnow
from app.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.meetings import registrations as registration_services
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.proxy_limits import DEFAULT_PER_OCCURRENCE, check_on_behalf

MAX_ROWS = 20


@dataclass
class Person:
    """One row of the group form."""

    name: str
    email: str


def require_contact(user: Any) -> None:
    """Only a signed-in NGO user with an organisation registers a group (staff use the list)."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(_l("Log in to register a group."))
    if getattr(user, "organization_id", None) is None:
        raise Forbidden(_l("Only a user who belongs to an organisation can register a group."))


def per_occurrence_limit() -> int:
    """How many other people one user may register for one date (shared with the API)."""
    return int(current_app.config.get("API_PROXY_REGISTRATIONS_PER_OCCURRENCE", DEFAULT_PER_OCCURRENCE))


def clean_people(rows: list[tuple[str, str]], *, contact_email: str) -> list[Person]:
    """Validate the rows (name, email); empty rows are skipped. Errors are keyed ``name-<i>`` /
    ``email-<i>`` by the row's index so the form can show them next to the row."""
    from app.accounts.services import normalize_email

    errors: dict[str, list[Any]] = {}
    people: list[Person] = []
    seen: set[str] = set()
    for index, (raw_name, raw_email) in enumerate(rows):
        name, email_text = (raw_name or "").strip(), (raw_email or "").strip()
        if not name and not email_text:
            continue
        if not name:
            errors.setdefault(f"name-{index}", []).append(_l("Enter the person's name."))
        elif len(name) > registration_services.MAX_NAME:
            errors.setdefault(f"name-{index}", []).append(
                _l("The name is too long (at most %(n)d characters).", n=registration_services.MAX_NAME))
        email = ""
        if not email_text:
            errors.setdefault(f"email-{index}", []).append(_l("Enter the person's email address."))
        else:
            try:
                email = normalize_email(email_text)
            except ValidationError:
                errors.setdefault(f"email-{index}", []).append(_l("Enter a valid email address."))
        if email and email == (contact_email or "").lower():
            errors.setdefault(f"email-{index}", []).append(
                _l("This is your own address: tick \"Register me too\" instead."))
        elif email and email in seen:
            errors.setdefault(f"email-{index}", []).append(_l("This address is already in the group."))
        seen.add(email)
        people.append(Person(name=name, email=email))
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    if len(people) > MAX_ROWS:
        raise ValidationError(_l("At most %(n)d people at a time.", n=MAX_ROWS), field="people")
    return people


def group_members(occurrence: MeetingOccurrence, contact: Any) -> list[Registration]:
    """The live registrations ``contact`` made for ``occurrence`` (themselves included), in order."""
    return list(db.session.scalars(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   Registration.user_id == contact.id, Registration.status != "cancelled")
        .order_by(Registration.created_at, Registration.id)))


def editable(occurrence: MeetingOccurrence, now: datetime | None = None) -> bool:
    """A group can be changed until registration closes (and while the date is on)."""
    now = now or utcnow()
    return (occurrence.status == "scheduled" and occurrence.series.status == "published"
            and now < registration_services.closes_at(occurrence))


def _others_registered(occurrence: MeetingOccurrence, contact: Any) -> int:
    return int(db.session.scalar(select(func.count(Registration.id)).where(
        Registration.occurrence_id == occurrence.id, Registration.user_id == contact.id,
        func.lower(Registration.email) != (contact.email or "").lower(),
        Registration.status != "cancelled")) or 0)


def register_group(occurrence: MeetingOccurrence, contact: Any, people: list[Person], *,
                   include_self: bool = False, locale: str = "fi",
                   now: datetime | None = None) -> list[Registration]:
    """Register ``people`` (and the contact when ``include_self``) for ``occurrence``, one seat
    each, in this order; all or nothing (the caller's transaction). See the module docstring."""
    now = now or utcnow()
    require_contact(contact)
    if not people and not include_self:
        raise ValidationError(_l("Add at least one person."), field="people")
    limit = per_occurrence_limit()
    already = _others_registered(occurrence, contact)
    if already + len(people) > limit:
        raise Conflict(_l("One user can register at most %(n)d other people for a meeting; you can still add "
                          "%(left)d.", n=limit, left=max(limit - already, 0)),
                       field="people", code="limit_reached")
    entries: list[tuple[int | None, dict[str, Any]]] = []
    if include_self:
        entries.append((None, registration_services.data_from_user(contact, locale=locale)))
    for index, person in enumerate(people):
        entries.append((index, {"name": person.name, "email": person.email, "seats": 1,
                                "organization_id": contact.organization_id, "consent": True,
                                "locale": locale, "user_id": contact.id}))
    registered: list[Registration] = []
    free_before = occurrence.free_seats
    for index, raw in entries:
        try:
            data = registration_services.clean_registration_data(raw, series=occurrence.series,
                                                                 require_consent=False)
            if index is not None:
                check_on_behalf(contact, occurrence.id, data.email, data.organization_id, now=now)
            registered.append(registration_services.register(occurrence, data, actor=contact, now=now))
        except DomainError as error:
            raise _about_row(error, index, raw, free_before) from None
    return registered


def _about_row(error: DomainError, index: int | None, raw: dict[str, Any], free: int) -> DomainError:
    """The service's refusal, said about the row that caused it."""
    if error.code == "duplicate":
        message = (_l("You are already registered for this meeting.") if index is None else
                   _l("%(email)s is already registered for this meeting.", email=raw["email"]))
        error = Conflict(message, code="duplicate")
    elif error.code == "full":
        error = Conflict(_l("The group does not fit: %(n)d seats are free and this meeting has no waiting "
                            "list. Nobody was registered.", n=free), code="full")
    if index is not None and error.code == "duplicate":
        error.fields = {f"email-{index}": [error.message]}
    return error


def member_of(occurrence: MeetingOccurrence, contact: Any, registration_id: int) -> Registration:
    """A live registration of ``contact``'s group (staff: any live registration of the date, as
    they may cancel any); NotFound for anything else (no probing)."""
    registration = db.session.get(Registration, registration_id)
    mine = registration is not None and (registration.user_id == getattr(contact, "id", None)
                                         or getattr(contact, "is_staff", False))
    if not mine or registration.occurrence_id != occurrence.id or registration.status == "cancelled":
        raise NotFound(_l("The registration was not found."))
    return registration


def remove_member(occurrence: MeetingOccurrence, contact: Any, registration_id: int, *,
                  now: datetime | None = None) -> list[Registration]:
    """Cancel one person of the group (mails them a CANCEL); the freed seat goes to the waiting
    list as for any cancellation. Refused once registration has closed."""
    now = now or utcnow()
    if not getattr(contact, "is_staff", False):
        require_contact(contact)
    registration = member_of(occurrence, contact, registration_id)
    if not editable(occurrence, now):
        raise Conflict(_l("Registration has closed, so the group can no longer be changed."), code="closed")
    return registration_services.cancel_registration(registration, actor=contact, now=now)
