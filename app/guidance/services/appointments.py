"""Booking one slot, moving to another free slot, cancelling.

The database decides who gets a slot: the partial unique index on ``(guidance_hour_id,
starts_at) WHERE status <> 'cancelled'`` (see ``models.py``). The service checks first to give a
friendly answer, then inserts (or moves) inside a savepoint; a racer that lost between the check
and the write gets the ``IntegrityError`` turned into ``Conflict("taken")`` (409). On SQLite the
``BEGIN IMMEDIATE`` of every writing transaction serialises the check and the write as well.
Cancelling sets the status, which takes the row out of the index at once: the slot is free.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organization, User
from app.accounts.services import normalize_email
from app.core.audit import audit
from app.core.i18n import LANGUAGES
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.guidance import notifications
from app.guidance.models import GuidanceAppointment, GuidanceHour, GuidanceWindow
from app.guidance.services.slots import find_slot
from app.guidance.tokens import new_manage_secret
from app.guidance.statuses import AppointmentStatus

MAX_NAME = 200
MAX_ORGANIZATION = 200
MAX_QUESTION = 4000


@dataclass
class AppointmentData:
    """Validated input of one booking."""

    name: str
    email: str
    organization_id: int | None = None
    organization_name: str | None = None
    question: str | None = None
    locale: str = "fi"
    user_id: int | None = None


def clean_appointment_data(raw: dict[str, Any], *, hour: GuidanceHour, require_consent: bool = True) -> AppointmentData:
    """Check the booker's input; every field error at once (422)."""
    errors: dict[str, list[Any]] = {}
    name = (raw.get("name") or "").strip() if isinstance(raw.get("name") or "", str) else ""
    if not name:
        errors.setdefault("name", []).append(_l("Enter your name."))
    elif len(name) > MAX_NAME:
        errors.setdefault("name", []).append(_l("The name is too long (at most %(n)d characters).", n=MAX_NAME))
    email = ""
    try:
        email = normalize_email(raw.get("email") if isinstance(raw.get("email"), str) else "")
    except ValidationError as exc:
        errors["email"] = exc.fields["email"]
    organization_id = raw.get("organization_id") or None
    if organization_id is not None:
        try:
            organization_id = int(organization_id)
        except (TypeError, ValueError, OverflowError):
            organization_id = -1
        if not 0 < organization_id < 2**31 or db.session.get(Organization, organization_id) is None:
            errors.setdefault("organization_id", []).append(_l("Choose an organisation from the list."))
    organization_name = raw.get("organization_name")
    organization_name = organization_name.strip() or None if isinstance(organization_name, str) else None
    if organization_name and len(organization_name) > MAX_ORGANIZATION:
        errors.setdefault("organization_name", []).append(
            _l("The name is too long (at most %(n)d characters).", n=MAX_ORGANIZATION))
    if organization_id:
        organization_name = None  # the registry's name wins
    question = raw.get("question")
    question = question.strip() or None if isinstance(question, str) else None
    if question and len(question) > MAX_QUESTION:
        errors.setdefault("question", []).append(_l("At most %(n)d characters.", n=MAX_QUESTION))
    if hour.question_required and not question:
        errors.setdefault("question", []).append(_l("Tell briefly what you would like advice on."))
    if require_consent and not raw.get("consent"):
        errors.setdefault("consent", []).append(_l("Accept the processing of your personal data to book."))
    locale = raw.get("locale") if raw.get("locale") in LANGUAGES else "fi"
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    user_id = raw.get("user_id")
    return AppointmentData(name=name, email=email, organization_id=organization_id,
                           organization_name=organization_name, question=question, locale=locale,
                           user_id=user_id if isinstance(user_id, int) else None)


def data_from_user(user: User, *, question: str | None, locale: str) -> dict[str, Any]:
    """Booking input taken from an account (the logged-in NGO user)."""
    return {"name": user.display_name, "email": user.email, "organization_id": user.organization_id,
            "question": question, "consent": True, "locale": locale, "user_id": user.id}


