"""A meeting held in a resident space books it (issue 5): services without HTTP, on both databases.

Creating, moving, cancelling, re-timing a series or changing its space keeps exactly one live
booking per upcoming occurrence; a staff action that conflicts writes nothing; the scheduled
materialisation is lenient and leaves a visible flag; two staff racing for one slot: one wins.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.meetings import services, space_bookings
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces import services as spaces
from app.spaces.models import Booking, Space
from app.spaces.services import BookingConflict
from config import TestingConfig

HEL = ZoneInfo("Europe/Helsinki")
UTC = timezone.utc
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
# 2nd Tuesday of the month, 17:00–19:00 Helsinki: 13.10.2026, 10.11.2026, 8.12.2026, ...
FIRST = datetime(2026, 10, 13, 17, 0, tzinfo=HEL)
SECOND = datetime(2026, 11, 10, 17, 0, tzinfo=HEL)


def raw(space_id, **overrides):
    values = {"title_fi": "Asukastilojen verkosto", "start_local": "2026-10-13T17:00",
              "timezone": "Europe/Helsinki", "duration_minutes": 120, "rrule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
              "capacity": 30, "space_id": space_id, "status": "published"}
    values.update(overrides)
    return values


@pytest.fixture
def staff(make):
    return make.user("staff")


@pytest.fixture
def space(make, app):
    return make.space(name="Kontulan asukastila")


def _actor(user):
    return db.session.get(User, user.id)


def create(staff_user, space_id, now=NOW, **overrides):
    data = services.clean_series_data(raw(space_id, **overrides), now=now)
    return services.create_series(data, actor=_actor(staff_user), now=now)


def occurrences(series_id):
    return list(db.session.scalars(select(MeetingOccurrence).where(MeetingOccurrence.series_id == series_id)
                                   .order_by(MeetingOccurrence.starts_at)))


def live_bookings(space_id):
    return list(db.session.scalars(select(Booking).where(Booking.space_id == space_id,
                                                         Booking.status == "confirmed")
                                   .order_by(Booking.starts_at)))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_series_in_a_space_books_every_occurrence(staff, space, ctx):
    series = create(staff, space.id)
    ctx.commit()
    rows = occurrences(series.id)
    assert len(rows) == 4
    bookings = live_bookings(space.id)
    assert [(b.starts_at, b.ends_at) for b in bookings] == [(o.starts_at, o.ends_at) for o in rows]
    for occurrence in rows:
        booking = db.session.get(Booking, occurrence.booking_id)
        assert booking.status == "confirmed" and booking.space_id == space.id
        assert booking.title == "Asukastilojen verkosto"
        assert f"/meetings/occurrences/{occurrence.id}" in booking.notes
        assert booking.override_reason is None  # the space is open at any hour
    assert rows[0].starts_at == FIRST.astimezone(UTC)
    assert space_bookings.unbooked_occurrence_ids(series, NOW) == set()


def test_outside_opening_hours_is_booked_with_an_automatic_reason(make, staff, app, ctx):
    space = make.space(name="Maunulan asukastila",
                       opening_hours={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    series = create(staff, space.id)  # 17:00–19:00 runs past the 18:00 closing
    bookings = live_bookings(space.id)
    assert len(bookings) == 4
    assert {b.override_reason for b in bookings} == {"Meeting: Asukastilojen verkosto"}
    services.move_occurrence(occurrences(series.id)[0], starts_at=FIRST - timedelta(hours=3),
                             ends_at=FIRST - timedelta(hours=1), actor=_actor(staff), now=NOW)
    assert db.session.get(Booking, occurrences(series.id)[0].booking_id).override_reason is None


def test_move_moves_the_booking(staff, space, ctx):
    series = create(staff, space.id)
    first = occurrences(series.id)[0]
    booking_id = first.booking_id
    new_start = FIRST + timedelta(days=1, hours=1)
    services.move_occurrence(first, starts_at=new_start, ends_at=new_start + timedelta(hours=2),
                             actor=_actor(staff), now=NOW)
    ctx.commit()
    booking = db.session.get(Booking, booking_id)
    assert first.booking_id == booking_id
    assert (booking.starts_at, booking.ends_at) == (new_start.astimezone(UTC),
                                                    (new_start + timedelta(hours=2)).astimezone(UTC))
    assert booking.sequence == 1 and booking.status == "confirmed"
    assert len(live_bookings(space.id)) == 4
    # The old slot is free again.
    assert spaces.find_conflicts(db.session.get(Space, space.id), FIRST, FIRST + timedelta(hours=2)) == []


def test_move_into_a_taken_slot_is_a_conflict_and_changes_nothing(make, staff, space, app):
    taken = FIRST + timedelta(days=2)
    make.booking(space, taken, taken + timedelta(hours=3), title="Kirpputori")
    with app.app_context():
        series = create(staff, space.id)
        db.session.commit()
        first = occurrences(series.id)[0]
        with pytest.raises(BookingConflict) as caught:
            services.move_occurrence(first, starts_at=taken + timedelta(hours=1),
                                     ends_at=taken + timedelta(hours=2), actor=_actor(staff), now=NOW)
        db.session.rollback()
        assert [(c.start, c.end) for c in caught.value.conflicts] == [
            (taken.astimezone(UTC), (taken + timedelta(hours=3)).astimezone(UTC))]
        first = occurrences(series.id)[0]
        assert first.starts_at == FIRST.astimezone(UTC) and not first.moved
        assert db.session.get(Booking, first.booking_id).starts_at == FIRST.astimezone(UTC)


def test_cancel_frees_the_slot(staff, space, ctx):
    series = create(staff, space.id)
    first = occurrences(series.id)[0]
    booking_id = first.booking_id
    services.cancel_occurrence(first, reason="Sairastuminen", actor=_actor(staff), now=NOW)
    ctx.commit()
    assert first.booking_id is None
    assert db.session.get(Booking, booking_id).status == "cancelled"
    # Another booking can now take the slot.
    other = spaces.create_booking(db.session.get(Space, space.id), FIRST, FIRST + timedelta(hours=2),
                                  "Perhekahvila", _actor(staff), NOW, strict=False)
    assert other.status == "confirmed"
    # The flag is for scheduled dates only: a cancelled one is not "unbooked".
    assert space_bookings.unbooked_occurrence_ids(series, NOW) == set()
    # A booking cancelled from the space's pages leaves its (scheduled) meeting flagged.
    second = occurrences(series.id)[1]
    spaces.cancel_booking(db.session.get(Booking, second.booking_id), _actor(staff), NOW)
    assert space_bookings.unbooked_occurrence_ids(series, NOW) == {second.id}


def test_conflicting_staff_creation_writes_nothing(make, staff, space, app):
    make.booking(space, SECOND - timedelta(minutes=30), SECOND + timedelta(minutes=30), title="Kuoro")
    third = datetime(2026, 12, 8, 18, 0, tzinfo=HEL)
    make.booking(space, third, third + timedelta(hours=1), title="Kuoro")
    with app.app_context():
        before = (count(MeetingSeries), count(MeetingOccurrence), count(Booking))
        with pytest.raises(BookingConflict) as caught:
            create(staff, space.id)
        db.session.rollback()
        # Every conflicting date is listed, not only the first one.
        assert sorted(c.requested_start for c in caught.value.conflicts) == [
            SECOND.astimezone(UTC), datetime(2026, 12, 8, 17, 0, tzinfo=HEL).astimezone(UTC)]
        body = caught.value.to_json()
        assert body["error"] == "conflict"
        assert body["conflicts"][0]["start"] == "2026-11-10T16:30:00+02:00"
        assert (count(MeetingSeries), count(MeetingOccurrence), count(Booking)) == before == (0, 0, 2)


def test_changing_the_space_moves_the_bookings(make, staff, space, app):
    other = make.space(name="Vuosaaren asukastila")
    with app.app_context():
        series = create(staff, space.id)
        db.session.commit()
        data = services.clean_series_data({"space_id": other.id}, now=NOW, current=series)
        services.update_series(series, data, actor=_actor(staff), now=NOW)
        db.session.commit()
        assert live_bookings(space.id) == []
        moved = live_bookings(other.id)
        assert [(b.starts_at, b.ends_at) for b in moved] == [(o.starts_at, o.ends_at) for o in occurrences(series.id)]
        assert {o.booking_id for o in occurrences(series.id)} == {b.id for b in moved}
        # No space any more (an address instead): the bookings are freed.
        data = services.clean_series_data({"space_id": None, "location": "Kaupungintalo"}, now=NOW, current=series)
        services.update_series(series, data, actor=_actor(staff), now=NOW)
        db.session.commit()
        assert live_bookings(other.id) == []
        assert all(o.booking_id is None for o in occurrences(series.id))
        assert space_bookings.unbooked_occurrence_ids(series, NOW) == set()


def test_changing_the_space_into_a_taken_slot_is_refused(make, staff, space, app):
    other = make.space(name="Vuosaaren asukastila")
    make.booking(other, SECOND, SECOND + timedelta(hours=1), title="Kuoro")
    with app.app_context():
        series = create(staff, space.id)
        db.session.commit()
        data = services.clean_series_data({"space_id": other.id}, now=NOW, current=series)
        with pytest.raises(BookingConflict):
            services.update_series(series, data, actor=_actor(staff), now=NOW)
        db.session.rollback()
        assert db.session.get(MeetingSeries, series.id).space_id == space.id
        assert len(live_bookings(space.id)) == 4 and len(live_bookings(other.id)) == 1


def test_new_time_moves_the_bookings_and_cancelling_the_series_frees_them(staff, space, ctx):
    series = create(staff, space.id)
    data = services.clean_series_data({"start_local": "2026-10-13T15:00"}, now=NOW, current=series)
    services.update_series(series, data, actor=_actor(staff), now=NOW)
    ctx.commit()
    bookings = live_bookings(space.id)
    rows = occurrences(series.id)
    assert [(b.starts_at, b.ends_at) for b in bookings] == [(o.starts_at, o.ends_at) for o in rows]
    assert rows[0].starts_at == datetime(2026, 10, 13, 15, 0, tzinfo=HEL).astimezone(UTC)
    assert len(bookings) == 4
    services.set_series_status(series, "cancelled", actor=_actor(staff), now=NOW)
    ctx.commit()
    assert live_bookings(space.id) == []


def test_materialise_cli_is_lenient_and_flags_the_unbooked_date(app, make, runner, space):
    series = make.series(space_id=space.id, location=None, occurrences=1, rrule="FREQ=WEEKLY")
    start = datetime.combine(series.start_local.date() + timedelta(weeks=4), series.start_local.time(), HEL)
    make.booking(space, start + timedelta(minutes=30), start + timedelta(hours=1), title="Kuoro")
    result = runner.invoke(args=["meetings", "materialise"])
    assert result.exit_code == 0, result.output
    assert "1 upcoming occurrences could not book their space" in result.output
    with app.app_context():
        rows = occurrences(series.id)
        assert len(rows) > 10
        unbooked = [o for o in rows if o.booking_id is None]
        assert [o.starts_at for o in unbooked] == [start.astimezone(UTC)]
        assert len(live_bookings(space.id)) == len(rows)  # the others (also the factory's first) + Kuoro
        flagged = space_bookings.unbooked_occurrence_ids(db.session.get(MeetingSeries, series.id),
                                                         datetime.now(UTC))
        assert flagged == {unbooked[0].id}
    # The slot frees up: the next run books it and the flag goes away.
    with app.app_context():
        db.session.execute(db.update(Booking).where(Booking.title == "Kuoro").values(status="cancelled"))
        db.session.commit()
    result = runner.invoke(args=["meetings", "materialise"])
    assert result.exit_code == 0 and "could not book" not in result.output
    with app.app_context():
        assert all(o.booking_id is not None for o in occurrences(series.id))


def test_staff_page_warns_about_an_unbooked_date(app, make, client, login, space):
    series = make.series(space_id=space.id, location=None, occurrences=2)
    user = make.user("staff")
    login(user)
    body = client.get(f"/meetings/manage/{series.id}?lang=en").get_data(as_text=True)
    # No conflict to speak of (issue 17): the dates are just not booked, and can be booked again.
    assert 'id="space-not-booked"' in body and "conflict" not in body and body.count("Book the space again") == 2
    with app.app_context():
        space_bookings.sync_series(db.session.get(MeetingSeries, series.id), None, datetime.now(UTC))
        db.session.commit()
    body = client.get(f"/meetings/manage/{series.id}?lang=en").get_data(as_text=True)
    assert "space-not-booked" not in body and "space not booked" not in body


def _create_in_thread(app, staff_id, space_id, start_local, barrier, results, index):
    with app.app_context():
        try:
            sqlite = db.engine.dialect.name == "sqlite"
            if not sqlite:
                actor = db.session.get(User, staff_id)
            barrier.wait(timeout=60)
            if sqlite:  # on SQLite the first read takes the write lock: read after the barrier
                actor = db.session.get(User, staff_id)
            data = services.clean_series_data(raw(space_id, start_local=start_local, rrule="FREQ=WEEKLY;COUNT=3",
                                                  title_fi=f"Kilpa {index}"), now=NOW)
            services.create_series(data, actor=actor, now=NOW)
            db.session.commit()
            results[index] = "ok"
        except BookingConflict:
            db.session.rollback()
            results[index] = "conflict"
        except Exception as exc:  # noqa: BLE001 - reported to the test
            db.session.rollback()
            results[index] = f"error: {type(exc).__name__}: {exc}"
        finally:
            db.session.remove()


@pytest.mark.slow
def test_two_staff_racing_for_one_slot_one_wins(app, make, space):
    staff = make.user("staff")
    racing = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                        "SERVER_NAME": None, "BASE_URL": "http://kohtaamo.test"})
    with app.app_context():
        services.ensure_default_themes()
        db.session.commit()
    barrier = threading.Barrier(2)
    results = [""] * 2
    # Overlapping by an hour on every date: exactly one of the two series may be created.
    threads = [threading.Thread(target=_create_in_thread,
                                args=(racing, staff.id, space.id, start, barrier, results, i))
               for i, start in enumerate(("2026-10-13T17:00", "2026-10-13T18:00"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with racing.app_context():
        db.engine.dispose()
    assert sorted(results) == ["conflict", "ok"], results
    with app.app_context():
        assert count(MeetingSeries) == 1 and count(MeetingOccurrence) == 3
        assert len(live_bookings(space.id)) == 3
