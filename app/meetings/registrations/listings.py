"""Reading registrations: of a date, of a person, the public participant list, queue places."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import Organization, User
from app.core.types import utcnow
from app.errors import NotFound
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.meetings.ownership import own_registrations
from app.meetings.statuses import RegistrationStatus

CONFIRMED, WAITLISTED, CANCELLED = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
                                    RegistrationStatus.CANCELLED)


def get_occurrence(occurrence_id: int) -> MeetingOccurrence:
    """The occurrence with its series (and space) loaded; NotFound otherwise."""
    occurrence = db.session.scalar(
        select(MeetingOccurrence).where(MeetingOccurrence.id == occurrence_id)
        .options(joinedload(MeetingOccurrence.series).joinedload(MeetingSeries.space)))
    if occurrence is None:
        raise NotFound(_l("The meeting was not found."))
    return occurrence


def occurrence_registrations(occurrence: MeetingOccurrence, *, include_cancelled: bool = False
                             ) -> list[Registration]:
    """Registrations of an occurrence, confirmed first, then the waiting list in queue order.

    One query whatever their number (organisations joined eagerly).
    """
    order = case((Registration.status == CONFIRMED, 0), (Registration.status == WAITLISTED, 1), else_=2)
    query = (select(Registration).where(Registration.occurrence_id == occurrence.id)
             .options(joinedload(Registration.organization))
             .order_by(order, Registration.created_at, Registration.id))
    if not include_cancelled:
        query = query.where(Registration.status != CANCELLED)
    return list(db.session.scalars(query))


def public_participants(occurrence: MeetingOccurrence) -> list[tuple[str, str]]:
    """(name, organisation) of confirmed people who opted in to the networking list; no emails."""
    rows = db.session.execute(
        select(Registration.name, Registration.organization_name, Organization.name)
        .outerjoin(Organization, Organization.id == Registration.organization_id)
        .where(Registration.occurrence_id == occurrence.id, Registration.status == CONFIRMED,
               Registration.show_on_participant_list.is_(True), Registration.anonymised_at.is_(None))
        .order_by(func.lower(Registration.name), Registration.id)).all()
    return [(name, org or free or "") for name, free, org in rows]


def waitlist_position(registration: Registration) -> int | None:
    """1-based place in the queue of a waiting registration."""
    if registration.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.occurrence_id == registration.occurrence_id, Registration.status == WAITLISTED,
            (Registration.created_at < registration.created_at)
            | ((Registration.created_at == registration.created_at) & (Registration.id < registration.id))))
    return int(ahead or 0) + 1


def user_registrations(user: User, *, now: datetime | None = None
                       ) -> tuple[list[Registration], list[Registration]]:
    """(upcoming, past) registrations of a logged-in user: their own (by their address,
    ``app.meetings.ownership``), not the ones they made for others (a group's are on its page)."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Registration).join(Registration.occurrence)
        .where(own_registrations(user), Registration.anonymised_at.is_(None))
        .options(joinedload(Registration.occurrence).joinedload(MeetingOccurrence.series))
        .order_by(MeetingOccurrence.starts_at, Registration.id)).all()
    upcoming = [r for r in rows if r.occurrence.ends_at > now]
    past = [r for r in rows if r.occurrence.ends_at <= now][::-1]
    return upcoming, past


def user_registration_for(occurrence: MeetingOccurrence, user: Any) -> Registration | None:
    """The logged-in user's own live registration for ``occurrence``, if any (by their address:
    people they registered for others, e.g. a group, are not "theirs")."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   Registration.status != CANCELLED,
                                   own_registrations(user)))


def get_registration(registration_id: int) -> Registration:
    """A registration with its occurrence and series; NotFound otherwise."""
    registration = db.session.scalar(
        select(Registration).where(Registration.id == registration_id)
        .options(joinedload(Registration.occurrence).joinedload(MeetingOccurrence.series)))
    if registration is None:
        raise NotFound(_l("The registration was not found."))
    return registration

