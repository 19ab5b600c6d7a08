"""GDPR rules: export a person's data, erase it, anonymise registrations after the retention period.

Erasure keeps what the cooperation report counts (seats, status, attendance, organisation in the
registry, the occurrence) and removes what identifies a person (name, email, free-text organisation
name, needs, the link to the account). Accounts are scrubbed and deactivated rather than deleted,
so that the audit trail of what staff did keeps pointing at a (now anonymous) actor.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.orm import contains_eager, selectinload

from app.accounts.models import ApiToken, Organization, User
from app.accounts.services import normalize_email
from app.core.audit import AuditEvent, audit
from app.core.types import utcnow
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.meetings.models import MeetingOccurrence, Registration
from app.privacy.registry import PersonalDataSource, Subject, iso, register_source, sources

LIVE_STATUSES = ("confirmed", "waitlisted")


def placeholder_email(kind: str, row_id: int) -> str:
    """A non-identifying address, unique per row (``.invalid`` is reserved: mail never leaves)."""
    return f"{kind}-{row_id}@anonymised.invalid"


# --- the subject --------------------------------------------------------------------------------

def subject_for(person: User | str) -> Subject:
    """The subject of a request given a user or an email address (the account found by email too)."""
    if isinstance(person, User):
        return Subject(email=person.email.lower(), user=person)
    try:
        email = normalize_email(person, lookup=True)
    except ValidationError:
        email = (person or "").strip().lower()
        if not email:
            raise
    user = db.session.scalar(select(User).where(User.email == email))
    return Subject(email=email, user=user)


# --- registrations -----------------------------------------------------------------------------

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


def _registrations_query(subject: Subject):
    return (select(Registration).join(Registration.occurrence).join(MeetingOccurrence.series)
            .where(subject.matches(Registration), Registration.anonymised_at.is_(None))
            .options(contains_eager(Registration.occurrence).contains_eager(MeetingOccurrence.series),
                     selectinload(Registration.organization))
            .order_by(MeetingOccurrence.starts_at, Registration.id))


def registrations_of(subject: Subject) -> list[Registration]:
    """The subject's registrations that still hold personal data, in meeting order."""
    return list(db.session.scalars(_registrations_query(subject)).unique())


def _default_canceller(row: Registration, *, actor: Any, now: datetime) -> None:
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


_canceller: Callable[..., None] = _default_canceller


def set_registration_canceller(fn: Callable[..., None]) -> None:
    """Let the meetings feature cancel upcoming registrations its own way (waiting-list promotion,
    mail to the promoted); called as ``fn(registration, actor=..., now=...)``."""
    global _canceller
    _canceller = fn


def anonymise_registration(row: Registration, *, actor: Any, now: datetime) -> None:
    """Remove personal data from one registration; cancels it first when the meeting is still ahead.

    Seats, status, attendance, the registry organisation and the occurrence stay for the report.
    Clearing ``manage_secret`` kills every manage and privacy link of the registration.
    """
    if row.status in LIVE_STATUSES and row.occurrence.ends_at > now:
        _canceller(row, actor=actor, now=now)
    row.name = ""
    row.email = placeholder_email("registration", row.id)
    row.organization_name = None
    row.needs = None
    row.user_id = None
    row.show_on_participant_list = False
    row.manage_secret = ""
    row.anonymised_at = now


def _export_registrations(subject: Subject) -> list[dict[str, Any]]:
    return [registration_json(row) for row in registrations_of(subject)]


def _erase_registrations(subject: Subject, *, actor: Any, now: datetime) -> int:
    rows = registrations_of(subject)
    for row in rows:
        anonymise_registration(row, actor=actor, now=now)
    return len(rows)


# --- the account -------------------------------------------------------------------------------

def _export_account(subject: Subject) -> dict[str, Any] | None:
    user = subject.user
    if user is None:
        return None
    org: Organization | None = user.organization
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "locale": user.locale,
        "active": user.active,
        "organization": ({"id": org.id, "name": org.name, "business_id": org.business_id}
                         if org is not None else None),
        "created_at": iso(user.created_at),
        "updated_at": iso(user.updated_at),
        "last_login_at": iso(user.last_login_at),
    }


