"""Glue between services' errors and Flask-WTF forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField as _DateField, DateTimeLocalField as _DateTimeLocalField
from wtforms.validators import StopValidation

from app.core.dates import in_range, out_of_range_message
from app.errors import DomainError


class _BoundedDates:
    """A date the service can compute with (app.core.dates): year 1 or 9999 is refused here."""

    def pre_validate(self, form) -> None:  # type: ignore[no-untyped-def]
        super().pre_validate(form)  # type: ignore[misc]
        if not in_range(self.data):  # type: ignore[attr-defined]
            raise StopValidation(str(out_of_range_message()))


class DateField(_BoundedDates, _DateField):
    """wtforms' DateField within the service's years."""


class DateTimeLocalField(_BoundedDates, _DateTimeLocalField):
    """wtforms' DateTimeLocalField within the service's years."""


def populate_errors(form: FlaskForm, error: DomainError) -> None:
    """Show a service's field errors next to the fields; the rest at the top of the form."""
    unplaced = []
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [str(m) for m in messages]
        else:
            unplaced.extend(str(m) for m in messages)
    form.form_errors = list(getattr(form, "form_errors", [])) + (unplaced or [str(error.message)])


def db_id(value) -> int:
    """WTForms ``coerce`` / ``request.args`` ``type`` for row ids: a value beyond the database's
    integer range is no id at all (ValueError), never an overflow in the query."""
    number = int(value)
    if not 0 < number <= 2**31 - 1:
        raise ValueError("not an id")
    return number
