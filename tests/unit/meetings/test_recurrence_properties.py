"""Property tests for recurrence expansion (Hypothesis), including a comparison with dateutil."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scheduling import (
    WEEKDAY_CODES,
    RecurrenceError,
    describe,
    expand,
    is_holiday,
    normalize_rrule,
)

HKI = "Europe/Helsinki"
HELSINKI = ZoneInfo(HKI)
UTC = timezone.utc
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Times around the DST changes (03:00–04:00 local) and the day boundaries, plus any minute.
times = st.one_of(
    st.sampled_from([time(0, 30), time(3, 0), time(3, 30), time(3, 59), time(23, 30), time(17, 0)]),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
)
starts = st.builds(datetime.combine, st.dates(date(2025, 1, 1), date(2031, 12, 31)), times)
weekday_sets = st.sets(st.sampled_from(WEEKDAY_CODES), min_size=1, max_size=7)


@st.composite
def weekly_or_monthly_rules(draw) -> str:
    """A WEEKLY or MONTHLY rule such as the form or an API client might send."""
    interval = draw(st.integers(1, 4))
    ending = draw(st.sampled_from(["", ";COUNT=%d" % draw(st.integers(1, 60)), ";UNTIL=20291231"]))
    if draw(st.booleans()):
        days = draw(weekday_sets)
        byday = "" if draw(st.booleans()) else ";BYDAY=" + ",".join(sorted(days, key=WEEKDAY_CODES.index))
        return f"FREQ=WEEKLY;INTERVAL={interval}{ending}{byday}"
    mode = draw(st.sampled_from(["start", "monthday", "nth", "setpos"]))
    weekday = draw(st.sampled_from(WEEKDAY_CODES))
    position = draw(st.sampled_from([1, 2, 3, 4, -1]))
    extra = {
        "start": "",
        "monthday": ";BYMONTHDAY=" + ",".join(map(str, draw(st.sets(st.integers(1, 31), min_size=1, max_size=3)))),
        "nth": f";BYDAY={position}{weekday}",
        "setpos": f";BYDAY={weekday};BYSETPOS={position}",
    }[mode]
    return f"FREQ=MONTHLY;INTERVAL={interval}{ending}{extra}"


def _expected_wall(day: date, clock: time) -> datetime:
    """The wall time an occurrence on ``day`` must have: the start's, or after the gap if it does not exist."""
    naive = datetime.combine(day, clock)
    round_trip = naive.replace(tzinfo=HELSINKI).astimezone(UTC).astimezone(HELSINKI).replace(tzinfo=None)
    if round_trip != naive:  # in the spring-forward gap: Helsinki's gap is one hour
        assert round_trip == naive + timedelta(hours=1)
    return round_trip


@PROPERTY_SETTINGS
@given(start=starts, rule=weekly_or_monthly_rules(), limit=st.integers(1, 120), skip=st.booleans())
def test_occurrences_keep_the_wall_clock_time_and_grow(start, rule, limit, skip):
    got = expand(start, HKI, rule, skip_holidays=skip, limit=limit)
    assert len(got) <= limit
    assert all(later > earlier for earlier, later in zip(got, got[1:]))
    for occurrence in got:
        assert occurrence.tzinfo == HELSINKI
        assert occurrence.replace(tzinfo=None) == _expected_wall(occurrence.date(), start.time())
        assert occurrence.utcoffset() in (timedelta(hours=2), timedelta(hours=3))
        assert occurrence.replace(tzinfo=None) >= _expected_wall(start.date(), start.time())
    if skip:
        assert not any(is_holiday(o.date()) for o in got)


@PROPERTY_SETTINGS
@given(start=starts, rule=weekly_or_monthly_rules(), offsets=st.tuples(st.integers(-100, 1500), st.integers(0, 900)),
       skip=st.booleans())
def test_window_equals_the_full_expansion_filtered(start, rule, offsets, skip):
    low = datetime.combine(start.date(), time(12), tzinfo=UTC) + timedelta(days=offsets[0], hours=offsets[1] % 24)
    high = low + timedelta(days=offsets[1])
    full = expand(start, HKI, rule, window_end=high, skip_holidays=skip, limit=10_000)
    windowed = expand(start, HKI, rule, window_start=low, window_end=high, skip_holidays=skip, limit=10_000)
    assert windowed == [o for o in full if low <= o < high]


@PROPERTY_SETTINGS
@given(start=starts, rule=weekly_or_monthly_rules(), data=st.data())
def test_exdates_remove_exactly_the_given_instants(start, rule, data):
    full = expand(start, HKI, rule, limit=80)
    removed = data.draw(st.sets(st.sampled_from(full[:40]), max_size=40) if full else st.just(set()))
    # the same instants in another zone must match; the limit counts what is left
    got = expand(start, HKI, rule, exdates=[o.astimezone(UTC) for o in removed], limit=40)
    assert got == [o for o in full if o not in removed][:40]


