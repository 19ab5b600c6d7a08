"""Forms of sign-up and of joining an organisation (formats here, rules in the services)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.accounts.forms import OrganizationForm
from app.core.i18n import current_language


class SignupForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Email(_l("Enter a valid email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), description=_l("At least 10 characters."), validators=[
        DataRequired(_l("Enter a password.")),
        Length(min=10, message=_l("The password must be at least %(n)d characters long.", n=10))])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Enter the password again.")), EqualTo("password", _l("The passwords do not match."))])
    locale = SelectField(_l("Language of pages and emails"))
    privacy = BooleanField(_l("I have read the privacy notice."), validators=[
        DataRequired(_l("You need to accept the privacy notice to create an account."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
        if not self.is_submitted():
            self.locale.data = current_language()


class ResendForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Email(_l("Enter a valid email address.")), Length(max=254)])


class ConfirmForm(FlaskForm):
    """A button only: the verification link shows a page whose POST creates the account."""


class JoinForm(FlaskForm):
    message = TextAreaField(_l("Message to the contact person"), validators=[Optional(), Length(max=1000)],
                            description=_l("Optional. For example your task in the organisation."))


class ProposalForm(OrganizationForm):
    """Name, Y-tunnus, email and district of a proposed organisation (no website or description)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.website
        del self.description


class DeclineProposalForm(FlaskForm):
    note = TextAreaField(_l("Reason (sent to the proposer)"), validators=[Optional(), Length(max=1000)])


class ButtonForm(FlaskForm):
    """A CSRF-protected button (approve, make contact person…)."""

