"""Staff and NGO forms of the feedback feature (the participant questionnaire is dynamic, see views)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.feedback.statuses import TopicStatus


class FormSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Send feedback invitations after each meeting of this series"))
    anonymous = BooleanField(_l("Anonymous feedback (answers are not linked to participants)"))
    send_after_hours = IntegerField(
        _l("Send the invitation this many hours after the meeting ends"),
        validators=[InputRequired(_l("Enter a number.")), NumberRange(0, 720, _l("Enter a number from 0 to 720."))])
    remind_after_days = IntegerField(
        _l("Remind those who have not answered after this many days"),
        validators=[InputRequired(_l("Enter a number.")), NumberRange(1, 60, _l("Enter a number from 1 to 60."))])
    open_days = IntegerField(
        _l("The form stays open this many days after the meeting"),
        validators=[InputRequired(_l("Enter a number.")), NumberRange(1, 365, _l("Enter a number from 1 to 365."))])
    intro_fi = TextAreaField(_l("Introduction in Finnish"), validators=[Optional(), Length(max=2000)])
    intro_sv = TextAreaField(_l("Introduction in Swedish"), validators=[Optional(), Length(max=2000)])
    intro_en = TextAreaField(_l("Introduction in English"), validators=[Optional(), Length(max=2000)])


def question_kind_choices() -> list[tuple[str, str]]:
    return [("rating", str(_l("Rating 1–5"))), ("single", str(_l("Single choice"))),
            ("multiple", str(_l("Multiple choice"))), ("text", str(_l("Free text")))]


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Type of question"), validators=[DataRequired(_l("Choose a question type."))])
    text_fi = StringField(_l("Question in Finnish"), validators=[
        DataRequired(_l("Enter the question in Finnish.")), Length(max=500)])
    text_sv = StringField(_l("Question in Swedish"), validators=[Optional(), Length(max=500)])
    text_en = StringField(_l("Question in English"), validators=[Optional(), Length(max=500)])
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Options (choice questions)"), validators=[Optional(), Length(max=5000)],
        description=_l("One option a line: key | Finnish | Swedish | English, e.g. "
                       "“email | Sähköposti | E-post | Email”. Keys: a–z, 0–9, - and _."))
    options_from_themes = BooleanField(_l("Use the active meeting themes as options"))
    theme_id = SelectField(_l("Theme in the cooperation report"), coerce=int, validators=[Optional()])


class TopicForm(FlaskForm):
    title = StringField(_l("Topic"), validators=[
        DataRequired(_l("Give the topic a title.")),
        Length(min=3, max=200, message=_l("The title must be 3–200 characters long."))])
    description = TextAreaField(_l("Description (optional)"), validators=[
        Optional(), Length(max=2000, message=_l("At most 2000 characters."))])


class DecideTopicForm(FlaskForm):
    status = SelectField(_l("Decision"), validators=[DataRequired()])
    linked_occurrence_id = SelectField(_l("Meeting whose agenda takes the topic up"), coerce=int,
                                       validators=[Optional()])
    staff_note = TextAreaField(_l("Note to the proposers (optional)"), validators=[Optional(), Length(max=2000)])


def topic_status_choices() -> list[tuple[str, str]]:
    # What staff decide, in words of the decision (the status labels are TopicStatus's).
    return [(TopicStatus.TAKEN_UP.value, str(_l("Taken up on the agenda"))),
            (TopicStatus.DECLINED.value, TopicStatus.DECLINED.label),
            (TopicStatus.PROPOSED.value, str(_l("Undecided (reopen)")))]


class CreateForm(FlaskForm):
    """The explicit "create the feedback form" action (only the CSRF token)."""
