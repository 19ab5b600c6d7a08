"""One form per use case; formats here, rules in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from app.accounts.validators import normalize_business_id
from app.core.districts import district_choices
from app.core.urls import is_web_url
from app.core.i18n import current_language


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Email(_l("Enter a valid email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                 Email(_l("Enter a valid email address."))])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=10, message=_l("The password must be at least %(n)d characters long.", n=10))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("password", _l("The passwords do not match."))])


class TokenForm(FlaskForm):
    label = StringField(_l("Name of the token"), validators=[Optional(), Length(max=100)])


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language of pages and emails"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organisation's name.")),
                                               Length(max=200)])
    business_id = StringField(_l("Business ID (Y-tunnus)"), validators=[Optional()],
                              description=_l("For example 1234567-8. Optional for unregistered groups."))
    email = EmailField(_l("Contact email"), validators=[DataRequired(_l("Enter a contact email.")),
                                                        Email(_l("Enter a valid email address."))])
    district = SelectField(_l("District"), validators=[Optional()])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = [("", _l("No district"))] + district_choices(current_language())

    def validate_website(self, field):
        if field.data and not is_web_url(field.data.strip()):
            raise ValidationError(str(_l("Enter a full web address starting with https://.")))

    def validate_business_id(self, field):
        try:
            normalize_business_id(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc.args[0])) from None
