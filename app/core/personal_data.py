"""Where personal data lives: one ``PersonalDataSource`` per kind of record.

The privacy package's ``export_person`` and ``erase_person`` walk this registry, so a feature that
stores personal data (booking requests, feedback with contact details, ...) takes part in GDPR
requests by registering a source from its own ``<feature>/privacy.py``, using only its own
models and public functions::

    from app.core.personal_data import PersonalDataSource, Subject, register_source

    def _export(subject: Subject) -> list[dict]:
        rows = db.session.scalars(select(BookingRequest).where(subject.matches(BookingRequest)))
        return [{"id": r.id, "title": r.title, ...} for r in rows]

    def _erase(subject: Subject, *, actor, now) -> int:
        ...anonymise the matching rows, return how many...

    register_source(PersonalDataSource("booking_requests", _export, _erase))

Registering is idempotent (by name); app/privacy/sources.py imports every feature's module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import false, func, or_


@dataclass(frozen=True)
class Subject:
    """The person a request is about: an email address and, when they have one, their account."""

    email: str
    user: Any = None  # app.accounts.models.User (core sits below the accounts feature)

    def matches(self, model: Any, *, email_column: str = "email", user_column: str = "user_id"):
        """A WHERE clause for ``model``'s rows that belong to this person (by account or by email)."""
        clauses = []
        if self.email and hasattr(model, email_column):
            clauses.append(func.lower(getattr(model, email_column)) == self.email)
        if self.user is not None and hasattr(model, user_column):
            clauses.append(getattr(model, user_column) == self.user.id)
        return or_(*clauses) if clauses else false()


Exporter = Callable[[Subject], Any]
Eraser = Callable[..., int]  # (subject, *, actor, now) -> number of records changed


@dataclass(frozen=True)
class PersonalDataSource:
    """One kind of personal record: how to export it and how to erase or anonymise it."""

    name: str
    export: Exporter
    erase: Eraser | None = None  # None: kept on another legal basis (said in the privacy notice)
    order: int = 100  # erasure order: dependants before the account itself
    extra: dict[str, Any] = field(default_factory=dict)


SOURCES: dict[str, PersonalDataSource] = {}


def register_source(source: PersonalDataSource) -> PersonalDataSource:
    """Add (or replace, by name) a source; returns it so it can be used as a module constant."""
    SOURCES[source.name] = source
    return source


def sources() -> list[PersonalDataSource]:
    """The sources in erasure order."""
    return sorted(SOURCES.values(), key=lambda s: (s.order, s.name))


def iso(value: datetime | None) -> str | None:
    """An instant as ISO 8601 with Helsinki's offset (the API's format), or None."""
    if value is None:
        return None
    from app.core.i18n import to_local

    return to_local(value).isoformat()


def placeholder_email(kind: str, row_id: int) -> str:
    """A non-identifying address, unique per row (``.invalid`` is reserved: mail never leaves)."""
    return f"{kind}-{row_id}@anonymised.invalid"


ERASED_TITLE = "–"  # what an erased person's free-text title becomes
