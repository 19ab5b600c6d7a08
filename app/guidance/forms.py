"""Forms of the guidance pages: formats here, rules in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.accounts.models import Organization
from app.extensions import db
from app.guidance.services.hours import CITY_HALL


def organization_choices() -> list[tuple[str, str]]:
    """The organisation registry for the select, by name, with an empty first option."""
    rows = db.session.execute(select(Organization.id, Organization.name)
                              .order_by(func.lower(Organization.name), Organization.id)).all()
    return [("", _l("Not in the list / no organisation"))] + [(str(i), name) for i, name in rows]


class HourForm(FlaskForm):
    """Staff publish guidance hours."""

    title_fi = StringField(_l("Title in Finnish"), validators=[DataRequired(_l("Enter the title in Finnish.")),
                                                                Length(max=200)])
    title_sv = StringField(_l("Title in Swedish"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Optional(), Length(max=5000)])
    description_sv = TextAreaField(_l("Description in Swedish"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=5000)])
    first_date = DateField(_l("First date"), validators=[InputRequired(_l("Enter the date."))])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired(_l("Enter the start time."))])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired(_l("Enter the end time."))])
    slot_minutes = IntegerField(_l("Length of one appointment (minutes)"), default=30, validators=[
        InputRequired(_l("Enter the length of one appointment.")), NumberRange(min=5, max=720)],
        description=_l("The guidance hour is cut into appointments of this length, e.g. 9.00–11.00 into four "
                       "30-minute appointments."))
    repeat = SelectField(_l("Repeats"), default="WEEKLY")
    until = DateField(_l("Repeats until"), validators=[Optional()],
                      description=_l("The last date, included. Without it the guidance hours are published "
                                     "half a year ahead."))
    place = RadioField(_l("Place"), default="address")
    location = StringField(_l("Address"), default=CITY_HALL, validators=[Optional(), Length(max=300)])
    online_url = StringField(_l("Online meeting link"), validators=[Optional(), Length(max=500)],
                             description=_l("A full address starting with https://"))
    space_id = SelectField(_l("Resident space"), validators=[Optional()],
                           description=_l("The space is booked for every date of the guidance hour."))
    adviser_ids = SelectMultipleField(_l("Advisers"), coerce=str, validators=[Optional()])
    theme_id = SelectField(_l("Theme"), validators=[Optional()],
                           description=_l("For the cooperation report."))
    question_fi = StringField(_l("Question on the booking form, in Finnish"), validators=[Optional(), Length(max=300)],
                              description=_l("Optional, e.g. \"Which grant are you applying for?\". Without it "
                                             "the form asks what the person would like advice on."))
    question_sv = StringField(_l("Question in Swedish"), validators=[Optional(), Length(max=300)])
    question_en = StringField(_l("Question in English"), validators=[Optional(), Length(max=300)])
    question_required = BooleanField(_l("An answer to the question is required"))
    reminder_hours_before = IntegerField(_l("Reminder before the appointment (hours)"), default=24,
                                         validators=[Optional(), NumberRange(min=1, max=336)],
                                         description=_l("Leave empty to send no reminder."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set after binding: wtforms warns about tuple choices given to the field's constructor.
        self.repeat.choices = [("", _l("Does not repeat")), ("WEEKLY", _l("Every week")),
                               ("BIWEEKLY", _l("Every two weeks"))]
        self.place.choices = [("address", _l("City Hall or another address")), ("online", _l("Online")),
                              ("space", _l("A resident space"))]


class BookingForm(FlaskForm):
    """Booking without an account (anyone with an email, like meeting registration)."""

    start = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Email(_l("Enter a valid email address."))],
                       description=_l("The confirmation and your personal link to cancel or move the "
                                      "appointment are sent here."))
    organization_id = SelectField(_l("Organisation"), validators=[Optional()],
                                  description=_l("Choose your organisation from the registry, or type its "
                                                 "name below if it is not listed."))
    organization_name = StringField(_l("Organisation, if not in the list"), validators=[Optional(),
                                                                                          Length(max=200)])
    question = TextAreaField(_l("What would you like advice on?"), validators=[Optional(), Length(max=4000)],
                             description=_l("Only the advisers see this."))
    consent = BooleanField(validators=[DataRequired(_l("Accept the processing of your personal data to book."))])

    def __init__(self, *args, privacy_url: str = "/privacy", question_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = organization_choices()
        if question_label:
            self.question.label.text = question_label
        self.consent.label.text = Markup(_l(
            'I agree that my data is processed to arrange this guidance as described in the '
            '<a href="%(url)s">privacy notice</a>.', url=Markup.escape(privacy_url)))


class QuickBookingForm(FlaskForm):
    """Booking by a logged-in user (name, email and organisation from the account)."""

    start = HiddenField()
    question = TextAreaField(_l("What would you like advice on?"), validators=[Optional(), Length(max=4000)],
                             description=_l("Only the advisers see this."))

    def __init__(self, *args, question_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if question_label:
            self.question.label.text = question_label


class MoveForm(FlaskForm):
    """Choose another free slot."""

    # The service checks the slot (and says why it is not free), not the choice list of the page.
    start = RadioField(_l("New time"), validators=[InputRequired(_l("Choose a new time."))],
                       validate_choice=False)


class ConfirmForm(FlaskForm):
    """A confirmation step (cancel an appointment, a date or a guidance hour); CSRF only."""
