"""Collect every field error of an input before refusing it (one answer lists them all)."""
from __future__ import annotations

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