def taken_error() -> Conflict:
    return Conflict(_l("Someone has just booked that slot. Choose another time."), code="taken", field="start")


def _slot_taken(hour_id: int, start: datetime, *, exclude_id: int | None = None) -> bool:
    query = select(GuidanceAppointment.id).where(GuidanceAppointment.guidance_hour_id == hour_id,
                                                 GuidanceAppointment.starts_at == start,
                                                 GuidanceAppointment.status != AppointmentStatus.CANCELLED)
    if exclude_id is not None:
        query = query.where(GuidanceAppointment.id != exclude_id)
    return db.session.scalar(query) is not None


def upcoming_for_email(hour: GuidanceHour, email: str, now: datetime) -> GuidanceAppointment | None:
    """The person's live appointment at ``hour`` that has not started yet, if any."""
    return db.session.scalar(select(GuidanceAppointment).where(
        GuidanceAppointment.guidance_hour_id == hour.id, GuidanceAppointment.email == email,
        GuidanceAppointment.status == AppointmentStatus.BOOKED, GuidanceAppointment.starts_at > now))


def book(hour: GuidanceHour, start: datetime, data: AppointmentData, *, actor: Any = None,
         now: datetime) -> GuidanceAppointment:
    """Book the slot starting at ``start`` for ``data``; mails the confirmation with an invitation.

    One upcoming appointment per person and guidance hour (they may move it instead): a second
    one is ``Conflict("duplicate")``. A taken slot is ``Conflict("taken")``; bad slots are 4xx
    from :func:`find_slot`. Nothing is written on refusal.
    """
    window, end = find_slot(hour, start, now=now)
    existing = upcoming_for_email(hour, data.email, now)
    if existing is not None:
        raise Conflict(_l("You already have an upcoming appointment at this guidance hour. You can move it "
                          "to another time from the link in your confirmation email."), code="duplicate")
    if _slot_taken(hour.id, start):
        raise taken_error()
    appointment = GuidanceAppointment(
        guidance_hour_id=hour.id, window_id=window.id, starts_at=start, ends_at=end, status=AppointmentStatus.BOOKED,
        user_id=data.user_id, name=data.name, email=data.email, organization_id=data.organization_id,
        organization_name=data.organization_name, question=data.question, locale=data.locale,
        manage_secret=new_manage_secret(), sequence=0, created_at=now, updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(appointment)
            db.session.flush()
    except IntegrityError:
        raise taken_error() from None
    audit(actor, "guidance_appointment.create", "guidance_appointment", appointment.id,
          guidance_hour_id=hour.id, start=start.isoformat())
    notifications.send_booked(appointment)
    notifications.notify_advisers(appointment, "booked")
    return appointment


def _check_changeable(appointment: GuidanceAppointment, actor: Any, *, by_token: bool, now: datetime) -> None:
    if not by_token and not can_manage(appointment, actor):
        raise Forbidden(_l("You cannot change this appointment."))
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Conflict(_l("This appointment is already cancelled."), code="already_cancelled")
    if appointment.starts_at <= now and not getattr(actor, "is_staff", False):
        raise Conflict(_l("The appointment has already begun; it can no longer be changed."), code="closed")


def move(appointment: GuidanceAppointment, start: datetime, *, actor: Any = None, by_token: bool = False,
         now: datetime) -> GuidanceAppointment:
    """Move the appointment to another free slot of the same guidance hour (same calendar entry,
    updated). The old slot is free again at once; the new one is guarded like a booking."""
    _check_changeable(appointment, actor, by_token=by_token, now=now)
    hour = appointment.guidance_hour
    window, end = find_slot(hour, start, now=now)
    if start == appointment.starts_at:
        raise ValidationError(_l("Your appointment is already at that time."), field="start", code="same_slot")
    if _slot_taken(hour.id, start, exclude_id=appointment.id):
        raise taken_error()
    previous = appointment.starts_at
    try:
        with db.session.begin_nested():
            appointment.starts_at, appointment.ends_at, appointment.window_id = start, end, window.id
            appointment.sequence += 1
            appointment.reminder_sent_at = None  # the new time gets its own reminder
            appointment.updated_at = now
            db.session.flush()
    except IntegrityError:
        db.session.refresh(appointment)
        raise taken_error() from None
    audit(actor, "guidance_appointment.move", "guidance_appointment", appointment.id,
          start=start.isoformat(), previous=previous.isoformat(), by_token=by_token or None)
    notifications.send_moved(appointment, previous)
    notifications.notify_advisers(appointment, "moved")
    return appointment


def can_manage(appointment: GuidanceAppointment, actor: Any) -> bool:
    """Staff, or the booker (their account, or an API user with the appointment's email)."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        return False
    if getattr(actor, "is_staff", False):
        return True
    return (appointment.user_id is not None and appointment.user_id == actor.id) \
        or (bool(appointment.email) and appointment.email == (getattr(actor, "email", "") or "").lower())


def cancel(appointment: GuidanceAppointment, *, actor: Any = None, by_token: bool = False, now: datetime,
           notify: bool = True) -> GuidanceAppointment:
    """Cancel: the slot is free again at once; the booker gets a calendar cancellation."""
    _check_changeable(appointment, actor, by_token=by_token, now=now)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.updated_at = now
    appointment.sequence += 1
    db.session.flush()
    audit(actor, "guidance_appointment.cancel", "guidance_appointment", appointment.id, by_token=by_token or None)
    if notify:
        notifications.send_cancelled(appointment, by_city=bool(getattr(actor, "is_staff", False)))
        if not getattr(actor, "is_staff", False):
            notifications.notify_advisers(appointment, "cancelled")
    return appointment


def cancel_for_window(window: GuidanceWindow, *, actor: Any, now: datetime) -> int:
    """Cancel the upcoming appointments of a cancelled window (each booker is told)."""
    rows = list(db.session.scalars(select(GuidanceAppointment).where(
        GuidanceAppointment.window_id == window.id, GuidanceAppointment.status == AppointmentStatus.BOOKED,
        GuidanceAppointment.starts_at > now)))
    for row in rows:
        row.status = AppointmentStatus.CANCELLED
        row.cancelled_at = now
        row.updated_at = now
        row.sequence += 1
        notifications.send_cancelled(row, by_city=True)
    db.session.flush()
    return len(rows)


def get_appointment(appointment_id: int) -> GuidanceAppointment:
    """An appointment by id, or ``NotFound``."""
    row = db.session.get(GuidanceAppointment, appointment_id) if 0 < appointment_id < 2**31 else None
    if row is None:
        raise NotFound(_l("The appointment was not found."))
    return row


def hour_appointments(hour: GuidanceHour, *, since: datetime | None = None) -> list[GuidanceAppointment]:
    """Live appointments of ``hour`` (from ``since`` on), in time order, for staff."""
    query = select(GuidanceAppointment).where(GuidanceAppointment.guidance_hour_id == hour.id,
                                              GuidanceAppointment.status == AppointmentStatus.BOOKED)
    if since is not None:
        query = query.where(GuidanceAppointment.ends_at > since)
    return list(db.session.scalars(query.order_by(GuidanceAppointment.starts_at)))


def user_appointments(user: User, now: datetime) -> list[GuidanceAppointment]:
    """The logged-in person's upcoming live appointments: their own, by their address (as for
    meetings, app/meetings/ownership.py), not the ones they booked for someone else."""
    return list(db.session.scalars(select(GuidanceAppointment).where(
        GuidanceAppointment.email == (user.email or "").strip().lower(),
        GuidanceAppointment.status == AppointmentStatus.BOOKED, GuidanceAppointment.ends_at > now)
        .order_by(GuidanceAppointment.starts_at)))
