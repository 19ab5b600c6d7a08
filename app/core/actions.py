"""The one way a page acts: call a service, commit, or roll back and show why.

The web twin of the API's ``endpoint`` (app/api/core.py): a form view validates its form, then
``act(lambda: service(...), form=form)``. On success the transaction is committed and the service's
return value is in ``result.value``; on a ``DomainError`` everything is rolled back (never a
half-written record), the messages are placed next to the form's fields (or flashed when the view
has no form) and ``result.status`` is what the page answers: 409 for a conflict, else 400.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm

from app.core.forms import populate_errors
from app.errors import DomainError
from app.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class ActResult(Generic[T]):
    """What ``act`` did: the service's value, or the error it refused with."""

    value: T | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """The page's answer: 200, 409 for a conflict, 400 for any other refusal."""
        if self.error is None:
            return 200
        return 409 if self.error.status == 409 else 400


def act(call: Callable[[], T], *, form: FlaskForm | None = None,
        field_map: Mapping[str, str] | None = None) -> ActResult[T]:
    """Run ``call`` as the request's one transaction.

    ``field_map`` renames the service's field names to the form's (``{"starts_at": "start"}``).
    Without a form the error is flashed, for buttons that redirect back.
    """
    try:
        value = call()
    except DomainError as error:
        db.session.rollback()
        if field_map:
            renamed: dict[str, list] = {}
            for name, messages in error.fields.items():
                renamed.setdefault(field_map.get(name, name), []).extend(messages)
            error.fields = renamed
        if form is not None:
            populate_errors(form, error)
        else:
            flash(str(error.message), "error")
        return ActResult(error=error)
    db.session.commit()
    return ActResult(value=value)
