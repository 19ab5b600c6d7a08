"""Resident-space forms: formats here, rules in services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import DateField  # bounded years (app.core.dates)
from app.accounts.models import Role, User
from app.core.districts import district_choices
from app.core.i18n import current_language
from app.extensions import db
from app.spaces.services import ACCESSIBILITY_FACTS, EQUIPMENT, WEEKDAYS


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice (rendered inside a fieldset with a legend)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


WEEKDAY_LABELS = {
    "mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
    "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday"),
}
HOURS_HINT = _l("For example 8.00–16.00; several separated by commas; empty = closed.")


class SpaceForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the space's name.")), Length(max=200)])
    address = StringField(_l("Street address"), validators=[DataRequired(_l("Enter the street address.")),
                                                            Length(max=300)])
    name_sv = StringField(_l("Name in Swedish"), validators=[Optional(), Length(max=200)],
                          description=_l("If empty, the Finnish name is shown."))
    address_sv = StringField(_l("Street address in Swedish"), validators=[Optional(), Length(max=300)],
                             description=_l("If empty, the Finnish address is shown."))
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)],
                          description=_l("If empty, the Finnish name is shown."))
    address_en = StringField(_l("Street address in English"), validators=[Optional(), Length(max=300)],
                             description=_l("If empty, the Finnish address is shown."))
    district = SelectField(_l("District"), validators=[Optional()])
    latitude = StringField(_l("Latitude"), validators=[Optional()], description=_l("Decimal degrees, e.g. 60.1876"))
    longitude = StringField(_l("Longitude"), validators=[Optional()], description=_l("Decimal degrees, e.g. 24.9777"))
    capacity = IntegerField(_l("Capacity (people)"), validators=[
        InputRequired(_l("Enter how many people the space holds.")),
        NumberRange(min=1, max=10000, message=_l("The capacity must be a whole number from 1 to 10000."))])
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Optional(), Length(max=5000)])
    description_sv = TextAreaField(_l("Description in Swedish"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=5000)])
    accessibility = MultiCheckboxField(_l("Accessibility"))
    accessibility_notes = TextAreaField(_l("More about accessibility"), validators=[Optional(), Length(max=1000)])
    equipment = MultiCheckboxField(_l("Equipment"))
    always_open = BooleanField(_l("Bookable at any hour (no opening hours)"))
    hours_mon = StringField(WEEKDAY_LABELS["mon"], description=HOURS_HINT)
    hours_tue = StringField(WEEKDAY_LABELS["tue"], description=HOURS_HINT)
    hours_wed = StringField(WEEKDAY_LABELS["wed"], description=HOURS_HINT)
    hours_thu = StringField(WEEKDAY_LABELS["thu"], description=HOURS_HINT)
    hours_fri = StringField(WEEKDAY_LABELS["fri"], description=HOURS_HINT)
    hours_sat = StringField(WEEKDAY_LABELS["sat"], description=HOURS_HINT)
    hours_sun = StringField(WEEKDAY_LABELS["sun"], description=HOURS_HINT)
    closed_on_holidays = BooleanField(_l("Closed on Finnish public holidays"), default=True)
    buffer_minutes = IntegerField(_l("Buffer between bookings (minutes)"), default=0, validators=[
        Optional(), NumberRange(min=0, max=1440, message=_l("The buffer must be from 0 to %(max)d minutes.", max=1440))])
    min_duration_minutes = IntegerField(_l("Shortest booking (minutes)"), validators=[Optional()])
    max_duration_minutes = IntegerField(_l("Longest booking (minutes)"), validators=[Optional()])
    booking_horizon_days = IntegerField(_l("How far ahead NGOs may ask (days)"), default=90, validators=[Optional()],
                                        description=_l("Staff can always book at least a year ahead."))
    manager_id = SelectField(_l("Managing staff member"), coerce=lambda v: int(v) if v not in (None, "") else None,
                             validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = [("", _l("No district"))] + district_choices(current_language())
        staff = db.session.scalars(select(User).where(User.role.in_([Role.STAFF.value, Role.ADMIN.value]),
                                                      User.active.is_(True)).order_by(User.name, User.id))
        self.manager_id.choices = [("", _l("Nobody in particular"))] + [(u.id, u.display_name) for u in staff]
        self.accessibility.choices = list(ACCESSIBILITY_FACTS.items())
        self.equipment.choices = list(EQUIPMENT.items())

    def hour_fields(self):
        return [(day, getattr(self, f"hours_{day}")) for day in WEEKDAYS]


class ExceptionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    kind = RadioField(_l("On that day the space is"), default="closed")
    hours = StringField(_l("Hours that day"), description=HOURS_HINT)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)],
                       description=_l("Shown to the public, e.g. 'Renovation'."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("closed", _l("Closed all day")), ("hours", _l("Open at other hours"))]


REPEAT_CHOICES = [("", _l("Does not repeat")), ("DAILY", _l("Daily")), ("WEEKLY", _l("Weekly")),
                  ("MONTHLY", _l("Monthly"))]


class BookingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title for the booking.")), Length(max=200)])
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the start time."))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time."))],
                         description=_l("00:00 means midnight at the end of the day."))
    headcount = IntegerField(_l("Number of people"), validators=[Optional()])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=2000)])
    repeat = SelectField(_l("Repeats"), default="")
    interval = IntegerField(_l("Every how many days, weeks or months"), default=1, validators=[Optional()])
    count = IntegerField(_l("Number of times"), validators=[Optional()],
                         description=_l("Give either the number of times or the last date."))
    until = DateField(_l("Last date"), validators=[Optional()])
    skip_conflicts = BooleanField(_l("Skip dates that are taken and book the free ones"))
    override_reason = TextAreaField(_l("Reason for booking outside the opening hours"),
                                    validators=[Optional(), Length(max=1000)],
                                    description=_l("Only needed when booking while the space is closed."))
    organization_id = SelectField(_l("Booked for (organisation)"),
                                  coerce=lambda v: int(v) if v not in (None, "") else None, validators=[Optional()],
                                  description=_l("When the booking is made on behalf of an organisation."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.repeat.choices = list(REPEAT_CHOICES)
        from app.accounts.models import Organization

        orgs = db.session.execute(select(Organization.id, Organization.name).order_by(Organization.name)).all()
        self.organization_id.choices = [("", _l("No organisation (city's own use)"))] + [(i, n) for i, n in orgs]


class MoveForm(FlaskForm):
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the start time."))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time."))])
    override_reason = TextAreaField(_l("Reason for booking outside the opening hours"),
                                    validators=[Optional(), Length(max=1000)])


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    scope = SelectField(_l("Which dates"), default="occurrence")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [("occurrence", _l("This date only")), ("series", _l("This and the later dates"))]


class RequestForm(FlaskForm):
    title = StringField(_l("Title of the event"), validators=[DataRequired(_l("Enter a title for the booking.")),
                                                              Length(max=200)])
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the start time."))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time."))])
    headcount = IntegerField(_l("Number of people"), validators=[
        InputRequired(_l("Enter the number of people.")),
        NumberRange(min=1, message=_l("The number of people must be a whole number of at least 1."))])
    purpose = TextAreaField(_l("What is the space needed for?"), validators=[
        DataRequired(_l("Tell what the space is needed for.")), Length(max=2000)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason, sent to the requester"), validators=[
        DataRequired(_l("Tell the requester why the request is declined.")), Length(max=2000)])
    # Optional: another time to suggest (shown to the requester and mailed).
    suggested_date = DateField(_l("Suggest another date (optional)"), validators=[Optional()])
    suggested_start = TimeField(_l("Suggested start"), validators=[Optional()])
    suggested_end = TimeField(_l("Suggested end"), validators=[Optional()])


class ApproveForm(FlaskForm):
    override_reason = StringField(_l("Reason for booking outside the opening hours"),
                                  validators=[Optional(), Length(max=1000)])


class FinderForm(FlaskForm):
    """GET form: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    capacity = IntegerField(_l("Number of people"), validators=[
        InputRequired(_l("Enter the number of people.")),
        NumberRange(min=1, max=10000, message=_l("The number of people must be a whole number of at least 1."))])
    district = SelectField(_l("District"), validators=[Optional()])
    date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the start time."))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time."))])
    accessibility = MultiCheckboxField(_l("Accessibility"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = [("", _l("Any district"))] + district_choices(current_language())
        self.accessibility.choices = list(ACCESSIBILITY_FACTS.items())
