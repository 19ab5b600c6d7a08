"""Booking requests without HTTP (rules, mail in the outbox, races between deciders) and demo data."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.types import utcnow
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.mail.models import OutboxMessage
from app.spaces import services
from app.spaces.models import Booking, BookingRequest, Space, SpaceException
from tests.timeutil import WEEKDAY_HOURS, at, next_weekday


def _request(space_id, user_id, day, **kwargs):
    values = dict(title="Kerho", purpose="Kerhoilta", headcount=10)
    values.update(kwargs)
    return services.create_booking_request(db.session.get(Space, space_id), at(day, 10), at(day, 12),
                                           actor=db.session.get(User, user_id), now=utcnow(), **values)


def test_request_mails_requester_and_all_staff_without_manager(app, make):
    staff_a, staff_b = make.user("staff", locale="sv"), make.user("admin")
    ngo = make.user("ngo", locale="en")
    space = make.space()
    day = next_weekday(2)
    with app.app_context():
        req = _request(space.id, ngo.id, day)
        db.session.commit()
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.recipient, r.kind) for r in rows] == [
            (ngo.email, "booking_request_received"), (staff_a.email, "booking_request_notice"),
            (staff_b.email, "booking_request_notice")]
        assert "Kalasataman asukastila" in rows[0].subject and "Kerhoilta" in rows[1].text_body
        assert req.status == "pending" and req.booking_id is None


def test_approve_creates_booking_once(app, make):
    staff = make.user("staff")
    ngo = make.user("ngo", organization=make.organization())
    space = make.space()
    day = next_weekday(3)
    with app.app_context():
        req = _request(space.id, ngo.id, day)
        booking = services.approve_booking_request(req, db.session.get(User, staff.id), utcnow())
        db.session.commit()
        assert req.status == "approved" and req.booking_id == booking.id and req.decided_by_id == staff.id
        assert booking.organization_id == ngo.organization_id and booking.headcount == 10
        with pytest.raises(Conflict):
            services.approve_booking_request(req, db.session.get(User, staff.id), utcnow())
        with pytest.raises(Conflict):
            services.decline_booking_request(req, db.session.get(User, staff.id), utcnow(), reason="x")
        assert db.session.scalar(select(func.count(Booking.id))) == 1
        # moving or cancelling a booking that came from a request tells the requester
        services.move_booking(booking, at(day, 13), at(day, 15), db.session.get(User, staff.id), utcnow())
        moved = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_moved"))
        assert moved.recipient == ngo.email and "13.00" in moved.text_body and "10.00" in moved.text_body
        services.cancel_booking(booking, db.session.get(User, staff.id), utcnow(), reason="Vesivahinko")
        db.session.commit()
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_cancelled"))
        assert mail.recipient == ngo.email and "Vesivahinko" in mail.text_body


def test_approval_of_a_taken_time_is_a_conflict_and_request_stays_pending(app, make):
    staff = make.user("staff")
    ngo = make.user("ngo")
    space = make.space()
    day = next_weekday(1)
    with app.app_context():
        req = _request(space.id, ngo.id, day)
        db.session.commit()
        req_id = req.id
    make.booking(space, at(day, 11), at(day, 13))
    with app.app_context():
        req = db.session.get(BookingRequest, req_id)
        with pytest.raises(services.BookingConflict) as info:
            services.approve_booking_request(req, db.session.get(User, staff.id), utcnow())
        with force_locale("en"):  # messages are lazy: rendered in the locale asked for
            assert "no longer free" in str(info.value.message) and info.value.conflicts
        db.session.rollback()
        assert db.session.get(BookingRequest, req_id).status == "pending"


def test_request_rules(app, make):
    ngo = make.user("ngo")
    other = make.user("ngo")
    staff = make.user("staff")
    space = make.space(opening_hours=WEEKDAY_HOURS, capacity=10, booking_horizon_days=30)
    day = next_weekday(1)
    far = next_weekday(1, weeks=8)
    saturday = next_weekday(5)
    with app.app_context():
        with pytest.raises(ValidationError) as info:
            _request(space.id, ngo.id, day, headcount=11)
        assert info.value.code == "over_capacity"
        with pytest.raises(ValidationError) as info:
            _request(space.id, ngo.id, far)
        assert info.value.code == "beyond_horizon"  # the space's own horizon applies to NGOs
        with pytest.raises(ValidationError) as info:
            _request(space.id, ngo.id, saturday)
        assert info.value.code == "outside_opening_hours"
        with pytest.raises(ValidationError) as info:
            _request(space.id, ngo.id, day, purpose=" ", title="")
        assert set(info.value.fields) == {"purpose", "title"}
        db.session.rollback()
        assert db.session.scalar(select(func.count(BookingRequest.id))) == 0
        req = _request(space.id, ngo.id, day)
        with pytest.raises(Forbidden):
            services.withdraw_booking_request(req, db.session.get(User, other.id), utcnow())
        with pytest.raises(ValidationError):
            services.decline_booking_request(req, db.session.get(User, staff.id), utcnow(), reason="  ")
        with pytest.raises(Forbidden):
            services.approve_booking_request(req, db.session.get(User, ngo.id), utcnow())
        services.withdraw_booking_request(req, db.session.get(User, ngo.id), utcnow())
        assert req.status == "withdrawn"
        with pytest.raises(Conflict):
            services.approve_booking_request(req, db.session.get(User, staff.id), utcnow())


def test_demo_data_is_idempotent(app):
    from app.demo import load_demo_data

    with app.app_context():
        load_demo_data()
        db.session.commit()
        counts = [db.session.scalar(select(func.count(m.id))) for m in (Space, Booking, SpaceException)]
        load_demo_data()
        db.session.commit()
        assert [db.session.scalar(select(func.count(m.id))) for m in (Space, Booking, SpaceException)] == counts
        assert counts[0] == 4 and counts[1] >= 10 and counts[2] == 1
        names = set(db.session.scalars(select(Space.name)))
        assert {"Kalasataman asukastila", "Maunulan asukastila"} <= names


def test_demo_spaces_have_swedish_and_english_names(app):
    from app.demo import load_demo_data

    with app.app_context():
        load_demo_data()
        db.session.commit()
        space = db.session.scalar(select(Space).where(Space.name == "Kalasataman asukastila"))
        assert space.name_sv == "Fiskehamnens invånarlokal" and space.name_in("sv") == "Fiskehamnens invånarlokal"
        assert space.name_in("en") == "Kalasatama residents' space" and space.name_in("fi") == space.name
        assert space.address_in("en") == space.address  # no English address: the Finnish one
