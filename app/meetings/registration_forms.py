"""Forms of the registration pages: formats here, rules in ``registrations.py``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.accounts.models import Organization
from app.extensions import db


def organization_choices() -> list[tuple[str, str]]:
    """The organisation registry for the select, by name, with an empty first option."""
    rows = db.session.execute(select(Organization.id, Organization.name)
                              .order_by(func.lower(Organization.name), Organization.id)).all()
    return [("", _l("Not in the list / no organisation"))] + [(str(i), name) for i, name in rows]


def _seat_fields():
    """Seats, needs and the participant-list choice: the same in both registration forms (made in the
    class body, so each form keeps its field order)."""
    return (IntegerField(_l("Seats"), default=1, validators=[
                InputRequired(_l("Enter the number of seats.")),
                NumberRange(min=1, message=_l("Register at least one seat."))]),
            TextAreaField(_l("Accessibility or dietary needs"), validators=[Optional(), Length(max=2000)],
                          description=_l("Optional. Only the organisers see this.")),
            BooleanField(_l("Show my name and organisation on the participant list for networking (visible to "
                            "logged-in users only)")))


def _limit_seats(form: FlaskForm, max_seats: int) -> None:
    form.seats.validators = list(form.seats.validators) + [
        NumberRange(max=max_seats, message=_l("At most %(n)d seats per registration.", n=max_seats))]
    form.seats.render_kw = {"min": 1, "max": max_seats}


class RegistrationForm(FlaskForm):
    """Registration without an account."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Email(_l("Enter a valid email address."))],
                       description=_l("The confirmation and your personal link to manage the registration "
                                      "are sent here."))
    organization_id = SelectField(_l("Organisation"), validators=[Optional()],
                                  description=_l("Choose your organisation from the registry, or type its "
                                                 "name below if it is not listed."))
    organization_name = StringField(_l("Organisation, if not in the list"), validators=[Optional(),
                                                                                          Length(max=200)])
    seats, needs, show_on_participant_list = _seat_fields()
    consent = BooleanField(validators=[DataRequired(_l("Accept the processing of your personal data to "
                                                       "register."))])

    def __init__(self, *args, max_seats: int = 1, privacy_url: str = "/privacy", **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = organization_choices()
        _limit_seats(self, max_seats)
        self.consent.label.text = Markup(_l(
            'I agree that my data is processed to organise this meeting as described in the '
            '<a href="%(url)s">privacy notice</a>.', url=Markup.escape(privacy_url)))


class QuickRegistrationForm(FlaskForm):
    """One-click registration of a logged-in user (data from the account)."""

    seats, needs, show_on_participant_list = _seat_fields()

    def __init__(self, *args, max_seats: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_seats(self, max_seats)


class CancelForm(FlaskForm):
    """The confirmation step of a cancellation (CSRF-protected POST)."""

    confirm = HiddenField(default="yes")


class MessageForm(FlaskForm):
    """Staff message to everyone registered for an occurrence."""

    subject = StringField(_l("Subject"), validators=[DataRequired(_l("Enter a subject.")), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(_l("Enter a message.")), Length(max=10000)])
    include_waitlist = BooleanField(_l("Also send to people on the waiting list"), default=True)
