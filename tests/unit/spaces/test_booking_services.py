"""Booking rules without HTTP: intervals, opening hours, buffers, horizon, capacity, recurrence, moves."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.types import utcnow
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.spaces import services
from app.spaces.models import Booking, Space, SpaceException
from tests.timeutil import HEL, WEEKDAY_HOURS, at, hel, next_weekday


@pytest.fixture
def staff(make):
    return make.user("staff", locale="en")


def _get(ctx, model, obj):
    return ctx.get(model, obj.id)


def _count(ctx) -> int:
    return ctx.scalar(select(func.count(Booking.id)))


def test_single_booking_is_stored_with_its_block(app, make, staff):
    space = make.space(buffer_minutes=15)
    day = next_weekday(1)
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        booking = services.create_booking(space_row, at(day, 10), at(day, 11), "Kerhoilta", actor, utcnow(),
                                          headcount=12, purpose="Kerho")
        db.session.commit()
        assert booking.starts_at == at(day, 10).astimezone(timezone.utc)
        assert booking.block_ends_at - booking.ends_at == timedelta(minutes=15)
        assert booking.headcount == 12 and booking.created_by_id == staff.id


@pytest.mark.parametrize("start_h, end_h, expected_conflict", [
    (10, 11, True),   # same
    (9, 11, True),    # covers the start
    (10, 12, True),
    (11, 12, False),  # touching half-open intervals
    (9, 10, False),
])
def test_overlap_is_refused_touching_is_accepted(app, make, staff, start_h, end_h, expected_conflict):
    space = make.space()
    day = next_weekday(2)
    existing = make.booking(space, at(day, 10), at(day, 11))
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        if expected_conflict:
            with pytest.raises(services.BookingConflict) as info:
                services.create_booking(space_row, at(day, start_h), at(day, end_h), "X", actor, utcnow())
            body = info.value.to_json()
            assert info.value.status == 409 and body["error"] == "conflict"
            assert body["conflicts"][0]["booking_id"] == existing.id
            assert body["conflicts"][0]["start"] == at(day, 10).isoformat()
            db.session.rollback()
            assert _count(db.session) == 1
        else:
            services.create_booking(space_row, at(day, start_h), at(day, end_h), "X", actor, utcnow())
            db.session.commit()
            assert _count(db.session) == 2


def test_buffer_is_respected_both_ways(app, make, staff):
    space = make.space(buffer_minutes=30)
    day = next_weekday(3)
    make.booking(space, at(day, 10), at(day, 11))
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        for start, end in [(at(day, 11), at(day, 12)), (at(day, 11, 29), at(day, 12)), (at(day, 9), at(day, 10))]:
            with pytest.raises(services.BookingConflict):
                services.create_booking(space_row, start, end, "X", actor, utcnow())
        services.create_booking(space_row, at(day, 11, 30), at(day, 12), "ok after", actor, utcnow())
        services.create_booking(space_row, at(day, 8), at(day, 9, 30), "ok before", actor, utcnow())
        db.session.commit()
        assert _count(db.session) == 3


def test_cancelled_booking_frees_the_time(app, make, staff):
    space = make.space()
    day = next_weekday(1)
    make.booking(space, at(day, 10), at(day, 11), status="cancelled")
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        services.create_booking(space_row, at(day, 10), at(day, 11), "X", actor, utcnow())
        db.session.commit()


@pytest.mark.parametrize("case, field, code", [
    ("end_before_start", "end", "invalid_interval"),
    ("end_equals_start", "end", "invalid_interval"),
    ("outside_hours", "start", "outside_opening_hours"),
    ("weekend", "start", "outside_opening_hours"),
    ("beyond_horizon", "start", "beyond_horizon"),
    ("over_capacity", "headcount", "over_capacity"),
    ("in_the_past", "start", "in_the_past"),
    ("too_long", "end", "too_long"),
    ("too_short", "end", "too_short"),
    ("naive", "start", "invalid"),
    ("no_title", "title", "required"),
])
def test_bad_input_is_refused_and_nothing_written(app, make, staff, case, field, code):
    space = make.space(opening_hours=WEEKDAY_HOURS, capacity=10, min_duration_minutes=30,
                       max_duration_minutes=240)
    day = next_weekday(1)
    far = next_weekday(1, weeks=60)
    saturday = next_weekday(5)
    start, end, kwargs, title = at(day, 10), at(day, 11), {}, "Kerho"
    if case == "end_before_start":
        end = at(day, 9)
    elif case == "end_equals_start":
        end = start
    elif case == "outside_hours":
        start, end = at(day, 19), at(day, 21)
    elif case == "weekend":
        start, end = at(saturday, 10), at(saturday, 11)
    elif case == "beyond_horizon":
        start, end = at(far, 10), at(far, 11)
    elif case == "over_capacity":
        kwargs["headcount"] = 11
    elif case == "in_the_past":
        start, end = hel(2020, 1, 7, 10), hel(2020, 1, 7, 11)
    elif case == "too_long":
        end = at(day, 15)
    elif case == "too_short":
        end = at(day, 10, 15)
    elif case == "naive":
        start = start.replace(tzinfo=None)
    elif case == "no_title":
        title = "  "
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        with pytest.raises(ValidationError) as info:
            services.create_booking(space_row, start, end, title, actor, utcnow(), **kwargs)
        assert info.value.code == code and field in info.value.fields
        db.session.rollback()
        assert _count(db.session) == 0


def test_staff_override_outside_opening_hours_needs_a_reason(app, make, staff):
    space = make.space(opening_hours=WEEKDAY_HOURS)
    saturday = next_weekday(5)
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        with pytest.raises(ValidationError):
            services.create_booking(space_row, at(saturday, 10), at(saturday, 12), "X", actor, utcnow(),
                                    override_reason="   ")
        booking = services.create_booking(space_row, at(saturday, 10), at(saturday, 12), "Talkoot", actor,
                                          utcnow(), override_reason="Asukastalkoot, avaimet sovittu")
        assert booking.override_reason == "Asukastalkoot, avaimet sovittu"
        # strict=False (a meeting occurrence decides itself): no opening-hour rule, but never an overlap.
        other = next_weekday(6)
        services.create_booking(space_row, at(other, 22), at(other, 23), "Meeting", actor, utcnow(), strict=False)
        with pytest.raises(services.BookingConflict):
            services.create_booking(space_row, at(saturday, 11), at(saturday, 13), "X", actor, utcnow(),
                                    strict=False)


def test_ngo_user_cannot_book_directly(app, make):
    space = make.space()
    user = make.user("ngo")
    day = next_weekday(1)
    with app.app_context():
        with pytest.raises(Forbidden):
            services.create_booking(db.session.get(Space, space.id), at(day, 10), at(day, 11), "X",
                                    db.session.get(User, user.id), utcnow())


def test_staff_may_book_a_year_ahead_even_with_a_short_space_horizon(app, make, staff):
    space = make.space(booking_horizon_days=30)
    day = next_weekday(2, weeks=50)
    with app.app_context():
        services.create_booking(db.session.get(Space, space.id), at(day, 10), at(day, 11), "X",
                                db.session.get(User, staff.id), utcnow())


def test_holidays_closed_by_default_and_exceptions_apply(app, make, staff):
    space = make.space(opening_hours={d: [["08:00", "20:00"]] for d in services.WEEKDAYS},
                       closed_on_holidays=True)
    # Finland's Independence Day, 6 December, next year it is in the future
    year = datetime.now(HEL).year + 1
    holiday = date(year, 12, 6)
    closed_day = next_weekday(2)
    short_day = next_weekday(3)
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        services.set_space_exception(space_row, closed_day, None, actor=actor, note="Remontti")
        services.set_space_exception(space_row, short_day, [["12:00", "14:00"]], actor=actor)
        db.session.commit()
        for start, end in [(at(holiday, 10), at(holiday, 11)), (at(closed_day, 10), at(closed_day, 11)),
                           (at(short_day, 10), at(short_day, 11))]:
            if start - utcnow() > timedelta(days=365):
                continue
            with pytest.raises(ValidationError) as info:
                services.create_booking(space_row, start, end, "X", actor, utcnow())
            assert info.value.code == "outside_opening_hours"
        services.create_booking(space_row, at(short_day, 12), at(short_day, 14), "ok", actor, utcnow())
        # an exception opens a holiday
        if at(holiday, 10) - utcnow() < timedelta(days=365):
            services.set_space_exception(space_row, holiday, [["10:00", "12:00"]], actor=actor)
            services.create_booking(space_row, at(holiday, 10), at(holiday, 12), "ok", actor, utcnow())


def test_open_intervals_merge_midnight_and_respect_dst(make, app):
    space = make.space(opening_hours={"sat": [["18:00", "24:00"]], "sun": [["00:00", "02:00"]]})
    with app.app_context():
        row = db.session.get(Space, space.id)
        # The last Sunday of October 2026 is 25 October: clocks go back at 04:00.
        intervals = services.open_intervals(row, hel(2026, 10, 24), hel(2026, 10, 26))
        assert intervals == [(hel(2026, 10, 24, 18).astimezone(timezone.utc),
                              hel(2026, 10, 25, 2).astimezone(timezone.utc))]


def test_no_opening_hours_means_any_hour(app, make, staff):
    space = make.space()
    day = next_weekday(6)
    with app.app_context():
        services.create_booking(db.session.get(Space, space.id), at(day, 2), at(day, 5), "Yö",
                                db.session.get(User, staff.id), utcnow())


def test_recurring_all_or_nothing_then_skip_conflicts(app, make, staff):
    space = make.space()
    first = next_weekday(1)
    taken = first + timedelta(weeks=2)
    make.booking(space, at(taken, 17, 30), at(taken, 18, 30), title="Varattu")
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        with pytest.raises(services.BookingConflict) as info:
            services.create_recurring_booking(space_row, at(first, 17), at(first, 19), "Kuoro", actor, utcnow(),
                                              rrule="FREQ=WEEKLY;COUNT=5")
        assert [c.requested_start for c in info.value.conflicts] == [at(taken, 17).astimezone(timezone.utc)]
        db.session.rollback()
        assert _count(db.session) == 1
        result = services.create_recurring_booking(space_row, at(first, 17), at(first, 19), "Kuoro", actor,
                                                   utcnow(), rrule="FREQ=WEEKLY;COUNT=5", skip_conflicts=True)
        db.session.commit()
        assert len(result.bookings) == 4 and result.group_id
        assert [(s.start, s.reason) for s in result.skipped] == [(at(taken, 17).astimezone(timezone.utc), "conflict")]
        assert {b.group_id for b in result.bookings} == {result.group_id}
        assert _count(db.session) == 5


def test_recurring_keeps_wall_clock_time_across_dst(app, make, staff):
    space = make.space()
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        now = hel(2026, 10, 1, 9)
        result = services.create_recurring_booking(space_row, hel(2026, 10, 20, 17), hel(2026, 10, 20, 19), "X",
                                                   actor, now, rrule="FREQ=WEEKLY;COUNT=2")
        assert [b.starts_at.astimezone(HEL).hour for b in result.bookings] == [17, 17]
        assert [b.starts_at.astimezone(HEL).utcoffset() for b in result.bookings] == [timedelta(hours=3),
                                                                                     timedelta(hours=2)]


def test_recurring_closed_dates_refused_or_skipped(app, make, staff):
    space = make.space(opening_hours=WEEKDAY_HOURS)
    first = next_weekday(0)
    closed = first + timedelta(weeks=1)
    with app.app_context():
        actor, space_row = db.session.get(User, staff.id), db.session.get(Space, space.id)
        services.set_space_exception(space_row, closed, None, actor=actor)
        with pytest.raises(ValidationError) as info:
            services.create_recurring_booking(space_row, at(first, 10), at(first, 11), "X", actor, utcnow(),
                                              rrule="FREQ=WEEKLY;COUNT=3")
        assert info.value.code == "outside_opening_hours"
        result = services.create_recurring_booking(space_row, at(first, 10), at(first, 11), "X", actor, utcnow(),
                                                   rrule="FREQ=WEEKLY;COUNT=3", skip_conflicts=True)
        assert len(result.bookings) == 2 and [s.reason for s in result.skipped] == ["closed"]


@pytest.mark.parametrize("rrule, code", [("FREQ=WEEKLY", "no_end"), ("FREQ=HOURLY;COUNT=3", "sub_daily"),
                                         ("NONSENSE", "invalid_rrule"), ("FREQ=WEEKLY;COUNT=80", "beyond_horizon")])
def test_recurring_rule_errors(app, make, staff, rrule, code):
    space = make.space()
    first = next_weekday(1, weeks=20)
    with app.app_context():
        with pytest.raises(ValidationError) as info:
            services.create_recurring_booking(db.session.get(Space, space.id), at(first, 10), at(first, 11), "X",
                                              db.session.get(User, staff.id), utcnow(), rrule=rrule)
        assert info.value.code == code and "rrule" in info.value.fields
        db.session.rollback()
        assert _count(db.session) == 0


def test_move_and_cancel(app, make, staff):
    space = make.space()
    day = next_weekday(1)
    other = make.booking(space, at(day, 12), at(day, 13))
    mine = make.booking(space, at(day, 10), at(day, 11))
    with app.app_context():
        actor = db.session.get(User, staff.id)
        booking = db.session.get(Booking, mine.id)
        services.move_booking(booking, at(day, 10, 30), at(day, 11, 30), actor, utcnow())  # overlaps itself only
        assert booking.sequence == 1
        with pytest.raises(services.BookingConflict) as info:
            services.move_booking(booking, at(day, 12), at(day, 13), actor, utcnow())
        assert info.value.conflicts[0].booking_id == other.id
        db.session.commit()
        booking = db.session.get(Booking, mine.id)
        assert booking.starts_at == at(day, 10, 30).astimezone(timezone.utc)
        services.cancel_booking(db.session.get(Booking, other.id), actor, utcnow(), reason="Peruttu")
        services.move_booking(booking, at(day, 12), at(day, 13), actor, utcnow())
        db.session.commit()
        with pytest.raises(Conflict):
            services.move_booking(db.session.get(Booking, other.id), at(day, 15), at(day, 16), actor, utcnow())


def test_find_conflicts_uses_the_block_index(make, app):
    """A bounded range of ix_bookings_space_block (bench/bookings.py shows it stays flat at 100,000 rows)."""
    space = make.space()
    with app.app_context():
        query = services._live_blocks_query(space.id, hel(2026, 1, 1), hel(2026, 1, 2))
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("SET LOCAL enable_seqscan = off"))  # a tiny table would be scanned
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        plan = " ".join(str(row) for row in db.session.execute(db.text(explain + sql)))
        assert "ix_bookings_space_block" in plan, plan
        assert "block_starts_at >" in plan.replace('"', "") or "block_starts_at>" in plan, plan


def test_availability_busy_open_free(app, make):
    space = make.space(opening_hours=WEEKDAY_HOURS, buffer_minutes=30)
    day = next_weekday(1)
    make.booking(space, at(day, 10), at(day, 11))
    with app.app_context():
        result = services.availability(db.session.get(Space, space.id), at(day, 0), at(day + timedelta(days=1), 0))
        utc = timezone.utc
        assert result.busy == [(at(day, 10).astimezone(utc), at(day, 11).astimezone(utc))]
        assert result.open == [(at(day, 8).astimezone(utc), at(day, 20).astimezone(utc))]
        assert result.free == [(at(day, 8).astimezone(utc), at(day, 9, 30).astimezone(utc)),
                               (at(day, 11, 30).astimezone(utc), at(day, 20).astimezone(utc))]


def test_range_is_bounded():
    now = utcnow()
    with pytest.raises(ValidationError) as info:
        services.check_range(now, now + timedelta(days=367), now=now)
    assert "to" in info.value.fields
    with pytest.raises(ValidationError):
        services.check_range(now, now - timedelta(hours=1), now=now)


def test_find_free_spaces(app, make):
    day = next_weekday(2)
    big = make.space(name="Iso sali", capacity=50, district="eastern", opening_hours=WEEKDAY_HOURS)
    small = make.space(name="Pieni", capacity=8, district="eastern")
    busy = make.space(name="Varattu sali", capacity=60, district="eastern")
    elsewhere = make.space(name="Muualla", capacity=60, district="western")
    make.booking(busy, at(day, 17), at(day, 19))
    with app.app_context():
        found = services.find_free_spaces(20, "eastern", at(day, 18), at(day, 19, 30))
        assert [s.id for s in found] == [big.id]
        found = services.find_free_spaces(20, "eastern", at(day, 20), at(day, 21))  # big is closed at 20
        assert [s.id for s in found] == [busy.id]
        found = services.find_free_spaces(None, None, at(day, 9), at(day, 10))
        assert {s.id for s in found} == {big.id, small.id, busy.id, elsewhere.id}


def test_week_view_cells(app, make):
    space = make.space(opening_hours={"mon": [["09:00", "12:00"]]})
    monday = next_weekday(0)
    make.booking(space, at(monday, 10), at(monday, 10, 30))
    with app.app_context():
        view = services.week_view(db.session.get(Space, space.id), monday + timedelta(days=3))
        assert view.monday == monday and view.hours == [9, 10, 11]
        states = [row[0].state for row in view.rows]
        assert states == ["free", "partly", "free"]
        assert all(row[1].state == "closed" for row in view.rows)
        assert view.previous_monday == monday - timedelta(days=7)


def test_space_data_validation():
    with pytest.raises(ValidationError) as info:
        services.clean_space_data({"name": "", "address": "", "capacity": 0, "district": "mars",
                                   "opening_hours": {"xyz": []}, "buffer_minutes": -1,
                                   "latitude": 200, "longitude": 24.9})
    assert {"name", "address", "capacity", "district", "opening_hours", "buffer_minutes",
            "latitude"} <= set(info.value.fields)
    data = services.clean_space_data({"name": "Tila", "address": "Katu 1", "capacity": "12",
                                      "opening_hours": {"mon": [["8.00", "12:00"], ["13:00", "24:00"]]}})
    assert data.opening_hours == {"mon": [["08:00", "12:00"], ["13:00", "24:00"]]}
    assert data.closed_on_holidays is True
    assert services.clean_space_data({"name": "T", "address": "K", "capacity": 3}).closed_on_holidays is False
    with pytest.raises(ValidationError):
        services.clean_space_data({"name": "T", "address": "K", "capacity": 3,
                                   "opening_hours": {"mon": [["12:00", "10:00"]]}})


def test_parse_hours_text():
    assert services.parse_hours_text("8-12, 13:00–20:00") == [["08:00", "12:00"], ["13:00", "20:00"]]
    assert services.parse_hours_text("") == []
    with pytest.raises(ValueError):
        services.parse_hours_text("8-12-14")
    with pytest.raises(ValueError):
        services.parse_hours_text("10-12, 11-13")


def test_week_view_marks_past_hours_but_keeps_bookings(make, app):
    space = make.space()
    monday = next_weekday(0)
    make.booking(space, at(monday, 9), at(monday, 10))
    with app.app_context():
        view = services.week_view(db.session.get(Space, space.id), monday, now=at(monday, 12))
        by_hour = {hour: row for hour, row in zip(view.hours, view.rows)}
        assert by_hour[9][0].state == "booked" and by_hour[10][0].state == "past"
        assert by_hour[12][0].state == "free" and by_hour[10][1].state == "free"
