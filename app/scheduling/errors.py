"""Why a recurrence rule, time zone or form value was refused: :class:`RecurrenceError` and its messages.

Error messages are constant English sentences with ``%(name)s`` placeholders; the caller
translates ``error.message`` and interpolates ``error.params`` (see
:func:`app.core.rule_errors.to_validation_error`).
"""
from __future__ import annotations

from typing import Any

# --- messages -----------------------------------------------------------------------------------
MSG_SYNTAX = "The recurrence rule could not be read."
MSG_UNKNOWN_PART = "The recurrence rule has an unknown part %(part)s."
MSG_REPEATED_PART = "The recurrence rule gives %(part)s more than once."
MSG_NO_FREQ = "The recurrence rule must say how often it repeats (FREQ)."
MSG_BAD_VALUE = "%(value)s is not a valid value for %(part)s."
MSG_COUNT_AND_UNTIL = "A recurrence rule cannot have both COUNT and UNTIL."
MSG_SUB_DAILY = "A meeting can repeat at most once a day."
MSG_UNSUPPORTED = "The recurrence rule part %(part)s is not supported."
MSG_POSITION_FREQ = "A position in BYDAY (such as 2TU) is only allowed in monthly and yearly rules."
MSG_POSITION_MIX = "BYDAY cannot mix days with and without a position."
MSG_MONTHDAY_WEEKLY = "BYMONTHDAY cannot be used in a weekly rule."
MSG_SETPOS_ALONE = "BYSETPOS needs another BY part to choose from."
MSG_CLOCK_MISMATCH = "The time of day comes from the start time; %(part)s must match it or be left out."
MSG_TOO_MANY = "The rule would create more than %(max)s occurrences within %(days)s days."
MSG_BEYOND_HORIZON = ("A series can be planned at most %(days)s days ahead; choose an earlier end "
                      "or no end at all.")
MSG_ENDS_BEFORE_START = "The recurrence ends before it starts."
MSG_EMPTY = "The recurrence rule gives no dates within %(days)s days of the start."
MSG_START_MISMATCH = ("The start date %(start)s is not one of the dates of the recurrence rule; "
                      "the first one is %(first)s.")
MSG_UNKNOWN_TIMEZONE = "Unknown time zone %(timezone)s."
MSG_START_RANGE = "The start must be between the years %(min)s and %(max)s."
MSG_FREQ_CHOICE = "Choose how often the meeting repeats."
MSG_INTERVAL_RANGE = "The interval must be a whole number from %(min)s to %(max)s."
MSG_COUNT_RANGE = "The number of times must be a whole number from %(min)s to %(max)s."
MSG_COUNT_OR_UNTIL = "Give either the number of times or an end date, not both."
MSG_UNTIL_TYPE = "The end date is not a valid date."
MSG_WEEKDAY = "%(value)s is not a weekday."
MSG_MONTHLY_MODE = "Choose whether the meeting repeats on a day of the month or on a weekday."
MSG_NTH = "Choose the first, second, third, fourth or last weekday of the month."
MSG_ONE_WEEKDAY = "Choose exactly one weekday."


class RecurrenceError(ValueError):
    """A recurrence rule, time zone or recurrence form value was refused.

    ``code`` is machine-readable (``invalid_rrule``, ``sub_daily``, ``too_many``,
    ``beyond_horizon``, ``empty``, ``start_mismatch``, ``unsupported``, ``unknown_timezone``,
    ``out_of_range`` (field ``start``: a start outside the years 1900–2999), and
    for :func:`build_rrule` ``invalid_choice``, ``out_of_range``, ``invalid_weekday``,
    ``count_and_until``, ``one_weekday``, ``invalid``); ``field`` names the input at fault
    (``rrule``, ``timezone``, ``start`` or a :func:`build_rrule` argument); ``message`` is the
    untranslated English template and ``params`` its ``%(name)s`` values. ``str(error)`` is the
    interpolated English text.
    """

    def __init__(self, code: str, message: str, *, field: str = "rrule",
                 params: dict[str, Any] | None = None) -> None:
        self.code = code
        self.field = field
        self.message = message
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(message % self.params if self.params else message)

    def __repr__(self) -> str:
        return f"RecurrenceError({self.code!r}, field={self.field!r}, params={self.params!r})"


def _invalid(message: str = MSG_SYNTAX, **params: Any) -> RecurrenceError:
    return RecurrenceError("invalid_rrule", message, params=params)


__all__ = ["RecurrenceError", *(name for name in tuple(globals()) if name.startswith("MSG_"))]
