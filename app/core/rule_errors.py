"""A refused recurrence rule as a user-facing error: the one translation of ``RecurrenceError``.

:mod:`app.scheduling` is pure and raises ``RecurrenceError`` with an untranslated English
``message`` (a ``%(name)s`` template), ``params``, ``field`` and ``code``. Services and views turn
it into a translated :class:`~app.errors.ValidationError` here; core does not import scheduling,
so any error with those four attributes will do.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from flask_babel import gettext

from app.errors import ValidationError


class RuleError(Protocol):
    code: str
    field: str
    message: str
    params: dict[str, Any]


def _human(value: Any) -> Any:
    """An ISO date parameter (2026-12-04) as Finnish users write it (4.12.2026); anything else as is."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day}.{day.month}.{day.year}"
    return value


def message(error: RuleError) -> str:
    """The error's message in the current language, its parameters filled in (dates as 4.12.2026)."""
    return gettext(error.message, **{key: _human(value) for key, value in error.params.items()})


def to_validation_error(error: RuleError, field_map: Mapping[str, str] | None = None) -> ValidationError:
    """A :class:`ValidationError` on the form field the error names, renamed through ``field_map``
    (e.g. ``{"start": "start_local"}``), with the error's ``code`` and translated :func:`message`."""
    field = (field_map or {}).get(error.field, error.field)
    return ValidationError(message(error), field=field, code=error.code)
