"""Resident-space pages: public list/detail/week view/finder, staff forms and bookings, NGO requests."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.spaces.models import Booking, BookingRequest, Space, SpaceException
from tests.timeutil import WEEKDAY_HOURS, at, next_weekday


@pytest.fixture
def english(client):
    """Anonymous pages in English (the catalogues for new strings are filled after merging)."""
    with client.session_transaction() as session:
        session["lang"] = "en"


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def _staff(make, login):
    user = make.user("staff", locale="en")
    login(user)
    return user


def test_nav_items_by_role(client, make, login, english):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/spaces/"' in html and "Resident spaces" in html and "Booking requests" not in html
    login(make.user("ngo", locale="en"))
    html = client.get("/").get_data(as_text=True)
    assert "My booking requests" in html and 'href="/booking-requests/mine"' in html
    login(make.user("staff", locale="en"))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/booking-requests/"' in html and "My booking requests" not in html


def test_public_list_filters_by_district_and_accessibility(make, app, client, english):
    make.space(name="Kalasataman asukastila", district="central", accessibility={"step_free": True})
    make.space(name="Maunulan asukastila", district="northern", accessibility={"step_free": False})
    html = client.get("/spaces/").get_data(as_text=True)
    assert "Kalasataman asukastila" in html and "Maunulan asukastila" in html
    html = client.get("/spaces/?district=northern").get_data(as_text=True)
    assert "Maunulan" in html and "Kalasataman" not in html
    html = client.get("/spaces/?accessibility=step_free").get_data(as_text=True)
    assert "Kalasataman" in html and "Maunulan" not in html
    assert "No spaces match the filters." in client.get("/spaces/?district=ostersundom").get_data(as_text=True)


def test_detail_has_facts_hours_and_accessible_week_view(make, app, client, english):
    space = make.space(opening_hours=WEEKDAY_HOURS, accessibility={"induction_loop": True},
                       equipment=["projector"], description_en="A bright room by the sea.")
    monday = next_weekday(0)
    make.booking(space, at(monday, 10), at(monday, 11), title="Salainen otsikko")
    html = client.get(f"/spaces/{space.id}?week={monday.isoformat()}").get_data(as_text=True)
    assert "A bright room by the sea." in html and "Induction loop: yes" in html and "Projector" in html
    assert "8.00–20.00" in html
    assert "<caption" in html and '<th scope="col">' in html and '<th scope="row">' in html
    assert "Booked" in html and "Free" in html and "Closed" in html
    assert "Salainen otsikko" not in html  # the public sees busy times, not titles
    assert f"week={(monday - timedelta(days=7)).isoformat()}" in html
    assert f"week={(monday + timedelta(days=7)).isoformat()}" in html
    assert client.get("/spaces/999").status_code == 404
    assert client.get(f"/spaces/{space.id}?week=garbage").status_code == 200


def test_staff_sees_titles_in_week_view(app, client, make, login):
    space = make.space()
    monday = next_weekday(0)
    make.booking(space, at(monday, 10), at(monday, 11), title="Kuoroharjoitus")
    _staff(make, login)
    assert "Kuoroharjoitus" in client.get(f"/spaces/{space.id}?week={monday.isoformat()}").get_data(as_text=True)


def test_finder_lists_free_spaces(make, app, client, english):
    day = next_weekday(2)
    make.space(name="Iso sali", capacity=40, district="eastern")
    busy = make.space(name="Varattu sali", capacity=40, district="eastern")
    make.space(name="Pieni huone", capacity=5, district="eastern")
    make.booking(busy, at(day, 17), at(day, 19))
    html = client.get(f"/spaces/find?capacity=20&district=eastern&date={day}&start_time=18:00&end_time=19:00"
                      ).get_data(as_text=True)
    assert "Iso sali" in html and "Varattu sali" not in html and "Pieni huone" not in html
    response = client.get(f"/spaces/find?capacity=&date={day}&start_time=18:00&end_time=19:00")
    assert response.status_code == 400 and "Enter the number of people." in response.get_data(as_text=True)


def test_staff_creates_space_with_hours_and_edits_it(app, client, make, login):
    _staff(make, login)
    response = client.post("/spaces/new", data={
        "name": "Vuosaaren asukastila", "address": "Kahvikuja 3", "district": "eastern", "capacity": "25",
        "accessibility": ["step_free", "accessible_toilet"], "equipment": ["kitchen"], "hours_mon": "8-16",
        "hours_tue": "08:00–12:00, 13:00–20:00", "closed_on_holidays": "y", "buffer_minutes": "15",
        "booking_horizon_days": "60"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        space = db.session.scalar(select(Space))
        assert space.opening_hours == {"mon": [["08:00", "16:00"]], "tue": [["08:00", "12:00"], ["13:00", "20:00"]]}
        assert space.accessibility["step_free"] is True and space.accessibility["induction_loop"] is False
        assert space.buffer_minutes == 15 and space.closed_on_holidays
        space_id = space.id
    edit = client.get(f"/spaces/{space_id}/edit").get_data(as_text=True)
    assert 'value="8.00–16.00"' in edit
    response = client.post(f"/spaces/{space_id}/edit", data={
        "name": "Vuosaaren asukastila", "address": "Kahvikuja 3", "capacity": "30", "always_open": "y"})
    assert response.status_code == 302
    with app.app_context():
        space = db.session.get(Space, space_id)
        assert space.opening_hours is None and space.capacity == 30


def test_space_form_errors_reshown_nothing_saved(app, client, make, login):
    _staff(make, login)
    response = client.post("/spaces/new", data={"name": "Huono", "address": "Katu", "capacity": "0",
                                                "hours_mon": "ysi–viisi"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="Huono"' in html
    assert "The capacity must be a whole number from 1 to 10000." in html
    assert _count(app, Space) == 0
    response = client.post("/spaces/new", data={"name": "Huono", "address": "Katu", "capacity": "5",
                                                "hours_mon": "ysi–viisi"})
    assert response.status_code == 400 and "is not a time of day" in response.get_data(as_text=True)
    assert _count(app, Space) == 0


def test_space_pages_need_staff(app, client, make, login):
    space = make.space()
    assert client.get("/spaces/new").status_code == 302  # to login
    login(make.user("ngo"))
    for url in ("/spaces/new", f"/spaces/{space.id}/edit", f"/spaces/{space.id}/bookings",
                f"/spaces/{space.id}/bookings/new", f"/spaces/{space.id}/exceptions", "/booking-requests/"):
        assert client.get(url).status_code == 403, url


def test_exception_days(app, client, make, login):
    space = make.space(opening_hours=WEEKDAY_HOURS)
    _staff(make, login)
    day = next_weekday(2)
    response = client.post(f"/spaces/{space.id}/exceptions", data={"day": day.isoformat(), "kind": "closed",
                                                                   "note": "Remontti"})
    assert response.status_code == 302
    response = client.post(f"/spaces/{space.id}/exceptions", data={"day": day.isoformat(), "kind": "hours",
                                                                   "hours": ""})
    assert response.status_code == 400
    html = client.get(f"/spaces/{space.id}").get_data(as_text=True)
    assert "Remontti" in html
    with app.app_context():
        row = db.session.scalar(select(SpaceException))
        assert row.closed and row.day == day
        row_id = row.id
    first = client.post(f"/spaces/{space.id}/exceptions/{row_id}/delete")  # a confirmation page, nothing removed
    assert first.status_code == 200 and 'name="confirm" value="1"' in first.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SpaceException, row_id) is not None
    assert client.post(f"/spaces/{space.id}/exceptions/{row_id}/delete", data={"confirm": "1"}).status_code == 302
    assert _count(app, SpaceException) == 0


def _booking_form(day, **extra):
    data = {"title": "Asukasilta", "date": day.isoformat(), "start_time": "17:00", "end_time": "19:00",
            "action": "save"}
    data.update(extra)
    return data


def test_staff_books_and_sees_it_in_the_list(app, client, make, login):
    space = make.space()
    _staff(make, login)
    day = next_weekday(1)
    response = client.post(f"/spaces/{space.id}/bookings/new", data=_booking_form(day, headcount="12"))
    assert response.status_code == 302
    html = client.get(f"/spaces/{space.id}/bookings").get_data(as_text=True)
    assert "Asukasilta" in html and "17.00–19.00" in html
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        assert booking.starts_at == at(day, 17) and booking.headcount == 12


def test_check_availability_saves_nothing(app, client, make, login):
    space = make.space()
    _staff(make, login)
    day = next_weekday(1)
    response = client.post(f"/spaces/{space.id}/bookings/new", data=_booking_form(day, action="check"))
    assert response.status_code == 200 and "nothing has been saved yet" in response.get_data(as_text=True)
    assert _count(app, Booking) == 0


def test_conflict_reshows_form_with_conflicting_times(app, client, make, login):
    space = make.space()
    day = next_weekday(1)
    make.booking(space, at(day, 18), at(day, 20), title="Kuoro")
    _staff(make, login)
    for action in ("check", "save"):
        response = client.post(f"/spaces/{space.id}/bookings/new", data=_booking_form(day, action=action))
        html = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "The space is already booked at these times" in html and "18.00–20.00" in html and "Kuoro" in html
        assert 'value="Asukasilta"' in html
    assert _count(app, Booking) == 1


def test_recurring_booking_with_skip_conflicts(app, client, make, login):
    space = make.space()
    first = next_weekday(3)
    make.booking(space, at(first + timedelta(weeks=1), 18), at(first + timedelta(weeks=1), 19))
    _staff(make, login)
    data = _booking_form(first, repeat="WEEKLY", interval="1", count="3")
    response = client.post(f"/spaces/{space.id}/bookings/new", data=data)
    assert response.status_code == 409 and _count(app, Booking) == 1
    response = client.post(f"/spaces/{space.id}/bookings/new", data=dict(data, skip_conflicts="y"))
    assert response.status_code == 302
    assert _count(app, Booking) == 3
    html = client.get(f"/spaces/{space.id}/bookings").get_data(as_text=True)
    assert "were skipped" in html


@pytest.mark.parametrize("extra, message", [
    ({"end_time": "16:00"}, "The end must be after the start."),
    ({"start_time": "21:00", "end_time": "22:00"}, "The space is not open at that time."),
    ({"headcount": "99"}, "The space holds at most 10 people."),
    ({"title": ""}, "Enter a title for the booking."),
    ({"repeat": "WEEKLY", "count": "", "until": ""}, "A recurring booking needs an end"),
    ({"far": True}, "at most 365 days ahead"),
])
def test_booking_form_bad_input(app, client, make, login, extra, message):
    space = make.space(opening_hours=WEEKDAY_HOURS, capacity=10)
    _staff(make, login)
    day = next_weekday(1, weeks=60) if extra.pop("far", False) else next_weekday(1)
    response = client.post(f"/spaces/{space.id}/bookings/new", data=_booking_form(day, **extra))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app, Booking) == 0


def test_override_reason_books_outside_hours(app, client, make, login):
    space = make.space(opening_hours=WEEKDAY_HOURS)
    _staff(make, login)
    day = next_weekday(5)
    response = client.post(f"/spaces/{space.id}/bookings/new",
                           data=_booking_form(day, override_reason="Kevättalkoot"))
    assert response.status_code == 302 and _count(app, Booking) == 1


def test_move_and_cancel_from_the_list(app, client, make, login):
    space = make.space()
    day = next_weekday(2)
    booking = make.booking(space, at(day, 10), at(day, 11), title="Siirrettävä")
    make.booking(space, at(day, 14), at(day, 15), title="Este")
    _staff(make, login)
    url = f"/spaces/{space.id}/bookings/{booking.id}/move"
    assert 'value="10:00"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"date": day.isoformat(), "start_time": "14:30", "end_time": "15:30"})
    assert response.status_code == 409 and "Este" in response.get_data(as_text=True)
    assert client.post(url, data={"date": day.isoformat(), "start_time": "12:00", "end_time": "13:00"}
                       ).status_code == 302
    page = client.get(f"/spaces/{space.id}/bookings/{booking.id}/cancel")  # what will be cancelled
    assert page.status_code == 200 and 'name="confirm" value="1"' in page.get_data(as_text=True)
    response = client.post(f"/spaces/{space.id}/bookings/{booking.id}/cancel", data={"reason": "Sairastapaus",
                                                                                      "confirm": "1"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Booking, booking.id)
        assert row.status == "cancelled" and row.cancel_reason == "Sairastapaus"
        assert row.starts_at == at(day, 12)
    html = client.get(f"/spaces/{space.id}/bookings?show=cancelled").get_data(as_text=True)
    assert "Siirrettävä" in html and "Sairastapaus" in html


def test_bookings_list_is_paginated(app, client, make, login):
    space = make.space()
    day = next_weekday(1)
    for i in range(30):
        make.booking(space, at(day + timedelta(days=i), 10), at(day + timedelta(days=i), 11), title=f"Varaus {i:02d}")
    _staff(make, login)
    first = client.get(f"/spaces/{space.id}/bookings").get_data(as_text=True)
    assert "Varaus 00" in first and "Varaus 29" not in first and 'rel="next"' in first
    assert "Varaus 29" in client.get(f"/spaces/{space.id}/bookings?page=2").get_data(as_text=True)


def test_bookings_list_and_week_view_query_counts_do_not_grow(app, client, make, login, count_queries):
    space = make.space()
    monday = next_weekday(0)
    org = make.organization()
    staff = _staff(make, login)
    ngo = make.user("ngo", organization=org)
    pages = {"list": f"/spaces/{space.id}/bookings", "week": f"/spaces/{space.id}?week={monday.isoformat()}",
             "queue": "/booking-requests/"}

    def counts() -> dict[str, int]:
        result = {}
        for name, url in pages.items():
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            result[name] = counter.count
        return result

    def add(first: int, n: int) -> None:
        for i in range(first, first + n):
            start = at(monday, 8) + timedelta(hours=i % 12, days=(i // 12) % 7, weeks=i // 84)
            make.booking(space, start, start + timedelta(minutes=50), title=f"V{i}", organization_id=org.id,
                         created_by_id=staff.id)
            make.booking_request(space, requester=ngo, organization_id=org.id, title=f"R{i}", purpose="p",
                                 headcount=3, start=start, end=start + timedelta(hours=1))

    add(0, 2)
    few = counts()
    add(2, 40)
    assert counts() == few


def test_ngo_request_flow_with_mail(app, client, make, login):
    manager = make.user("staff", locale="en", email="manager@example.org")
    space = make.space(opening_hours=WEEKDAY_HOURS, capacity=30, manager_id=manager.id,
                       booking_horizon_days=60)
    org = make.organization()
    ngo = make.user("ngo", organization=org, locale="en", email="ngo@example.org")
    day = next_weekday(2)
    login(ngo)
    data = {"title": "Järjestön kevätkokous", "date": day.isoformat(), "start_time": "17:00", "end_time": "19:00",
            "headcount": "25", "purpose": "Annual meeting"}
    response = client.post(f"/spaces/{space.id}/request", data=data)
    assert response.status_code == 302
    html = client.get("/booking-requests/mine").get_data(as_text=True)
    assert "Järjestön kevätkokous" in html and "Waiting for a decision" in html
    with app.app_context():
        kinds = {(m.recipient, m.kind) for m in db.session.scalars(select(OutboxMessage))}
        assert kinds == {("ngo@example.org", "booking_request_received"),
                         ("manager@example.org", "booking_request_notice")}
        req_id = db.session.scalar(select(BookingRequest.id))
    login(manager)
    queue = client.get("/booking-requests/").get_data(as_text=True)
    assert "Järjestön kevätkokous" in queue and "Annual meeting" in queue
    assert client.post(f"/booking-requests/{req_id}/approve").status_code == 302
    with app.app_context():
        req = db.session.get(BookingRequest, req_id)
        assert req.status == "approved" and req.booking.organization_id == org.id and req.booking.headcount == 25
        approved = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_request_approved"))
        assert approved.recipient == "ngo@example.org" and space.name in approved.subject
    login(ngo)
    assert "Approved" in client.get("/booking-requests/mine").get_data(as_text=True)


def test_request_declined_with_reason_and_withdraw(app, client, make, login):
    staff = make.user("staff", locale="en")
    space = make.space()
    ngo = make.user("ngo", locale="en")
    day = next_weekday(3)
    login(ngo)
    base = {"title": "Kerho", "date": day.isoformat(), "start_time": "10:00", "end_time": "11:00",
            "headcount": "5", "purpose": "Kerho"}
    assert client.post(f"/spaces/{space.id}/request", data=base).status_code == 302
    assert client.post(f"/spaces/{space.id}/request", data=dict(base, start_time="12:00", end_time="13:00")
                       ).status_code == 302
    with app.app_context():
        first, second = db.session.scalars(select(BookingRequest.id).order_by(BookingRequest.id)).all()
    assert client.post(f"/booking-requests/{second}/withdraw").status_code == 200  # the confirmation page
    assert client.post(f"/booking-requests/{second}/withdraw", data={"confirm": "1"}).status_code == 302
    login(staff)
    response = client.post(f"/booking-requests/{first}/decline", data={"reason": ""})
    assert response.status_code == 400
    assert client.post(f"/booking-requests/{first}/decline", data={"reason": "Tila on remontissa"}).status_code == 302
    with app.app_context():
        assert db.session.get(BookingRequest, first).status == "declined"
        assert db.session.get(BookingRequest, second).status == "withdrawn"
        declined = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_request_declined"))
        assert "Tila on remontissa" in declined.text_body and declined.recipient == ngo.email
    # a decided request cannot be approved or withdrawn any more
    assert client.post(f"/booking-requests/{first}/approve").status_code == 302
    assert _count(app, Booking) == 0
    login(ngo)
    client.post(f"/booking-requests/{first}/withdraw", data={"confirm": "1"})
    with app.app_context():
        assert db.session.get(BookingRequest, first).status == "declined"


def test_approval_conflict_is_a_clear_error(app, client, make, login):
    staff = make.user("staff", locale="en")
    space = make.space()
    ngo = make.user("ngo", locale="en")
    day = next_weekday(4)
    login(ngo)
    client.post(f"/spaces/{space.id}/request", data={"title": "Kerho", "date": day.isoformat(), "start_time": "10:00",
                                                    "end_time": "11:00", "headcount": "5", "purpose": "Kerho"})
    make.booking(space, at(day, 10, 30), at(day, 12), title="Ehti ensin")
    login(staff)
    with app.app_context():
        req_id = db.session.scalar(select(BookingRequest.id))
    response = client.post(f"/booking-requests/{req_id}/approve", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Not approved" in html and "no longer free" in html and "10.30–12.00" in html
    with app.app_context():
        assert db.session.get(BookingRequest, req_id).status == "pending"
        assert db.session.scalar(select(func.count(Booking.id))) == 1


@pytest.mark.parametrize("extra, message, status", [
    ({"headcount": "31"}, "The space holds at most 30 people.", 400),
    ({"end_time": "09:00"}, "The end must be after the start.", 400),
    ({"start_time": "07:00"}, "The space is not open at that time.", 400),
    ({"purpose": ""}, "Tell what the space is needed for.", 400),
    ({"far": True}, "at most 60 days ahead", 400),
    ({"taken": True}, "already booked", 409),
])
def test_request_bad_input_nothing_written(app, client, make, login, extra, message, status):
    space = make.space(opening_hours=WEEKDAY_HOURS, capacity=30, booking_horizon_days=60)
    day = next_weekday(1, weeks=12) if extra.pop("far", False) else next_weekday(1)
    if extra.pop("taken", False):
        make.booking(space, at(day, 10), at(day, 12))
    login(make.user("ngo", locale="en"))
    data = {"title": "Kerho", "date": day.isoformat(), "start_time": "10:00", "end_time": "11:00",
            "headcount": "5", "purpose": "Kerho"}
    data.update(extra)
    response = client.post(f"/spaces/{space.id}/request", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _count(app, BookingRequest) == 0 and _count(app, OutboxMessage) == 0


def test_anonymous_cannot_request(make, app, client):
    space = make.space()
    response = client.get(f"/spaces/{space.id}/request")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_cancel_this_and_later_dates_of_a_recurring_booking(app, client, make, login):
    space = make.space()
    _staff(make, login)
    first = next_weekday(2)
    data = _booking_form(first, repeat="WEEKLY", interval="1", count="", until=(first + timedelta(weeks=2)).isoformat())
    assert client.post(f"/spaces/{space.id}/bookings/new", data=data).status_code == 302
    with app.app_context():
        ids = db.session.scalars(select(Booking.id).order_by(Booking.starts_at)).all()
    assert len(ids) == 3
    page = client.get(f"/spaces/{space.id}/bookings/{ids[1]}/cancel").get_data(as_text=True)
    assert "This and the later dates" in page and page.count("<li>") >= 2  # the dates that would go
    client.post(f"/spaces/{space.id}/bookings/{ids[1]}/cancel", data={"scope": "series", "reason": "", "confirm": "1"})
    with app.app_context():
        assert db.session.scalars(select(Booking.status).order_by(Booking.starts_at)).all() == [
            "confirmed", "cancelled", "cancelled"]
