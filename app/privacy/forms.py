"""Forms of the privacy pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length


class EraseConfirmForm(FlaskForm):
    """The second step of an erasure: the person types their email address again."""

    confirm_email = EmailField(
        _l("Type your email address to confirm"),
        validators=[DataRequired(_l("Type your email address to confirm.")), Length(max=254)],
        description=_l("This cannot be undone."))

    def matches(self, email: str) -> bool:
        """True when the typed address is ``email`` (case and surrounding spaces ignored)."""
        return (self.confirm_email.data or "").strip().lower() == (email or "").strip().lower()
