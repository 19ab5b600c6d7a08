"""GDPR rules: export a person's data, erase it, anonymise registrations after the retention period.

The machinery: who the request is about, and walking every registered source
(app/core/personal_data.py) to export or erase. What each kind of record gives and how it is
erased is its feature's own ``privacy.py`` (app/privacy/sources.py collects them); registrations,
the one kind also erased one at a time (the manage link), come from app/meetings/privacy.py.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import normalize_email
from app.core.audit import audit
from app.core.personal_data import Subject, iso, placeholder_email, sources
from app.core.types import utcnow
from app.errors import ValidationError
from app.extensions import db
from app.meetings import privacy as meetings_privacy
from app.meetings.models import Registration
from app.meetings.privacy import (LIVE_STATUSES, anonymise_expired, anonymise_registration, count_expired,
                                  expired_registrations_query, registration_json, registrations_of)
from app.privacy import sources as _sources  # noqa: F401  (every feature's source registered)

__all__ = ["LIVE_STATUSES", "anonymise_expired", "anonymise_registration", "count_expired", "erase_person",
           "erase_registration", "expired_registrations_query", "export_person", "export_registration",
           "placeholder_email", "registration_json", "registrations_of", "set_registration_canceller",
           "subject_for", "summary"]


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


# --- registrations (app/meetings/privacy.py): the one source erased one at a time too ----------

def set_registration_canceller(fn: Callable[..., None]) -> None:
    """Replace how an upcoming registration is cancelled on erasure; called as
    ``fn(registration, actor=..., now=...)``. By default the meetings feature cancels it like the
    person would (seats freed, waiting list promoted), without mailing the person."""
    global _canceller
    _canceller = fn
    meetings_privacy.canceller = fn


_canceller: Callable[..., None] = meetings_privacy.canceller


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
