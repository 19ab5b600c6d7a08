"""The subscription form: a theme and/or a district, and how often."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField

from app.core.districts import district_choices
from app.core.i18n import current_language, localized
from app.subscriptions.models import Frequency


class SubscriptionForm(FlaskForm):
    theme_id = SelectField(_l("Theme"), default="")
    district = SelectField(_l("District"), default="")
    frequency = RadioField(_l("How often"), default=Frequency.IMMEDIATE.value)

    def __init__(self, *args: Any, themes=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.theme_id.choices = [("", _l("Any theme"))] + [(str(t.id), localized(t, "name", lang)) for t in themes]
        self.district.choices = [("", _l("Any district"))] + district_choices(lang)
        self.frequency.choices = [
            (Frequency.IMMEDIATE.value, _l("At once, one mail per new meeting")),
            (Frequency.WEEKLY.value, _l("A weekly digest"))]

    def service_data(self) -> dict[str, Any]:
        return {"theme_id": self.theme_id.data or None, "district": self.district.data or None,
                "frequency": self.frequency.data}
