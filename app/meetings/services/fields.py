"""What a series is made of: its fields, their limits, and the recurrence rules' messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.rule_errors import message as recurrence_message  # noqa: F401  (re-exported)

# The recurrence module's messages, written out so that the catalogue extractor finds them; the
# module raises them untranslated and :func:`recurrence_message` looks them up at runtime.
RECURRENCE_MESSAGES = (
    _l("The recurrence rule could not be read."),
    _l("The recurrence rule has an unknown part %(part)s."),
    _l("The recurrence rule gives %(part)s more than once."),
    _l("The recurrence rule must say how often it repeats (FREQ)."),
    _l("%(value)s is not a valid value for %(part)s."),
    _l("A recurrence rule cannot have both COUNT and UNTIL."),
    _l("A meeting can repeat at most once a day."),
    _l("The recurrence rule part %(part)s is not supported."),
    _l("A position in BYDAY (such as 2TU) is only allowed in monthly and yearly rules."),
    _l("BYDAY cannot mix days with and without a position."),
    _l("BYMONTHDAY cannot be used in a weekly rule."),
    _l("BYSETPOS needs another BY part to choose from."),
    _l("The time of day comes from the start time; %(part)s must match it or be left out."),
    _l("The rule would create more than %(max)s occurrences within %(days)s days."),
    _l("A series can be planned at most %(days)s days ahead; choose an earlier end or no end at all."),
    _l("The recurrence ends before it starts."),
    _l("The recurrence rule gives no dates within %(days)s days of the start."),
    _l("The start date %(start)s is not one of the dates of the recurrence rule; the first one is %(first)s."),
    _l("Unknown time zone %(timezone)s."),
    _l("The start must be between the years %(min)s and %(max)s."),
    _l("Choose how often the meeting repeats."),
    _l("The interval must be a whole number from %(min)s to %(max)s."),
    _l("The number of times must be a whole number from %(min)s to %(max)s."),
    _l("Give either the number of times or an end date, not both."),
    _l("The end date is not a valid date."),
    _l("%(value)s is not a weekday."),
    _l("Choose whether the meeting repeats on a day of the month or on a weekday."),
    _l("Choose the first, second, third, fourth or last weekday of the month."),
    _l("Choose exactly one weekday."),
)


# Fields of a series whose change alters its dates (re-materialisation, SEQUENCE +1).
TIMING_FIELDS = ("start_local", "timezone", "duration_minutes", "rrule", "skip_holidays")
LOCATION_FIELDS = ("space_id", "location", "online_url")
SERIES_FIELDS = (
    "title_fi", "title_sv", "title_en", "description_fi", "description_sv", "description_en",
    "audience_fi", "audience_sv", "audience_en", "organiser_unit", "organiser_unit_sv", "organiser_unit_en",
    "language", "start_local", "timezone",
    "duration_minutes", "rrule", "skip_holidays", "capacity", "waitlist", "max_seats_per_registration",
    "registration_opens_at", "registration_closes_minutes_before", "space_id", "location", "online_url",
    "district", "status", "reminder_hours_before",
)
MAX_CAPACITY = 10_000
MAX_DURATION = 24 * 60
MAX_CLOSES_BEFORE = 60 * 24 * 60  # 60 days
MAX_PAST_START_DAYS = 365
