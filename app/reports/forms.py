"""The report's filter form (GET: bookmarkable, no CSRF token needed for reading)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from app.core.forms import DateField  # bounded years (app.core.dates)
from app.errors import ValidationError as DomainValidationError
from app.reports.services import check_period, default_period, helsinki_today


def _optional_int(value):
    """'' → None (all), digits → int; anything else is not a valid choice."""
    if value in ("", None):
        return None
    return int(value)


class ReportFilterForm(FlaskForm):
    """Period (local dates, both included), series and theme; empty dates mean the last 12 months."""

    class Meta:
        csrf = False

    from_date = DateField(_l("From"), name="from", validators=[Optional()],
                          description=_l("The first day of the period, e.g. 2026-01-01."))
    to_date = DateField(_l("To"), name="to", validators=[Optional()],
                        description=_l("The last day of the period (included)."))
    series = SelectField(_l("Meeting series"), coerce=_optional_int, validate_choice=True,
                         invalid_value_message=_l("Choose a series from the list."),
                         invalid_choice_message=_l("Choose a series from the list."))
    theme = SelectField(_l("Theme"), coerce=_optional_int, validate_choice=True,
                        invalid_value_message=_l("Choose a theme from the list."),
                        invalid_choice_message=_l("Choose a theme from the list."))

    def set_choices(self, series: list[tuple[int, str]], themes: list[tuple[int, str]]) -> None:
        """Fill the selects (``(id, name)`` pairs) with an "all" option first."""
        self.series.choices = [("", _l("All series"))] + series
        self.theme.choices = [("", _l("All themes"))] + themes

    def period(self, today: date) -> tuple[date, date]:
        """The chosen period; a missing end defaults to today, a missing start to 11 months before
        the end's month (so the default is the last 12 months)."""
        end = self.to_date.data or today
        start = self.from_date.data or default_period(end)[0]
        return start, end

    def validate(self, extra_validators=None) -> bool:
        """Field formats first, then the period as a whole (order, maximum length)."""
        if not super().validate(extra_validators):
            return False
        try:
            check_period(*self.period(helsinki_today()))
        except DomainValidationError as exc:
            self.to_date.errors = list(self.to_date.errors) + [str(exc.message)]
            return False
        return True
