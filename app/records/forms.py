"""Staff forms of meeting records and materials."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import NumberRange, Optional


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
    organization_ids = MultiCheckboxField(_l("Organisations that took part"), coerce=int)
    topic_ids = MultiCheckboxField(_l("Topics discussed"), coerce=int)


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

    series = SelectField(_l("Meeting series"), coerce=int, validators=[Optional()])
    theme = SelectField(_l("Theme"), coerce=int, validators=[Optional()])
    year = SelectField(_l("Year"), coerce=int, validators=[Optional()])
