"""SeriesForm: the friendly recurrence fields ↔ RRULE."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from app import scheduling as recurrence
from app.meetings.forms import SeriesForm
from app.meetings.models import MeetingSeries


def _series(rrule):
    return MeetingSeries(title_fi="T", start_local=datetime(2027, 1, 12, 17, 0), timezone="Europe/Helsinki",
                         duration_minutes=60, rrule=rrule, capacity=10, waitlist=True, max_seats_per_registration=1,
                         registration_closes_minutes_before=0, language="fi", status="draft", skip_holidays=False)


@pytest.mark.parametrize("rule", [
    None, "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=MONTHLY;COUNT=3;BYDAY=2TU", "FREQ=MONTHLY;COUNT=6", "FREQ=DAILY;INTERVAL=3;COUNT=4",
    "FREQ=YEARLY", "FREQ=WEEKLY;UNTIL=20270601T140000Z;BYDAY=TU",
])
def test_friendly_fields_round_trip(app, rule):
    with app.test_request_context():
        form = SeriesForm(formdata=None)
        form.fill_from(_series(rule))
        assert not form.advanced_rrule.data
        built = form.build_rule(260)
        normalized = recurrence.normalize_rrule(built, start_local=datetime(2027, 1, 12, 17, 0),
                                                tz="Europe/Helsinki", max_occurrences=260,
                                                horizon=recurrence.DEFAULT_HORIZON)
        assert normalized == rule


@pytest.mark.parametrize("rule", ["FREQ=MONTHLY;BYMONTHDAY=12,26", "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
                                  "FREQ=YEARLY;BYDAY=2TU;BYMONTH=1"])
def test_other_rules_go_to_advanced(app, rule):
    with app.test_request_context():
        form = SeriesForm(formdata=None)
        form.fill_from(_series(rule))
        assert form.advanced_rrule.data == rule and form.freq.data == ""
        assert form.build_rule(260) == rule


def test_missing_count_and_until_name_their_field(app):
    with app.test_request_context():
        form = SeriesForm(MultiDict({"freq": "WEEKLY", "ends": "count"}))
        with pytest.raises(recurrence.RecurrenceError) as info:
            form.build_rule(260)
        assert info.value.field == "count"
        form = SeriesForm(MultiDict({"freq": "WEEKLY", "ends": "until"}))
        with pytest.raises(recurrence.RecurrenceError) as info:
            form.build_rule(260)
        assert info.value.field == "until"
        form = SeriesForm(MultiDict({"freq": "WEEKLY", "ends": "until", "until": "2027-03-01"}))
        assert form.build_rule(260) == "FREQ=WEEKLY;UNTIL=20270301"
        assert form.until.data == date(2027, 3, 1)
