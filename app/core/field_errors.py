"""Collecting a form's or a JSON body's errors field by field, to refuse them all at once."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.errors import ValidationError


class FieldErrors:
    """``{field: [messages]}`` filled by small section checkers; ``raise_if_any()`` at the end.

    ``errors.add("name", _l("Enter the name."))`` from anywhere the collector is passed to, so a
    long validation splits into one small function per section without losing "every error at once".
    """

    def __init__(self) -> None:
        self.fields: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(message)

    def extend(self, field: str, messages: list[Any]) -> None:
        for message in messages:
            self.add(field, message)

    def has(self, field: str) -> bool:
        return bool(self.fields.get(field))

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self, message: Any = None) -> None:
        """A ``ValidationError`` with every field's messages, if there are any."""
        if self.fields:
            raise ValidationError(message or _l("Check the highlighted fields."), fields=self.fields)
