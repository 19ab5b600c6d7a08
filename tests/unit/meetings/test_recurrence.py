"""Recurrence rules: DST, patterns, limits, holidays, the friendly form and the sentences."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.scheduling import expansion as rec
from app.scheduling import (
    RecurrenceError,
    build_rrule,
    describe,
    expand,
    holiday_name,
    is_holiday,
    localize,
    next_dates,
    normalize_rrule,
    validate_timezone,
    weekday_position,
)

HKI = "Europe/Helsinki"
HELSINKI = ZoneInfo(HKI)
UTC = timezone.utc
TWO_YEARS = timedelta(days=730)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def normalize(text, start, *, max_occurrences=260, horizon=TWO_YEARS, tz=HKI):
    return normalize_rrule(text, start_local=start, tz=tz, max_occurrences=max_occurrences, horizon=horizon)


def dates(occurrences):
    return [o.date() for o in occurrences]


def instants(occurrences):
    return [o.astimezone(UTC) for o in occurrences]


# --- time zones -----------------------------------------------------------------------------------
def test_validate_timezone_accepts_iana_names_case_insensitively():
    assert validate_timezone("Europe/Helsinki") == HELSINKI
    assert validate_timezone(" europe/helsinki ").key == "Europe/Helsinki"
    assert validate_timezone("UTC").key == "UTC"
    assert validate_timezone(HELSINKI) is HELSINKI


@pytest.mark.parametrize("name", ["Mars/Base", "", "Europe", "../../etc/passwd", "/etc/localtime",
                                  "posix/Europe/Helsinki", "localtime", "Helsinki", None, 3])
def test_validate_timezone_refuses_anything_else(name):
    with pytest.raises(RecurrenceError) as info:
        validate_timezone(name)
    assert info.value.code == "unknown_timezone"
    assert info.value.field == "timezone"
    assert info.value.params == {"timezone": str(name)}


def test_error_carries_template_params_and_english_text():
    with pytest.raises(RecurrenceError) as info:
        validate_timezone("Mars/Base")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.message == "Unknown time zone %(timezone)s."
    assert str(error) == "Unknown time zone Mars/Base."


# --- daylight saving time -------------------------------------------------------------------------
def test_weekly_meeting_keeps_wall_clock_time_when_dst_ends_2026_10_25():
    got = expand(datetime(2026, 10, 6, 17, 0), HKI, "FREQ=WEEKLY;BYDAY=TU", limit=5)
    assert instants(got) == [utc(2026, 10, 6, 14), utc(2026, 10, 13, 14), utc(2026, 10, 20, 14),
                             utc(2026, 10, 27, 15), utc(2026, 11, 3, 15)]
    assert all((o.hour, o.minute) == (17, 0) for o in got)
    assert [o.utcoffset() for o in got] == [timedelta(hours=3)] * 3 + [timedelta(hours=2)] * 2
    assert all(o.tzinfo == HELSINKI for o in got)


def test_weekly_meeting_keeps_wall_clock_time_when_dst_begins_2027_03_28():
    got = expand(datetime(2027, 3, 16, 17, 0), HKI, "FREQ=WEEKLY;BYDAY=TU", limit=4)
    assert instants(got) == [utc(2027, 3, 16, 15), utc(2027, 3, 23, 15), utc(2027, 3, 30, 14),
                             utc(2027, 4, 6, 14)]


def test_time_in_the_spring_gap_moves_forward_by_the_gap():
    got = expand(datetime(2027, 3, 27, 3, 30), HKI, "FREQ=DAILY", limit=3)
    assert [o.isoformat() for o in got] == ["2027-03-27T03:30:00+02:00", "2027-03-28T04:30:00+03:00",
                                            "2027-03-29T03:30:00+03:00"]
    assert instants(got) == [utc(2027, 3, 27, 1, 30), utc(2027, 3, 28, 1, 30), utc(2027, 3, 29, 0, 30)]


def test_ambiguous_autumn_time_takes_the_first_instant():
    got = expand(datetime(2026, 10, 24, 3, 30), HKI, "FREQ=DAILY", limit=3)
    assert instants(got) == [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]
    assert got[1].isoformat() == "2026-10-25T03:30:00+03:00"
    assert got[1].fold == 0


def test_localize_applies_the_same_gap_and_fold_rules():
    assert localize(datetime(2027, 3, 28, 3, 30), HKI).isoformat() == "2027-03-28T04:30:00+03:00"
    assert localize(datetime(2026, 10, 25, 3, 30), HKI).isoformat() == "2026-10-25T03:30:00+03:00"
    assert localize(datetime(2026, 7, 1, 12, 0), HKI).isoformat() == "2026-07-01T12:00:00+03:00"
    assert localize(utc(2026, 1, 1, 10), HKI).isoformat() == "2026-01-01T12:00:00+02:00"


def test_single_occurrence_starting_in_the_gap():
    assert [o.isoformat() for o in expand(datetime(2027, 3, 28, 3, 0), HKI, None, limit=5)] == [
        "2027-03-28T04:00:00+03:00"]


def test_start_given_as_aware_datetime_is_read_on_the_local_wall_clock():
    got = expand(utc(2026, 10, 6, 14, 0), HKI, "FREQ=WEEKLY", limit=2)
    assert [o.isoformat() for o in got] == ["2026-10-06T17:00:00+03:00", "2026-10-13T17:00:00+03:00"]


# --- patterns -------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", ["FREQ=MONTHLY;BYDAY=2TU", "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2"])
def test_second_tuesday_of_the_month(rule):
    got = expand(datetime(2026, 10, 13, 17, 0), HKI, rule, limit=4)
    assert dates(got) == [date(2026, 10, 13), date(2026, 11, 10), date(2026, 12, 8), date(2027, 1, 12)]


def test_last_friday_of_the_month():
    got = expand(datetime(2026, 10, 30, 9, 0), HKI, "FREQ=MONTHLY;BYDAY=-1FR", limit=5)
    assert dates(got) == [date(2026, 10, 30), date(2026, 11, 27), date(2026, 12, 25), date(2027, 1, 29),
                          date(2027, 2, 26)]


def test_yearly_on_the_start_date_and_on_29_february():
    assert dates(expand(datetime(2026, 10, 6, 17), HKI, "FREQ=YEARLY", limit=3)) == [
        date(2026, 10, 6), date(2027, 10, 6), date(2028, 10, 6)]
    assert dates(expand(datetime(2028, 2, 29, 12), HKI, "FREQ=YEARLY", limit=3)) == [
        date(2028, 2, 29), date(2032, 2, 29), date(2036, 2, 29)]


def test_yearly_last_sunday_of_march():
    got = expand(datetime(2026, 3, 29, 10), HKI, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", limit=3)
    assert dates(got) == [date(2026, 3, 29), date(2027, 3, 28), date(2028, 3, 26)]


def test_monthly_on_the_31st_skips_shorter_months():
    got = expand(datetime(2026, 10, 31, 12), HKI, "FREQ=MONTHLY", limit=4)
    assert dates(got) == [date(2026, 10, 31), date(2026, 12, 31), date(2027, 1, 31), date(2027, 3, 31)]


def test_monthly_last_day():
    got = expand(datetime(2027, 1, 31, 12), HKI, "FREQ=MONTHLY;BYMONTHDAY=-1", limit=3)
    assert dates(got) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_interval_every_second_week_on_two_days():
    got = expand(datetime(2026, 10, 5, 9, 30), HKI, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", limit=5)
    assert dates(got) == [date(2026, 10, 5), date(2026, 10, 8), date(2026, 10, 19), date(2026, 10, 22),
                          date(2026, 11, 2)]


def test_interval_with_sunday_week_start_changes_the_weeks():
    start = datetime(2026, 10, 4, 9)  # a Sunday
    monday_weeks = expand(start, HKI, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO", limit=4)
    sunday_weeks = expand(start, HKI, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=SU", limit=4)
    assert dates(monday_weeks) == [date(2026, 10, 4), date(2026, 10, 12), date(2026, 10, 18), date(2026, 10, 26)]
    assert dates(sunday_weeks) == [date(2026, 10, 4), date(2026, 10, 5), date(2026, 10, 18), date(2026, 10, 19)]


def test_daily_interval():
    got = expand(datetime(2026, 10, 6, 8), HKI, "FREQ=DAILY;INTERVAL=3", limit=3)
    assert dates(got) == [date(2026, 10, 6), date(2026, 10, 9), date(2026, 10, 12)]


def test_count_limits_the_series():
    assert len(expand(datetime(2026, 10, 6, 17), HKI, "FREQ=WEEKLY;COUNT=3", limit=100)) == 3


@pytest.mark.parametrize("until", ["20261020", "20261020T170000", "20261020T140000Z"])
def test_until_is_inclusive_in_every_form(until):
    got = expand(datetime(2026, 10, 6, 17), HKI, f"FREQ=WEEKLY;UNTIL={until}", limit=100)
    assert dates(got) == [date(2026, 10, 6), date(2026, 10, 13), date(2026, 10, 20)]


def test_until_one_second_earlier_excludes_the_last():
    got = expand(datetime(2026, 10, 6, 17), HKI, "FREQ=WEEKLY;UNTIL=20261020T135959Z", limit=100)
    assert dates(got) == [date(2026, 10, 6), date(2026, 10, 13)]


def test_until_in_winter_uses_winter_offset():
    got = expand(datetime(2026, 10, 6, 17), HKI, "FREQ=WEEKLY;UNTIL=20261103", limit=100)
    assert got[-1] == hki(2026, 11, 3, 17)


def test_no_rule_is_exactly_one_occurrence():
    assert expand(datetime(2026, 10, 6, 17), HKI, None, limit=10) == [hki(2026, 10, 6, 17)]
    assert expand(datetime(2026, 10, 6, 17), HKI, "  ", limit=10) == [hki(2026, 10, 6, 17)]


# --- windows, limits, exdates ---------------------------------------------------------------------
def test_window_is_half_open():
    start = datetime(2026, 10, 6, 17)
    got = expand(start, HKI, "FREQ=WEEKLY", window_start=hki(2026, 10, 13, 17), window_end=hki(2026, 10, 27, 17),
                 limit=100)
    assert got == [hki(2026, 10, 13, 17), hki(2026, 10, 20, 17)]


def test_window_far_ahead_equals_the_filtered_full_expansion():
    start = datetime(2026, 10, 6, 17)
    full = expand(start, HKI, "FREQ=WEEKLY;BYDAY=TU,FR", limit=2000)
    low, high = utc(2031, 5, 1), utc(2031, 9, 1)
    windowed = expand(start, HKI, "FREQ=WEEKLY;BYDAY=TU,FR", window_start=low, window_end=high, limit=2000)
    assert windowed == [o for o in full if low <= o < high]
    assert len(windowed) == 35


def test_window_with_count_counts_from_the_start():
    got = expand(datetime(2026, 10, 6, 17), HKI, "FREQ=WEEKLY;COUNT=4", window_start=hki(2026, 10, 20), limit=10)
    assert dates(got) == [date(2026, 10, 20), date(2026, 10, 27)]


def test_limit_caps_an_endless_rule():
    got = expand(datetime(2026, 10, 6, 17), HKI, "FREQ=DAILY", limit=7)
    assert len(got) == 7
    assert expand(datetime(2026, 10, 6, 17), HKI, "FREQ=DAILY", limit=0) == []


def test_single_occurrence_outside_the_window():
    assert expand(datetime(2026, 10, 6, 17), HKI, None, window_start=utc(2026, 11, 1), limit=5) == []
    assert expand(datetime(2026, 10, 6, 17), HKI, None, window_end=hki(2026, 10, 6, 17), limit=5) == []


def test_exdates_remove_by_instant_in_any_zone():
    start = datetime(2026, 10, 6, 17)
    exdates = [utc(2026, 10, 13, 14), hki(2026, 10, 27, 17), datetime(2026, 11, 3, 17),  # naive = local
               utc(2026, 11, 10, 14)]  # 16:00 local: not an occurrence, ignored
    got = expand(start, HKI, "FREQ=WEEKLY;COUNT=6", exdates=exdates, limit=100)
    assert dates(got) == [date(2026, 10, 6), date(2026, 10, 20), date(2026, 11, 10)]


def test_exdate_inside_the_autumn_fold():
    start = datetime(2026, 10, 24, 3, 30)
    got = expand(start, HKI, "FREQ=DAILY;COUNT=3", exdates=[hki(2026, 10, 25, 3, 30)], limit=10)
    assert dates(got) == [date(2026, 10, 24), date(2026, 10, 26)]
    # the second 03:30 that day (winter time) is another instant and removes nothing
    second = hki(2026, 10, 25, 3, 30).replace(fold=1)
    assert len(expand(start, HKI, "FREQ=DAILY;COUNT=3", exdates=[second], limit=10)) == 3


# --- holidays -------------------------------------------------------------------------------------
def test_finnish_public_holidays_from_the_holidays_package():
    assert is_holiday(date(2026, 12, 6))  # Independence Day (a Sunday in 2026)
    assert is_holiday(date(2026, 5, 14))  # Ascension Day
    assert is_holiday(date(2026, 12, 24))  # Christmas Eve: the package lists it
    assert is_holiday(date(2026, 6, 19))  # Midsummer Eve
    assert is_holiday(datetime(2027, 1, 6, 12))  # Epiphany
    assert not is_holiday(date(2026, 12, 23))
    assert not is_holiday(date(2026, 10, 6))


@pytest.mark.parametrize("locale, name", [("fi", "Itsenäisyyspäivä"), ("sv", "Självständighetsdagen"),
                                          ("en", "Independence Day"), ("de", "Itsenäisyyspäivä"),
                                          ("sv_FI", "Självständighetsdagen")])
def test_holiday_name(locale, name):
    assert holiday_name(date(2026, 12, 6), locale) == name
    assert holiday_name(date(2026, 12, 7), locale) is None


def test_skip_holidays_drops_ascension_and_christmas_eve_thursdays():
    start = datetime(2026, 5, 7, 17)
    assert date(2026, 5, 14) in dates(expand(start, HKI, "FREQ=WEEKLY;BYDAY=TH", limit=100))
    got = dates(expand(start, HKI, "FREQ=WEEKLY;BYDAY=TH", skip_holidays=True,
                       window_end=hki(2027, 1, 1), limit=100))
    assert date(2026, 5, 7) in got and date(2026, 5, 21) in got
    assert date(2026, 5, 14) not in got and date(2026, 12, 24) not in got
    assert date(2026, 12, 17) in got and date(2026, 12, 31) in got


def test_skip_holidays_drops_independence_day_sunday():
    got = dates(expand(datetime(2026, 11, 29, 12), HKI, "FREQ=WEEKLY", skip_holidays=True, limit=3))
    assert got == [date(2026, 11, 29), date(2026, 12, 13), date(2026, 12, 20)]


def test_skip_holidays_applies_to_a_single_occurrence():
    assert expand(datetime(2026, 12, 6, 12), HKI, None, skip_holidays=True, limit=1) == []


# --- next_dates -------------------------------------------------------------------------------------
def test_next_dates_are_strictly_after():
    start = datetime(2026, 10, 6, 17)
    got = next_dates(start, HKI, "FREQ=WEEKLY", after=hki(2026, 10, 13, 17), n=3)
    assert dates(got) == [date(2026, 10, 20), date(2026, 10, 27), date(2026, 11, 3)]
    got = next_dates(start, HKI, "FREQ=WEEKLY;BYDAY=TU", after=hki(2026, 5, 1), n=2)
    assert dates(got) == [date(2026, 10, 6), date(2026, 10, 13)]


def test_next_dates_skip_holidays():
    got = next_dates(datetime(2026, 12, 3, 17), HKI, "FREQ=WEEKLY;BYDAY=TH", after=utc(2026, 12, 11),
                     n=2, skip_holidays=True)
    assert dates(got) == [date(2026, 12, 17), date(2026, 12, 31)]


# --- normalize_rrule -------------------------------------------------------------------------------
TUESDAY = datetime(2026, 10, 6, 17, 0)


@pytest.mark.parametrize("text, canonical", [
    ("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU"),
    ("RRULE:FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU"),
    ("  rrule:freq=weekly;byday=tu;  ", "FREQ=WEEKLY;BYDAY=TU"),
    ("FREQ=WEEKLY;INTERVAL=1;WKST=MO;BYDAY=FR,TU", "FREQ=WEEKLY;BYDAY=TU,FR"),
    ("BYDAY=TU;WKST=SU;INTERVAL=2;FREQ=WEEKLY;COUNT=10", "FREQ=WEEKLY;INTERVAL=2;COUNT=10;BYDAY=TU;WKST=SU"),
    ("FREQ=WEEKLY;BYHOUR=17;BYMINUTE=0;BYSECOND=0", "FREQ=WEEKLY"),
    ("FREQ=WEEKLY;BYDAY=TU,TU", "FREQ=WEEKLY;BYDAY=TU"),
    ("FREQ=MONTHLY;BYDAY=+1TU", "FREQ=MONTHLY;BYDAY=1TU"),
    ("FREQ=MONTHLY;BYSETPOS=1;BYDAY=TU,WE", "FREQ=MONTHLY;BYDAY=TU,WE;BYSETPOS=1"),
    ("FREQ=YEARLY;BYMONTHDAY=6;BYMONTH=10,4", "FREQ=YEARLY;BYMONTHDAY=6;BYMONTH=4,10"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1,6,1", "FREQ=MONTHLY;BYMONTHDAY=1,6,-1"),
])
def test_canonical_form(text, canonical):
    assert normalize(text, TUESDAY) == canonical


@pytest.mark.parametrize("until", ["20261215", "20261215T170000", "20261215T150000Z"])
def test_until_normalised_to_utc(until):
    assert normalize(f"FREQ=WEEKLY;UNTIL={until}", TUESDAY) == "FREQ=WEEKLY;UNTIL=20261215T150000Z"


def test_until_date_in_summer_uses_summer_offset():
    assert normalize("FREQ=WEEKLY;UNTIL=20270608", datetime(2027, 5, 4, 9, 30)) == \
        "FREQ=WEEKLY;UNTIL=20270608T063000Z"


def test_normalize_is_idempotent_and_blank_means_no_rule():
    once = normalize("rrule:FREQ=MONTHLY;UNTIL=20270301;BYDAY=1TU", TUESDAY)
    assert normalize(once, TUESDAY) == once
    assert normalize(None, TUESDAY) is None
    assert normalize("   ", TUESDAY) is None


def test_endless_rule_is_allowed():
    assert normalize("FREQ=WEEKLY;BYDAY=TU", TUESDAY) == "FREQ=WEEKLY;BYDAY=TU"
    assert normalize("FREQ=DAILY", TUESDAY, horizon=timedelta(days=100)) == "FREQ=DAILY"


@pytest.mark.parametrize("text", [
    "not a rule", "FREQ", "FREQ=", "BYDAY=TU", "FREQ=FORTNIGHTLY", "FREQ=WEEKLY;FOO=1",
    "FREQ=WEEKLY;FREQ=DAILY", "FREQ=WEEKLY;;BYDAY=TU", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=TUE",
    "FREQ=WEEKLY;INTERVAL=0", "FREQ=WEEKLY;INTERVAL=x", "FREQ=WEEKLY;INTERVAL=1,2", "FREQ=WEEKLY;COUNT=0",
    "FREQ=WEEKLY;COUNT=3;UNTIL=20261231", "FREQ=WEEKLY;UNTIL=2026-12-31", "FREQ=WEEKLY;UNTIL=20261332",
    "FREQ=WEEKLY;BYDAY=2TU", "FREQ=MONTHLY;BYDAY=TU,2WE", "FREQ=MONTHLY;BYDAY=0TU", "FREQ=MONTHLY;BYDAY=54TU",
    "FREQ=WEEKLY;BYMONTHDAY=1", "FREQ=MONTHLY;BYMONTHDAY=0", "FREQ=MONTHLY;BYMONTHDAY=32",
    "FREQ=YEARLY;BYMONTH=13", "FREQ=MONTHLY;BYSETPOS=1", "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=0",
    "FREQ=DAILY;BYHOUR=9", "FREQ=DAILY;BYMINUTE=30", "FREQ=DAILY;BYHOUR=24", "FREQ=WEEKLY;WKST=XX",
    "DTSTART:20261006T170000\nRRULE:FREQ=DAILY", "FREQ=WEEKLY;RDATE=20261007",
])
def test_invalid_rules(text):
    with pytest.raises(RecurrenceError) as info:
        normalize(text, TUESDAY)
    assert (info.value.code, info.value.field) == ("invalid_rrule", "rrule")


@pytest.mark.parametrize("text", ["FREQ=HOURLY", "FREQ=MINUTELY", "FREQ=SECONDLY", "FREQ=hourly;INTERVAL=24",
                                  "FREQ=DAILY;BYHOUR=9,17", "FREQ=DAILY;BYMINUTE=0,30",
                                  "FREQ=WEEKLY;BYSECOND=0,30"])
def test_sub_daily_rules(text):
    with pytest.raises(RecurrenceError) as info:
        normalize(text, TUESDAY)
    assert (info.value.code, info.value.field) == ("sub_daily", "rrule")


@pytest.mark.parametrize("text", ["FREQ=YEARLY;BYWEEKNO=20", "FREQ=YEARLY;BYYEARDAY=100"])
def test_unsupported_parts(text):
    with pytest.raises(RecurrenceError) as info:
        normalize(text, TUESDAY)
    assert info.value.code == "unsupported"
    assert info.value.params["part"] in text


@pytest.mark.parametrize("text", ["FREQ=DAILY", "FREQ=DAILY;COUNT=300", "FREQ=WEEKLY;BYDAY=MO,TU,WE"])
def test_too_many(text):
    with pytest.raises(RecurrenceError) as info:
        normalize(text, TUESDAY)
    assert info.value.code == "too_many"
    assert info.value.params == {"max": 260, "days": 730}
    assert str(info.value) == "The rule would create more than 260 occurrences within 730 days."


def test_exactly_max_occurrences_is_allowed():
    assert normalize("FREQ=DAILY;COUNT=20", TUESDAY, max_occurrences=20) == "FREQ=DAILY;COUNT=20"
    with pytest.raises(RecurrenceError):
        normalize("FREQ=DAILY;COUNT=21", TUESDAY, max_occurrences=20)


@pytest.mark.parametrize("text", ["FREQ=WEEKLY;COUNT=200", "FREQ=MONTHLY;UNTIL=20301231",
                                  "FREQ=YEARLY;UNTIL=20991231T000000Z"])
def test_beyond_horizon(text):
    with pytest.raises(RecurrenceError) as info:
        normalize(text, TUESDAY)
    assert (info.value.code, info.value.params) == ("beyond_horizon", {"days": 730})


def test_until_past_the_horizon_without_dates_there_is_fine():
    # the horizon ends 2027-04-05; the next yearly date after it (2027-10-06) is past UNTIL
    assert normalize("FREQ=YEARLY;UNTIL=20270601", TUESDAY, horizon=timedelta(days=181)) == \
        "FREQ=YEARLY;UNTIL=20270601T140000Z"


@pytest.mark.parametrize("text", ["FREQ=WEEKLY;UNTIL=20261001", "FREQ=WEEKLY;UNTIL=20261006T135959Z",
                                  "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
                                  "FREQ=MONTHLY;BYDAY=6TU"])
@pytest.mark.timeout(60)  # a safety net, not a measurement: a rule that never matches must not spin
def test_empty(text):
    with pytest.raises(RecurrenceError) as info:
        normalize(text, TUESDAY)
    assert info.value.code == "empty"


def test_rule_that_ends_at_its_start_has_one_occurrence():
    assert normalize("FREQ=WEEKLY;UNTIL=20261006T140000Z", TUESDAY) == "FREQ=WEEKLY;UNTIL=20261006T140000Z"


def test_start_must_be_one_of_the_dates():
    with pytest.raises(RecurrenceError) as info:
        normalize("FREQ=WEEKLY;BYDAY=WE", TUESDAY)
    error = info.value
    assert (error.code, error.field) == ("start_mismatch", "start")
    assert error.params == {"start": "2026-10-06", "first": "2026-10-07"}
    with pytest.raises(RecurrenceError) as info:
        normalize("FREQ=MONTHLY;BYDAY=2TU", TUESDAY)
    assert info.value.params["first"] == "2026-10-13"


def test_unknown_timezone_in_normalize():
    with pytest.raises(RecurrenceError) as info:
        normalize("FREQ=WEEKLY", TUESDAY, tz="Europe/Helsingfors")
    assert (info.value.code, info.value.field) == ("unknown_timezone", "timezone")


def test_expand_refuses_what_normalize_refuses():
    with pytest.raises(RecurrenceError) as info:
        expand(TUESDAY, HKI, "FREQ=HOURLY", limit=3)
    assert info.value.code == "sub_daily"
    with pytest.raises(RecurrenceError):
        expand(TUESDAY, HKI, "FREQ=DAILY;BYHOUR=9", limit=3)


@pytest.mark.timeout(60)  # a safety net, not a measurement
def test_expanding_a_rule_that_never_matches_terminates():
    assert expand(TUESDAY, HKI, "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", limit=5) == []
    assert expand(TUESDAY, HKI, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31", window_end=utc(2030, 1, 1), limit=5) == []


# --- speed ---------------------------------------------------------------------------------------
def test_weekly_rule_over_two_years_cold_and_cached_agree():
    """Speed is measured by the benchmarks, not asserted here (a loaded CI machine made it flaky)."""
    end = utc(2028, 10, 6)

    def run(cold: bool) -> list:
        if cold:
            rec._compile.cache_clear()
            rec._parse.cache_clear()
        return expand(TUESDAY, HKI, "FREQ=WEEKLY;BYDAY=TU", window_end=end, skip_holidays=True, limit=1000)

    cold, warm = run(True), run(False)
    assert len(cold) == 105 and cold == warm


# --- build_rrule ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, expected", [
    ({"freq": None}, None),
    ({"freq": ""}, None),
    ({"freq": "DAILY"}, "FREQ=DAILY"),
    ({"freq": "daily", "interval": 3, "byday": ["TU"]}, "FREQ=DAILY;INTERVAL=3"),
    ({"freq": "WEEKLY"}, "FREQ=WEEKLY"),
    ({"freq": "WEEKLY", "byday": ["th", "MO", "MO"], "interval": 2, "count": 10},
     "FREQ=WEEKLY;INTERVAL=2;COUNT=10;BYDAY=MO,TH"),
    ({"freq": "MONTHLY"}, "FREQ=MONTHLY"),
    ({"freq": "MONTHLY", "monthly_mode": "monthday", "byday": ["TU"], "nth": 2}, "FREQ=MONTHLY"),
    ({"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": 2, "byday": ["TU"], "until": date(2026, 12, 15)},
     "FREQ=MONTHLY;UNTIL=20261215;BYDAY=2TU"),
    ({"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": -1, "byday": ["FR"]}, "FREQ=MONTHLY;BYDAY=-1FR"),
    ({"freq": "YEARLY", "until": utc(2030, 1, 1, 12)}, "FREQ=YEARLY;UNTIL=20300101T120000Z"),
    ({"freq": "WEEKLY", "until": datetime(2027, 1, 1, 18)}, "FREQ=WEEKLY;UNTIL=20270101T180000"),
])
def test_build_rrule(kwargs, expected):
    assert build_rrule(**kwargs) == expected


@pytest.mark.parametrize("kwargs, field, code", [
    ({"freq": "HOURLY"}, "freq", "invalid_choice"),
    ({"freq": "WEEKLY", "interval": 0}, "interval", "out_of_range"),
    ({"freq": "WEEKLY", "interval": 53}, "interval", "out_of_range"),
    ({"freq": "WEEKLY", "interval": "2"}, "interval", "out_of_range"),
    ({"freq": "WEEKLY", "interval": True}, "interval", "out_of_range"),
    ({"freq": "WEEKLY", "count": 0}, "count", "out_of_range"),
    ({"freq": "WEEKLY", "count": 261}, "count", "out_of_range"),
    ({"freq": "WEEKLY", "count": 3, "until": date(2027, 1, 1)}, "until", "count_and_until"),
    ({"freq": "WEEKLY", "until": "2027-01-01"}, "until", "invalid"),
    ({"freq": "WEEKLY", "byday": ["XX"]}, "byday", "invalid_weekday"),
    ({"freq": "MONTHLY", "monthly_mode": "weekly"}, "monthly_mode", "invalid_choice"),
    ({"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": 5, "byday": ["TU"]}, "nth", "out_of_range"),
    ({"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": None, "byday": ["TU"]}, "nth", "out_of_range"),
    ({"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": 2, "byday": []}, "byday", "one_weekday"),
    ({"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": 2, "byday": ["TU", "WE"]}, "byday", "one_weekday"),
])
def test_build_rrule_refusals(kwargs, field, code):
    with pytest.raises(RecurrenceError) as info:
        build_rrule(**kwargs)
    assert (info.value.field, info.value.code) == (field, code)


def test_build_rrule_count_limit_is_configurable():
    assert build_rrule("WEEKLY", count=500, max_count=500) == "FREQ=WEEKLY;COUNT=500"
    with pytest.raises(RecurrenceError) as info:
        build_rrule("WEEKLY", count=11, max_count=10)
    assert info.value.params == {"min": 1, "max": 10}


@pytest.mark.parametrize("start, kwargs, expected", [
    (datetime(2026, 10, 13, 17), {"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": 2, "byday": ["TU"],
                                  "until": date(2027, 1, 12)},
     [date(2026, 10, 13), date(2026, 11, 10), date(2026, 12, 8), date(2027, 1, 12)]),
    (datetime(2026, 10, 5, 9, 30), {"freq": "WEEKLY", "interval": 2, "byday": ["MO", "TH"], "count": 4},
     [date(2026, 10, 5), date(2026, 10, 8), date(2026, 10, 19), date(2026, 10, 22)]),
    (datetime(2026, 10, 30, 9), {"freq": "MONTHLY", "monthly_mode": "nth_weekday", "nth": -1, "byday": ["FR"],
                                 "count": 3},
     [date(2026, 10, 30), date(2026, 11, 27), date(2026, 12, 25)]),
    (datetime(2026, 10, 6, 17), {"freq": "YEARLY", "until": date(2028, 1, 1)},
     [date(2026, 10, 6), date(2027, 10, 6)]),
    (datetime(2026, 10, 6, 17), {"freq": "DAILY", "interval": 10, "until": date(2026, 10, 26)},
     [date(2026, 10, 6), date(2026, 10, 16), date(2026, 10, 26)]),
])
def test_build_normalize_expand_round_trip(start, kwargs, expected):
    rule = normalize(build_rrule(**kwargs), start)
    got = expand(start, HKI, rule, limit=100)
    assert dates(got) == expected
    assert all(o.time() == start.time() for o in got)


def test_weekday_position():
    assert weekday_position(date(2026, 10, 13)) == ("TU", 2, False)
    assert weekday_position(date(2026, 10, 27)) == ("TU", 4, True)
    assert weekday_position(date(2026, 10, 30)) == ("FR", 5, True)
    assert weekday_position(date(2026, 10, 1)) == ("TH", 1, False)


# --- describe ------------------------------------------------------------------------------------
SECOND_TUESDAY = datetime(2026, 10, 13, 17, 0)
MONDAY_MORNING = datetime(2026, 10, 5, 9, 30)


@pytest.mark.parametrize("rule, start, en, fi, sv", [
    ("FREQ=WEEKLY;BYDAY=TU", TUESDAY,
     "Every week on Tuesday at 17.00",
     "Joka viikko tiistaisin klo 17.00",
     "Varje vecka på tisdag kl. 17.00"),
    ("FREQ=WEEKLY", TUESDAY,
     "Every week on Tuesday at 17.00",
     "Joka viikko tiistaisin klo 17.00",
     "Varje vecka på tisdag kl. 17.00"),
    ("FREQ=WEEKLY;INTERVAL=2;COUNT=10;BYDAY=MO,TH", MONDAY_MORNING,
     "Every 2 weeks on Monday and Thursday at 9.30, 10 times",
     "Joka toinen viikko maanantaisin ja torstaisin klo 9.30, 10 kertaa",
     "Varannan vecka på måndag och torsdag kl. 9.30, 10 gånger"),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", MONDAY_MORNING,
     "Every week on Monday, Wednesday and Friday at 9.30",
     "Joka viikko maanantaisin, keskiviikkoisin ja perjantaisin klo 9.30",
     "Varje vecka på måndag, onsdag och fredag kl. 9.30"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", MONDAY_MORNING,
     "Every weekday at 9.30", "Arkipäivisin klo 9.30", "Varje vardag kl. 9.30"),
    ("FREQ=WEEKLY;INTERVAL=3;BYDAY=SA,SU", datetime(2026, 10, 10, 10),
     "Every 3 weeks on Saturday and Sunday at 10.00",
     "Joka kolmas viikko lauantaisin ja sunnuntaisin klo 10.00",
     "Var tredje vecka på lördag och söndag kl. 10.00"),
    ("FREQ=MONTHLY;UNTIL=20261215T150000Z;BYDAY=2TU", SECOND_TUESDAY,
     "Monthly on the second Tuesday at 17.00, until 15 December 2026",
     "Kuukauden toisena tiistaina klo 17.00, 15. joulukuuta 2026 asti",
     "Den andra tisdagen varje månad kl. 17.00, till och med 15 december 2026"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", SECOND_TUESDAY,
     "Monthly on the second Tuesday at 17.00",
     "Kuukauden toisena tiistaina klo 17.00",
     "Den andra tisdagen varje månad kl. 17.00"),
    ("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR", datetime(2026, 10, 30, 14, 15),
     "Every 2 months on the last Friday at 14.15",
     "Joka toisen kuukauden viimeisenä perjantaina klo 14.15",
     "Den sista fredagen varannan månad kl. 14.15"),
    ("FREQ=MONTHLY;BYDAY=1MO,3MO", MONDAY_MORNING,
     "Monthly on the first and third Monday at 9.30",
     "Kuukauden ensimmäisenä ja kolmantena maanantaina klo 9.30",
     "Den första och tredje måndagen varje månad kl. 9.30"),
    ("FREQ=MONTHLY;BYDAY=1MO,3WE", MONDAY_MORNING,
     "Monthly on the first Monday and the third Wednesday at 9.30",
     "Kuukauden ensimmäisenä maanantaina ja kolmantena keskiviikkona klo 9.30",
     "Den första måndagen och den tredje onsdagen varje månad kl. 9.30"),
    ("FREQ=MONTHLY", SECOND_TUESDAY,
     "Monthly on the 13th at 17.00",
     "Kuukauden 13. päivänä klo 17.00",
     "Den 13:e varje månad kl. 17.00"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,22", datetime(2026, 11, 1, 12),
     "Monthly on the 1st and 22nd at 12.00",
     "Kuukauden 1. ja 22. päivänä klo 12.00",
     "Den 1:a och 22:a varje månad kl. 12.00"),
    ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", datetime(2026, 10, 31, 12),
     "Every 3 months on the last day at 12.00",
     "Joka kolmannen kuukauden viimeisenä päivänä klo 12.00",
     "Den sista dagen var tredje månad kl. 12.00"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2026, 10, 30, 15),
     "Monthly on the last weekday at 15.00",
     "Kuukauden viimeisenä arkipäivänä klo 15.00",
     "Den sista vardagen varje månad kl. 15.00"),
    ("FREQ=DAILY", TUESDAY, "Every day at 17.00", "Joka päivä klo 17.00", "Varje dag kl. 17.00"),
    ("FREQ=DAILY;INTERVAL=2;COUNT=1", TUESDAY,
     "Every 2 days at 17.00, once", "Joka toinen päivä klo 17.00, kerran", "Varannan dag kl. 17.00, en gång"),
    ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", TUESDAY,
     "Every weekday at 17.00", "Arkipäivisin klo 17.00", "Varje vardag kl. 17.00"),
    ("FREQ=YEARLY", TUESDAY,
     "Every year on 6 October at 17.00",
     "Joka vuosi 6. lokakuuta klo 17.00",
     "Varje år den 6 oktober kl. 17.00"),
    ("FREQ=YEARLY;INTERVAL=2;COUNT=5", TUESDAY,
     "Every 2 years on 6 October at 17.00, 5 times",
     "Joka toinen vuosi 6. lokakuuta klo 17.00, 5 kertaa",
     "Vartannat år den 6 oktober kl. 17.00, 5 gånger"),
    ("FREQ=YEARLY;INTERVAL=3;BYMONTH=3,10;BYDAY=-1SU", datetime(2026, 3, 29, 10),
     "Every 3 years on the last Sunday of March and October at 10.00",
     "Joka kolmas vuosi maaliskuun ja lokakuun viimeisenä sunnuntaina klo 10.00",
     "Den sista söndagen i mars och oktober vart tredje år kl. 10.00"),
    ("FREQ=WEEKLY;INTERVAL=12", TUESDAY,
     "Every 12 weeks on Tuesday at 17.00",
     "Joka 12. viikko tiistaisin klo 17.00",
     "Var 12:e vecka på tisdag kl. 17.00"),
    ("FREQ=MONTHLY;INTERVAL=21;BYDAY=1TU", TUESDAY,
     "Every 21 months on the first Tuesday at 17.00",
     "Joka 21. kuukauden ensimmäisenä tiistaina klo 17.00",
     "Den första tisdagen var 21:a månad kl. 17.00"),
])
def test_describe(rule, start, en, fi, sv):
    assert describe(rule, start, "en") == en
    assert describe(rule, start, "fi") == fi
    assert describe(rule, start, "sv") == sv


def test_describe_single_occurrence():
    assert describe(None, TUESDAY, "en") == "Tuesday 6 October 2026 at 17.00"
    assert describe(None, TUESDAY, "fi") == "Tiistaina 6. lokakuuta 2026 klo 17.00"
    assert describe(None, TUESDAY, "sv") == "Tisdagen den 6 oktober 2026 kl. 17.00"
    assert describe(None, datetime(2026, 10, 4, 9, 5), "fi") == "Sunnuntaina 4. lokakuuta 2026 klo 9.05"


def test_describe_locales():
    assert describe("FREQ=WEEKLY", TUESDAY, "de") == "Joka viikko tiistaisin klo 17.00"
    assert describe("FREQ=WEEKLY", TUESDAY, "sv_FI") == "Varje vecka på tisdag kl. 17.00"
    assert describe("FREQ=WEEKLY", TUESDAY, "en-GB") == "Every week on Tuesday at 17.00"
    assert describe("FREQ=WEEKLY", TUESDAY, None) == "Joka viikko tiistaisin klo 17.00"


def test_describe_until_is_the_local_date():
    # 22:00 UTC on 15 December is already 16 December in Helsinki
    assert describe("FREQ=WEEKLY;UNTIL=20261215T220000Z", TUESDAY, "en").endswith(", until 16 December 2026")
    assert describe("FREQ=WEEKLY;UNTIL=20261215T220000Z", TUESDAY, "en", tz="UTC").endswith(
        ", until 15 December 2026")
    assert describe("FREQ=WEEKLY;UNTIL=20261215", TUESDAY, "fi").endswith(", 15. joulukuuta 2026 asti")


def test_describe_every_weekday_in_finnish_and_swedish():
    names = {"MO": ("maanantaisin", "måndag"), "TU": ("tiistaisin", "tisdag"), "WE": ("keskiviikkoisin", "onsdag"),
             "TH": ("torstaisin", "torsdag"), "FR": ("perjantaisin", "fredag"), "SA": ("lauantaisin", "lördag"),
             "SU": ("sunnuntaisin", "söndag")}
    for code, (fi, sv) in names.items():
        assert describe(f"FREQ=WEEKLY;BYDAY={code}", TUESDAY, "fi") == f"Joka viikko {fi} klo 17.00"
        assert describe(f"FREQ=WEEKLY;BYDAY={code}", TUESDAY, "sv") == f"Varje vecka på {sv} kl. 17.00"


def test_describe_falls_back_to_the_rule_text():
    rule = "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"
    assert describe(rule, datetime(2026, 11, 13, 18), "en") == f"Repeats by the rule {rule}"
    assert describe(rule, datetime(2026, 11, 13, 18), "fi") == f"Toistuu säännöllä {rule}"
    assert describe(rule, datetime(2026, 11, 13, 18), "sv") == f"Upprepas enligt regeln {rule}"


def test_describe_refuses_invalid_rules():
    with pytest.raises(RecurrenceError):
        describe("FREQ=HOURLY", TUESDAY, "en")


# --- edges -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("start", [datetime(1899, 12, 31, 12), datetime(3000, 1, 1, 12), datetime(1, 1, 1)])
def test_start_outside_the_supported_years(start):
    with pytest.raises(RecurrenceError) as info:
        normalize("FREQ=WEEKLY", start)
    assert (info.value.code, info.value.field) == ("out_of_range", "start")
    with pytest.raises(RecurrenceError):
        expand(start, HKI, None, limit=1)


@pytest.mark.parametrize("until", ["99991231", "99991231T235959Z", "00010101"])
def test_until_at_the_ends_of_the_calendar_is_refused(until):
    with pytest.raises(RecurrenceError) as info:
        normalize(f"FREQ=WEEKLY;UNTIL={until}", TUESDAY)
    assert info.value.code == "invalid_rrule"


def test_extreme_windows_do_not_overflow():
    got = expand(TUESDAY, HKI, "FREQ=WEEKLY", window_start=datetime.min.replace(tzinfo=UTC),
                 window_end=datetime.max.replace(tzinfo=UTC), limit=3)
    assert dates(got) == [date(2026, 10, 6), date(2026, 10, 13), date(2026, 10, 20)]
    assert next_dates(TUESDAY, HKI, "FREQ=WEEKLY", after=datetime.max.replace(tzinfo=UTC)) == []
    assert len(expand(TUESDAY, HKI, "FREQ=WEEKLY", window_start=datetime.min, window_end=datetime.max, limit=3)) == 3
