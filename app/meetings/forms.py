"""Meeting series forms: formats here, rules in services."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField, TimeField, widgets)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import DateField, DateTimeLocalField  # bounded years (app.core.dates)
from app.core.districts import district_choices
from app.core.i18n import current_language, localized
from app import scheduling
from app.meetings.models import MEETING_LANGUAGES, MeetingSeries
from app.meetings.statuses import SeriesStatus


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (render inside a fieldset with a legend)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def weekday_choices(lang: str) -> list[tuple[str, str]]:
    from babel.dates import get_day_names

    names = get_day_names("wide", context="stand-alone", locale=lang)
    return [(code, names[i].capitalize()) for i, code in enumerate(scheduling.WEEKDAY_CODES)]


def language_choices() -> list[tuple[str, str]]:
    labels = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English"), "multi": _l("Several languages")}
    return [(code, labels[code]) for code in MEETING_LANGUAGES]


class SeriesForm(FlaskForm):
    """Create or edit a series; the recurrence part builds an RRULE (or takes a raw one)."""

    title_fi = StringField(_l("Title in Finnish"), validators=[DataRequired(_l("Enter the title in Finnish.")),
                                                               Length(max=200)])
    title_sv = StringField(_l("Title in Swedish"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Optional(), Length(max=5000)])
    description_sv = TextAreaField(_l("Description in Swedish"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=5000)])
    audience_fi = StringField(_l("Audience in Finnish"), validators=[Optional(), Length(max=300)],
                              description=_l("For example: NGOs working with young people in eastern Helsinki."))
    audience_sv = StringField(_l("Audience in Swedish"), validators=[Optional(), Length(max=300)])
    audience_en = StringField(_l("Audience in English"), validators=[Optional(), Length(max=300)])
    organiser_unit = StringField(_l("Organising unit in Finnish"), validators=[Optional(), Length(max=200)])
    organiser_unit_sv = StringField(_l("Organising unit in Swedish"), validators=[Optional(), Length(max=200)])
    organiser_unit_en = StringField(_l("Organising unit in English"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the meeting"), default="fi")
    theme_ids = MultiCheckboxField(_l("Themes"), coerce=int)

    start_date = DateField(_l("Date of the first meeting"),
                           validators=[InputRequired(_l("Enter the date of the first meeting."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the start time."))])
    duration_minutes = IntegerField(_l("Duration in minutes"), default=120, validators=[
        InputRequired(_l("Enter the duration in minutes.")),
        NumberRange(1, 24 * 60, _l("Enter a whole number from %(min)s to %(max)s."))])
    timezone = StringField(_l("Time zone"), default="Europe/Helsinki", validators=[Length(max=64)],
                           description=_l("Normally Europe/Helsinki (Finnish time). Change it only for a meeting held "
                                           "in another time zone."))

    freq = SelectField(_l("Repeats"), default="")
    interval = IntegerField(_l("Every how many days, weeks, months or years"), default=1, validators=[
        Optional(), NumberRange(1, 52, _l("Enter a whole number from %(min)s to %(max)s."))])
    byday = MultiCheckboxField(_l("On these weekdays"))
    monthly_mode = RadioField(_l("Monthly on"), default="monthday")
    nth = SelectField(_l("Which weekday of the month"), default="1")
    ends = RadioField(_l("Ends"), default="never")
    count = IntegerField(_l("Number of meetings"), validators=[Optional()])
    until = DateField(_l("Last date"), validators=[Optional()])
    advanced_rrule = StringField(_l("Advanced: recurrence rule (RRULE)"), validators=[Optional(), Length(max=500)],
                                 description=_l("A repetition rule in the iCalendar format, for patterns the "
                                                "choices above do not offer. When given, it replaces them."))
    skip_holidays = BooleanField(_l("Skip Finnish public holidays"))
    effective_from = DateField(_l("Changes apply from"), validators=[Optional()],
                               description=_l("Meetings before this date keep their time. Empty: from now on."))

    location_mode = RadioField(_l("Where"), default="address")
    space_id = SelectField(_l("Resident space"), coerce=str, validators=[Optional()])
    location = StringField(_l("Street address"), validators=[Optional(), Length(max=300)])
    online_url = StringField(_l("Online meeting link"), validators=[Optional(), Length(max=500)])
    district = SelectField(_l("District"), validators=[Optional()])

    capacity = IntegerField(_l("Seats"), default=30, validators=[
        InputRequired(_l("Enter the number of seats.")),
        NumberRange(1, 10_000, _l("Enter a whole number from %(min)s to %(max)s."))])
    waitlist = BooleanField(_l("Waiting list when full"), default=True)
    max_seats_per_registration = IntegerField(_l("Seats per registration at most"), default=2, validators=[
        InputRequired(_l("Enter a number.")), NumberRange(1, 10_000, _l("Enter a whole number from %(min)s to %(max)s."))])
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format="%Y-%m-%dT%H:%M",
                                               validators=[Optional()],
                                               description=_l("Empty: open as soon as the meeting is published."))
    registration_closes_minutes_before = IntegerField(
        _l("Registration closes (minutes before the start)"), default=0,
        validators=[Optional(), NumberRange(0, 60 * 24 * 60, _l("Enter a whole number from %(min)s to %(max)s."))])
    reminder_hours_before = IntegerField(
        _l("Reminder to the registrants (hours before each meeting)"), default=24,
        validators=[Optional(), NumberRange(1, 336, _l("Enter a whole number from %(min)s to %(max)s."))],
        description=_l("Leave empty to send no reminder."))
    status = SelectField(_l("Status"), default="draft")

    preview = SubmitField(_l("Preview dates"))
    save = SubmitField(_l("Save"))

    def __init__(self, *args: Any, themes=(), spaces=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.language.choices = language_choices()
        self.freq.choices = [
        ("", _l("Does not repeat")), ("DAILY", _l("Daily")), ("WEEKLY", _l("Weekly")),
        ("MONTHLY", _l("Monthly")), ("YEARLY", _l("Yearly"))]
        self.monthly_mode.choices = [
        ("monthday", _l("the same day of the month")), ("nth_weekday", _l("a weekday, e.g. the second Tuesday"))]
        self.nth.choices = [
        ("1", _l("first")), ("2", _l("second")), ("3", _l("third")), ("4", _l("fourth")), ("-1", _l("last"))]
        self.ends.choices = [
        ("never", _l("Never")), ("count", _l("After a number of meetings")), ("until", _l("On a date"))]
        self.location_mode.choices = [
        ("space", _l("In a resident space")), ("address", _l("At a street address")),
        ("online", _l("Online")), ("hybrid", _l("Hybrid: on site and online"))]
        self.status.choices = [
        ("draft", _l("Draft (not public)")), ("published", _l("Published")), ("cancelled", _l("Cancelled"))]
        self.theme_ids.choices = [(t.id, localized(t, "name", lang)) for t in themes]
        self.byday.choices = weekday_choices(lang)
        self.space_id.choices = [("", _l("Choose a space"))] + [(str(s.id), f"{s.name}, {s.address}")
                                                                  for s in spaces]
        self.district.choices = [("", _l("No district"))] + district_choices(lang)

    # -- to and from the model ------------------------------------------------------------------
    def fill_from(self, series: MeetingSeries) -> None:
        """Prefill from a series (GET of the edit page)."""
        for name in ("title_fi", "title_sv", "title_en", "description_fi", "description_sv", "description_en",
                     "audience_fi", "audience_sv", "audience_en", "organiser_unit", "organiser_unit_sv",
                     "organiser_unit_en", "language", "timezone",
                     "duration_minutes", "location", "online_url", "capacity", "waitlist",
                     "max_seats_per_registration", "registration_closes_minutes_before", "status",
                     "skip_holidays", "reminder_hours_before"):
            getattr(self, name).data = getattr(series, name)
        self.district.data = series.district or ""
        self.space_id.data = str(series.space_id) if series.space_id else ""
        self.theme_ids.data = [t.id for t in series.themes]
        self.start_date.data = series.start_local.date()
        self.start_time.data = series.start_local.time()
        if series.registration_opens_at:
            self.registration_opens_at.data = series.registration_opens_at.astimezone(
                ZoneInfo(series.timezone)).replace(tzinfo=None)
        if series.space_id and series.online_url:
            self.location_mode.data = "hybrid"
        elif series.space_id:
            self.location_mode.data = "space"
        elif series.online_url and not series.location:
            self.location_mode.data = "online"
        elif series.online_url:
            self.location_mode.data = "hybrid"
        else:
            self.location_mode.data = "address"
        if not self._fill_rule(series):
            self.freq.data = ""
            self.advanced_rrule.data = series.rrule

    def _fill_rule(self, series: MeetingSeries) -> bool:
        """The friendly fields for rules they can express; False means "show it as advanced"."""
        if not series.rrule:
            self.freq.data = ""
            return True
        parts = dict(p.split("=", 1) for p in series.rrule.split(";"))
        if set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY"}:
            return False
        freq = parts["FREQ"]
        days = parts.get("BYDAY", "").split(",") if parts.get("BYDAY") else []
        self.freq.data = freq
        self.interval.data = int(parts.get("INTERVAL", "1"))
        if freq == "WEEKLY":
            if any(not d.isalpha() for d in days):
                return False
            self.byday.data = days
        elif freq == "MONTHLY" and days:
            if len(days) != 1 or days[0][:-2] not in ("1", "2", "3", "4", "-1"):
                return False
            self.monthly_mode.data = "nth_weekday"
            self.nth.data = days[0][:-2]
            self.byday.data = [days[0][-2:]]
        elif days:
            return False
        if "COUNT" in parts:
            self.ends.data, self.count.data = "count", int(parts["COUNT"])
        elif "UNTIL" in parts:
            until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
            self.ends.data, self.until.data = "until", until.astimezone(ZoneInfo(series.timezone)).date()
        return True

    def start_local(self) -> datetime | None:
        if self.start_date.data is None or self.start_time.data is None:
            return None
        return datetime.combine(self.start_date.data, self.start_time.data)

    def build_rule(self, max_count: int) -> str | None:
        """The RRULE text of the recurrence fields (raises RecurrenceError naming the field)."""
        if (self.advanced_rrule.data or "").strip():
            return self.advanced_rrule.data.strip()
        if not self.freq.data:
            return None
        nth = None
        if self.freq.data == "MONTHLY" and self.monthly_mode.data == "nth_weekday":
            try:
                nth = int(self.nth.data)
            except (TypeError, ValueError):
                nth = 0
        count = until = None
        if self.ends.data == "count":
            count = self.count.data
            if count is None:
                raise scheduling.RecurrenceError("out_of_range", scheduling.MSG_COUNT_RANGE, field="count",
                                                 params={"min": 1, "max": max_count})
        elif self.ends.data == "until":
            until = self.until.data
            if until is None:
                raise scheduling.RecurrenceError("invalid", scheduling.MSG_UNTIL_TYPE, field="until")
        return scheduling.build_rrule(self.freq.data, interval=self.interval.data or 1, byday=self.byday.data or (),
                                      monthly_mode=self.monthly_mode.data if self.freq.data == "MONTHLY" else None,
                                      nth=nth, count=count, until=until, max_count=max_count)

    def service_data(self, rrule: str | None) -> dict[str, Any]:
        """The raw values for ``services.clean_series_data``."""
        mode = self.location_mode.data
        return {
            **{name: getattr(self, name).data for name in (
                "title_fi", "title_sv", "title_en", "description_fi", "description_sv", "description_en",
                "audience_fi", "audience_sv", "audience_en", "organiser_unit", "organiser_unit_sv",
                "organiser_unit_en", "language", "duration_minutes",
                "capacity", "waitlist", "max_seats_per_registration", "status", "skip_holidays")},
            "timezone": (self.timezone.data or "").strip() or "Europe/Helsinki",
            "start_local": self.start_local(),
            "rrule": rrule,
            "theme_ids": self.theme_ids.data or [],
            "district": self.district.data or None,
            "space_id": (self.space_id.data or None) if mode in ("space", "hybrid") else None,
            "location": self.location.data if mode in ("address", "hybrid") else None,
            "online_url": self.online_url.data if mode in ("online", "hybrid") else None,
            "registration_opens_at": self.registration_opens_at.data,
            "registration_closes_minutes_before": self.registration_closes_minutes_before.data or 0,
            "reminder_hours_before": self.reminder_hours_before.data,
        }


class CancelOccurrenceForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the registrants)"), validators=[Optional(), Length(max=2000)])


class MoveOccurrenceForm(FlaskForm):
    start = DateTimeLocalField(_l("New start"), format="%Y-%m-%dT%H:%M",
                               validators=[InputRequired(_l("Enter the new start."))])
    end = DateTimeLocalField(_l("New end"), format="%Y-%m-%dT%H:%M",
                             validators=[InputRequired(_l("Enter the new end."))])


class StatusForm(FlaskForm):
    status = SelectField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, s.value) for s in SeriesStatus]


class ThemeForm(FlaskForm):
    name_fi = StringField(_l("Name in Finnish"), validators=[DataRequired(_l("Enter the name in Finnish.")),
                                                             Length(max=200)])
    name_sv = StringField(_l("Name in Swedish"), validators=[Optional(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])


class MeetingFilterForm(FlaskForm):
    """GET filters of the public list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    theme = SelectField(_l("Theme"), validators=[Optional()])
    district = SelectField(_l("District"), validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, themes=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.theme.choices = [("", _l("All themes"))] + [(str(t.id), localized(t, "name", lang)) for t in themes]
        self.district.choices = [("", _l("All districts"))] + district_choices(lang)
        self.language.choices = [("", _l("All languages"))] + language_choices()

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The end date must not be before the start date."))