@PROPERTY_SETTINGS
@given(start=starts, days=weekday_sets, interval=st.integers(1, 8), count=st.integers(1, 30))
def test_normalized_weekly_rule_starts_at_the_start_and_is_stable(start, days, interval, count):
    codes = sorted(days | {WEEKDAY_CODES[start.weekday()]}, key=WEEKDAY_CODES.index)
    raw = f"rrule:byday={','.join(codes)};count={count};interval={interval};freq=weekly"
    canonical = normalize_rrule(raw, start_local=start, tz=HKI, max_occurrences=260, horizon=timedelta(days=3650))
    assert canonical is not None
    assert normalize_rrule(canonical, start_local=start, tz=HKI, max_occurrences=260,
                           horizon=timedelta(days=3650)) == canonical
    got = expand(start, HKI, canonical, limit=1000)
    assert got == expand(start, HKI, raw, limit=1000)
    assert len(got) == count
    assert got[0].replace(tzinfo=None) == _expected_wall(start.date(), start.time())
    for locale in ("fi", "sv", "en"):
        assert describe(canonical, start, locale)


# --- against dateutil ----------------------------------------------------------------------------
@st.composite
def any_supported_rule(draw) -> str:
    """Any combination of the parts the module supports (valid per its parser)."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 5))}"]
    if draw(st.integers(0, 3)) == 0:
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    months = draw(st.sets(st.integers(1, 12), max_size=4))
    by_parts = bool(months)
    if draw(st.booleans()):
        days = draw(weekday_sets)
        if freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
            # positions count within the month, or within the year for YEARLY without BYMONTH
            # (dateutil raises IndexError for a position past the 5th in a month)
            high = 53 if freq == "YEARLY" and not months else 5
            positions = st.integers(-high, high).filter(bool)
            parts.append("BYDAY=" + ",".join(f"{draw(positions)}{d}" for d in days))
        else:
            parts.append("BYDAY=" + ",".join(days))
        by_parts += 1
    if freq != "WEEKLY" and draw(st.booleans()):
        values = draw(st.sets(st.integers(-31, 31).filter(bool), min_size=1, max_size=4))
        parts.append("BYMONTHDAY=" + ",".join(map(str, values)))
        by_parts += 1
    if months:
        parts.append("BYMONTH=" + ",".join(map(str, sorted(months))))
    # dateutil starts the first week at DTSTART for BYSETPOS, RFC 5545 (and this module) do not
    if by_parts and freq != "WEEKLY" and draw(st.booleans()):
        values = draw(st.sets(st.integers(-6, 6).filter(bool), min_size=1, max_size=3))
        parts.append("BYSETPOS=" + ",".join(map(str, values)))
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(WEEKDAY_CODES))}")
    return ";".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.builds(datetime.combine, st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.just(time(10, 0))),
       rule=any_supported_rule())
def test_dates_agree_with_dateutil(start, rule):
    end = start + timedelta(days=6 * 366)
    try:
        ours = [o.replace(tzinfo=None) for o in
                expand(start, "UTC", rule, window_end=end.replace(tzinfo=UTC), limit=400)]
    except RecurrenceError:
        return
    if not ours:
        return  # dateutil would search until the year 9999 for a rule that never matches
    theirs = []
    for value in rrulestr(rule + ("" if "WKST" in rule else ";WKST=MO"), dtstart=start):
        if value >= end or len(theirs) == 400:
            break
        theirs.append(value)
    assert ours == theirs


@PROPERTY_SETTINGS
@given(start=starts, rule=any_supported_rule(), with_until=st.booleans())
def test_normalize_accepts_or_refuses_cleanly(start, rule, with_until):
    if with_until and "COUNT" not in rule:
        rule += ";UNTIL=20300101"
    try:
        canonical = normalize_rrule(rule, start_local=start, tz=HKI, max_occurrences=260,
                                    horizon=timedelta(days=1500))
    except RecurrenceError as error:
        assert error.code in {"invalid_rrule", "too_many", "beyond_horizon", "empty", "start_mismatch"}
        assert str(error)
        return
    got = expand(start, HKI, canonical, limit=300)
    assert got == expand(start, HKI, rule, limit=300)
    assert got[0].replace(tzinfo=None) == _expected_wall(start.date(), start.time())
    horizon_end = datetime.combine(start.date() + timedelta(days=1500), start.time(), tzinfo=HELSINKI)
    assert len([o for o in got if o < horizon_end]) <= 260
    for locale in ("fi", "sv", "en"):
        assert describe(canonical, start, locale)


@PROPERTY_SETTINGS
@given(text=st.one_of(st.text(max_size=60), st.lists(st.sampled_from(
    ["FREQ=WEEKLY", "FREQ=MONTHLY", "COUNT=3", "BYDAY=TU", "BYDAY=2TU", "UNTIL=20270101", "INTERVAL=2", "BYSETPOS=1",
     "BYMONTHDAY=-1", "BYMONTH=2", "WKST=SU", "=", ";", ",", "RRULE:", "X"]), max_size=6).map(";".join)))
def test_arbitrary_text_never_crashes(text):
    try:
        normalize_rrule(text, start_local=datetime(2026, 10, 6, 17), tz=HKI, max_occurrences=260,
                        horizon=timedelta(days=730))
    except RecurrenceError:
        pass


@PROPERTY_SETTINGS
@given(start=starts, rule=any_supported_rule(), offsets=st.tuples(st.integers(-100, 3000), st.integers(0, 900)))
def test_window_equals_the_filtered_expansion_for_any_rule(start, rule, offsets):
    low = datetime.combine(start.date(), time(12), tzinfo=UTC) + timedelta(days=offsets[0])
    high = low + timedelta(days=offsets[1])
    try:
        full = expand(start, HKI, rule, window_end=high, limit=10_000)
    except RecurrenceError:
        return
    assert expand(start, HKI, rule, window_start=low, window_end=high, limit=10_000) == \
        [o for o in full if low <= o < high]
