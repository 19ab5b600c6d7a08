"""Staff forms of meeting records and materials."""
from __future__ import annotations

from app.core.forms import db_id

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import NumberRange, Optional


def _year(value) -> int:
    """0 (all years) or a year the service can show (1900–2199); anything else is no choice (ValueError)."""
    number = int(value)
    if number != 0 and not 1900 <= number <= 2199:
        raise ValueError("not a year")
    return number


def _choice_id(value) -> int:
    """0 (all) or a row id within the database's integer range; anything else is no choice (ValueError)."""
    number = int(value)
    return number if number == 0 else db_id(number)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RecordForm(FlaskForm):
    agenda_fi = TextAreaField(_l("Agenda in Finnish"), validators=[Optional()],
                              description=_l("Shown on the meeting's page before the meeting."))
    agenda_sv = TextAreaField(_l("Agenda in Swedish"), validators=[Optional()])
    agenda_en = TextAreaField(_l("Agenda in English"), validators=[Optional()])
    summary_fi = TextAreaField(_l("Minutes in Finnish"), validators=[Optional()],
                               description=_l("Required for publishing. Swedish and English readers see the "
                                              "Finnish minutes when their language is missing."))
    summary_sv = TextAreaField(_l("Minutes in Swedish"), validators=[Optional()])
    summary_en = TextAreaField(_l("Minutes in English"), validators=[Optional()])
    attendees_count = IntegerField(_l("Number of attendees"), validators=[
        Optional(), NumberRange(0, 100000, _l("Enter a number from 0 to 100000."))],
        description=_l("Filled in from the attendance list; correct it if needed."))
    organization_ids = MultiCheckboxField(_l("Organisations that took part"), coerce=db_id)
    topic_ids = MultiCheckboxField(_l("Topics discussed"), coerce=db_id)


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), description=_l("PDF, office or OpenDocument file, or an image; at most 20 MB."))
    title = StringField(_l("Title (optional)"), validators=[Optional()],
                        description=_l("For example “Slides” or “Agenda”. The file name is used if empty."))
    public_before_meeting = BooleanField(_l("Public before the meeting (agenda, slides)"),
                                         description=_l("Otherwise the file is public with the published record."))


class ConfirmForm(FlaskForm):
    """CSRF only: confirmations and one-button actions."""


class LibraryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    series = SelectField(_l("Meeting series"), coerce=_choice_id, validators=[Optional()])
    theme = SelectField(_l("Theme"), coerce=_choice_id, validators=[Optional()])
    year = SelectField(_l("Year"), coerce=_year, validators=[Optional()])
