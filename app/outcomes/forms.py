"""Staff forms of outcomes."""
from __future__ import annotations

from app.core.forms import db_id

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def status_choices() -> list[tuple[str, str]]:
    from app.outcomes.statuses import OutcomeStatus

    return [(status.value, status.label) for status in OutcomeStatus]


class OutcomeForm(FlaskForm):
    title_fi = StringField(_l("Title in Finnish"), validators=[
        DataRequired(_l("Give the outcome a title in Finnish.")), Length(max=200)])
    title_sv = StringField(_l("Title in Swedish"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Optional(), Length(max=10000)])
    description_sv = TextAreaField(_l("Description in Swedish"), validators=[Optional(), Length(max=10000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=10000)])
    status = SelectField(_l("Status"))
    topic_ids = MultiCheckboxField(_l("Topics"), coerce=db_id)
    occurrence_ids = MultiCheckboxField(_l("Meetings"), coerce=db_id)
    theme_ids = MultiCheckboxField(_l("Themes"), coerce=db_id)


class OutcomeUpdateForm(FlaskForm):
    status = SelectField(_l("New status"))
    note_fi = TextAreaField(_l("Note in Finnish"), validators=[Optional(), Length(max=10000)],
                            description=_l("What happened? Followers get this by email."))
    note_sv = TextAreaField(_l("Note in Swedish"), validators=[Optional(), Length(max=10000)])
    note_en = TextAreaField(_l("Note in English"), validators=[Optional(), Length(max=10000)])


class FollowForm(FlaskForm):
    """CSRF only."""
