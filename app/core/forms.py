"""Glue between services' errors and Flask-WTF forms."""
from __future__ import annotations

from flask_wtf import FlaskForm

from app.errors import DomainError


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
