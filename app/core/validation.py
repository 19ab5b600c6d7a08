"""Collect every field error of an input before refusing it (one answer lists them all)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from app.errors import ValidationError


class ErrorCollector:
    """``add(field, message)`` while checking, then ``raise_if_any()``.

    Section cleaners share one collector, so a form or API call is answered with every field at
    fault at once (``ValidationError(fields=...)``, 422 in the API, 400 on a page).
    """

    def __init__(self) -> None:
        self.fields: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(message)

    def extend(self, field: str, messages: list[Any]) -> None:
        for message in messages:
            self.add(field, message)

    def has(self, *fields: str) -> bool:
        """Whether any of ``fields`` (or, without arguments, any field) has an error."""
        if not fields:
            return bool(self.fields)
        return any(name in self.fields for name in fields)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self, message: Any = None) -> None:
        if self.fields:
            raise ValidationError(message if message is not None else _l("Check the highlighted fields."),
                                  fields=self.fields)


def clean_text(raw: dict[str, Any], name: str, errors: ErrorCollector, limit: int) -> str | None:
    """``raw[name]`` stripped (``None`` when missing or empty); an error when not text or over ``limit``."""
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add(name, _l("Enter text."))
        return None
    value = value.strip()
    if len(value) > limit:
        errors.add(name, _l("At most %(n)d characters.", n=limit))
    return value or None


def parse_datetime(value: Any) -> datetime | None:
    """A ``datetime`` as given, or read from ISO 8601 text; ``None`` when it is neither (the caller says why)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def check_query_range(start: datetime | None, end: datetime | None, *, max_days: int) -> None:
    """A ``from``/``to`` query range (either may be open) that is the right way round and at most
    ``max_days`` long; ``ValidationError`` on ``to`` otherwise (422 in the API)."""
    if start is None or end is None:
        return
    if end <= start:
        raise ValidationError(_l("Check the query parameters."),
                              fields={"to": [_l("The end must be after the start.")]})
    if end - start > timedelta(days=max_days):
        raise ValidationError(_l("Check the query parameters."), fields={
            "to": [_l("At most %(n)d days at a time.", n=max_days)]})