def _erase_account(subject: Subject, *, actor: Any, now: datetime) -> int:
    user = subject.user
    if user is None or user.email == placeholder_email("user", user.id):
        return 0
    if user.is_admin and user.active:
        others = db.session.scalar(select(func.count(User.id)).where(
            User.role == "admin", User.active.is_(True), User.id != user.id))
        if not others:
            raise Conflict(_l("The last active administrator cannot be erased."), code="last_admin")
    user.email = placeholder_email("user", user.id)
    user.name = ""
    user.password_hash = None
    user.organization_id = None
    user.active = False
    user.feed_token_version += 1  # the personal calendar feed URL stops working
    user.session_version = (user.session_version or 1) + 1  # every session ends
    return 1


def _export_tokens(subject: Subject) -> list[dict[str, Any]]:
    if subject.user is None:
        return []
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == subject.user.id)
                              .order_by(ApiToken.id))
    return [{"label": t.label, "prefix": t.prefix, "created_at": iso(t.created_at),
             "last_used_at": iso(t.last_used_at), "revoked_at": iso(t.revoked_at)} for t in rows]


def _erase_tokens(subject: Subject, *, actor: Any, now: datetime) -> int:
    if subject.user is None:
        return 0
    result = db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == subject.user.id)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _export_audit(subject: Subject) -> list[dict[str, Any]]:
    """What the person did in the service; kept after erasure (accountability of changes)."""
    if subject.user is None:
        return []
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == subject.user.id)
                              .order_by(AuditEvent.id))
    return [{"action": e.action, "entity": e.entity, "entity_id": e.entity_id,
             "created_at": iso(e.created_at)} for e in rows]


register_source(PersonalDataSource("registrations", _export_registrations, _erase_registrations, order=10))
register_source(PersonalDataSource("api_tokens", _export_tokens, _erase_tokens, order=80))
register_source(PersonalDataSource("account", _export_account, _erase_account, order=90))
register_source(PersonalDataSource("audit_events", _export_audit, None, order=200))


# --- the GDPR operations ------------------------------------------------------------------------

def export_person(person: User | str, *, actor: Any = None, now: datetime | None = None) -> dict[str, Any]:
    """All personal data about ``person`` (a user or an email address) as a JSON-ready dict."""
    subject = subject_for(person)
    now = now or utcnow()
    data: dict[str, Any] = {"generated_at": iso(now), "email": subject.email,
                            "service": "Kohtaamo, City of Helsinki"}
    for source in sources():
        data[source.name] = source.export(subject)
    if actor is not None:
        audit(actor, "privacy.export", "user" if subject.user else "email",
              subject.user.id if subject.user else "-")
    return data


def summary(person: User | str) -> dict[str, int]:
    """How many records of each kind hold the person's data (for the "My data" page)."""
    data = export_person(person)
    return {name: (len(value) if isinstance(value, list) else int(value is not None))
            for name, value in data.items() if name in {s.name for s in sources()}}


def erase_person(person: User | str, *, actor: Any, now: datetime | None = None) -> dict[str, int]:
    """Erase or anonymise every erasable record of ``person``; returns counts per source.

    Flushes and audits (without the email: the audit must not keep what was erased).
    """
    subject = subject_for(person)
    now = now or utcnow()
    counts: dict[str, int] = {}
    for source in sources():
        if source.erase is not None:
            counts[source.name] = source.erase(subject, actor=actor, now=now)
    db.session.flush()
    audit(actor, "privacy.erase", "user" if subject.user else "email",
          subject.user.id if subject.user else "-", **counts)
    return counts


def export_registration(row: Registration, *, now: datetime | None = None) -> dict[str, Any]:
    """One registration's data, for a registrant who has the manage link but no account."""
    return {"generated_at": iso(now or utcnow()), "service": "Kohtaamo, City of Helsinki",
            "registrations": [registration_json(row)]}


def erase_registration(row: Registration, *, actor: Any = None, now: datetime | None = None) -> None:
    """Anonymise one registration (cancelling it when the meeting is ahead) and audit it."""
    now = now or utcnow()
    anonymise_registration(row, actor=actor, now=now)
    db.session.flush()
    audit(actor, "privacy.erase", "registration", row.id)


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
