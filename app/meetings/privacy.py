"""Registrations in GDPR requests (export, erasure) and their retention.

Erasure keeps what the cooperation report counts (seats, status, attendance, the registry
organisation, the occurrence) and removes what identifies a person (name, email, free-text
organisation name, needs, the link to the account). An upcoming registration is cancelled like the
person would cancel it (seats freed, the waiting list promoted and the promoted mailed), but
without mailing the person being erased.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.orm import contains_eager, selectinload

from app.core.audit import audit
from app.core.personal_data import PersonalDataSource, Subject, iso, placeholder_email, register_source
from app.errors import ValidationError
from app.extensions import db
from app.meetings.models import MeetingOccurrence, Registration

LIVE_STATUSES = ("confirmed", "waitlisted")


def registration_json(row: Registration) -> dict[str, Any]:
    """Everything stored about one registration, with the meeting it is for."""
    occurrence = row.occurrence
    series = occurrence.series
    return {
        "id": row.id,
        "meeting": {
            "occurrence_id": occurrence.id,
            "series_id": series.id,
            "title": {"fi": series.title_fi, "sv": series.title_sv, "en": series.title_en},
            "start": iso(occurrence.starts_at),
            "end": iso(occurrence.ends_at),
            "status": occurrence.status,
        },
        "name": row.name,
        "email": row.email,
        "organization_id": row.organization_id,
        "organization": row.organization.name if row.organization is not None else None,
        "organization_name": row.organization_name,
        "seats": row.seats,
        "status": row.status,
        "needs": row.needs,
        "show_on_participant_list": row.show_on_participant_list,
        "consent_at": iso(row.consent_at),
        "locale": row.locale,
        "attendance": row.attendance,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "promoted_at": iso(row.promoted_at),
        "cancelled_at": iso(row.cancelled_at),
        "anonymised_at": iso(row.anonymised_at),
    }


def _own(subject: Subject):
    """The subject's own registrations: by their address. Those a group contact made for colleagues
    (the contact's ``user_id``, the colleague's address) are the colleagues' data, not the contact's
    (app/meetings/ownership.py); erasure only unlinks the contact from them (:func:`_erase`)."""
    return func.lower(Registration.email) == (subject.email or "").strip().lower()


def _registrations_query(subject: Subject):
    return (select(Registration).join(Registration.occurrence).join(MeetingOccurrence.series)
            .where(_own(subject), Registration.anonymised_at.is_(None))
            .options(contains_eager(Registration.occurrence).contains_eager(MeetingOccurrence.series),
                     selectinload(Registration.organization))
            .order_by(MeetingOccurrence.starts_at, Registration.id))


def registrations_of(subject: Subject) -> list[Registration]:
    """The subject's registrations that still hold personal data, in meeting order."""
    return list(db.session.scalars(_registrations_query(subject)).unique())


# --- cancelling an upcoming registration on erasure -----------------------------------------------

def give_seats_back(row: Registration, *, actor: Any, now: datetime) -> None:
    """Cancel a live registration and give its confirmed seats back to the occurrence.

    The conditional UPDATE keeps ``seats_taken`` consistent under concurrency (DESIGN.md).
    """
    if row.status == "confirmed":
        db.session.execute(
            update(MeetingOccurrence)
            .where(MeetingOccurrence.id == row.occurrence_id, MeetingOccurrence.seats_taken >= row.seats)
            .values(seats_taken=MeetingOccurrence.seats_taken - row.seats)
            .execution_options(synchronize_session=False))
        db.session.expire(row.occurrence, ["seats_taken"])
    row.status = "cancelled"
    row.cancelled_at = now


def cancel_for_erasure(row: Registration, *, actor: Any, now: datetime) -> None:
    """Cancel like the person would (frees the seats, promotes the waiting list and mails the
    promoted), but without mailing the person being erased. A meeting that is already under way
    cannot be cancelled by its registrant, so then only the seats are given back."""
    from app.meetings.registrations import cancel_registration

    if row.occurrence.starts_at <= now:
        give_seats_back(row, actor=actor, now=now)
        return
    cancel_registration(row, actor=actor, now=now, by_token=True, notify=False)


# How an upcoming registration is cancelled on erasure; the privacy package may replace it (tests).
canceller: Callable[..., None] = cancel_for_erasure


def anonymise_registration(row: Registration, *, actor: Any, now: datetime) -> None:
    """Remove personal data from one registration; cancels it first when the meeting is still ahead.

    Seats, status, attendance, the registry organisation and the occurrence stay for the report.
    Clearing ``manage_secret`` kills every manage and privacy link of the registration.
    """
    if row.status in LIVE_STATUSES and row.occurrence.ends_at > now:
        canceller(row, actor=actor, now=now)
    row.name = ""
    row.email = placeholder_email("registration", row.id)
    row.organization_name = None
    row.needs = None
    row.user_id = None
    row.show_on_participant_list = False
    row.manage_secret = ""
    row.anonymised_at = now


def _export(subject: Subject) -> list[dict[str, Any]]:
    return [registration_json(row) for row in registrations_of(subject)]


def _erase(subject: Subject, *, actor: Any, now: datetime) -> int:
    rows = registrations_of(subject)
    for row in rows:
        anonymise_registration(row, actor=actor, now=now)
    if subject.user is not None:  # registrations made for others stay theirs, without the maker
        db.session.execute(update(Registration).where(Registration.user_id == subject.user.id)
                           .values(user_id=None).execution_options(synchronize_session=False))
    return len(rows)


register_source(PersonalDataSource("registrations", _export, _erase, order=10))


# --- retention ------------------------------------------------------------------------------------

def expired_registrations_query(now: datetime, retention_days: int):
    """Registrations with personal data whose meeting ended more than ``retention_days`` ago."""
    if retention_days < 0:
        raise ValidationError(_l("The retention period cannot be negative."), field="retention_days")
    cutoff = now - timedelta(days=retention_days)
    ended = select(MeetingOccurrence.id).where(MeetingOccurrence.ends_at < cutoff)
    return Registration.anonymised_at.is_(None) & Registration.occurrence_id.in_(ended)


def count_expired(now: datetime, retention_days: int) -> int:
    """How many registrations ``anonymise_expired`` would change."""
    return db.session.scalar(select(func.count(Registration.id))
                             .where(expired_registrations_query(now, retention_days))) or 0


def anonymise_expired(now: datetime, retention_days: int) -> int:
    """Anonymise registrations of meetings that ended more than ``retention_days`` ago, in one UPDATE.

    The meetings are over, so nothing is cancelled and counts stay as they are. Idempotent.
    """
    placeholder = (literal("registration-") + cast(Registration.id, String)
                   + literal("@anonymised.invalid"))
    result = db.session.execute(
        update(Registration).where(expired_registrations_query(now, retention_days))
        .values(name="", email=placeholder, organization_name=None, needs=None, user_id=None,
                show_on_participant_list=False, manage_secret="", anonymised_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    count = result.rowcount or 0
    if count:
        audit(None, "privacy.anonymise_expired", "registration", "-", count=count,
              retention_days=retention_days)
    db.session.flush()
    return count
