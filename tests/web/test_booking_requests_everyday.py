"""NGO booking requests in everyday use (issue 17, item 8): who booked, cancelling an approved
booking, asking twice, and a declined request with another time suggested."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.spaces.models import Booking, BookingRequest
from tests.timeutil import next_weekday


def _request(client, space, day, start="10:00", end="11:00", title="Kerho"):
    return client.post(f"/spaces/{space.id}/request", data={
        "title": title, "date": day.isoformat(), "start_time": start, "end_time": end, "headcount": "5",
        "purpose": "Kerho"})


def _setup(app, make):
    org = make.organization(name="Vallilan kerho ry")
    ngo = make.user("ngo", organization=org, locale="en", name="Niina Järjestö")
    staff = make.user("staff", locale="en", name="Sakari Staff")
    space = make.space()
    return org, ngo, staff, space


def test_approved_request_shows_the_ngo_as_booker_and_the_ngo_can_cancel(app, client, make, login):
    org, ngo, staff, space = _setup(app, make)
    day = next_weekday(3)
    login(ngo)
    assert _request(client, space, day).status_code == 302
    with app.app_context():
        req_id = db.session.scalar(select(BookingRequest.id))
    login(staff)
    assert client.post(f"/booking-requests/{req_id}/approve").status_code == 302
    listing = client.get(f"/spaces/{space.id}/bookings?lang=en").get_data(as_text=True)
    assert "Niina Järjestö, Vallilan kerho ry" in listing and "Request approved by Sakari Staff" in listing
    login(ngo)
    mine = client.get("/booking-requests/mine?lang=en").get_data(as_text=True)
    assert f"/booking-requests/{req_id}/cancel-booking" in mine
    page = client.get(f"/booking-requests/{req_id}/cancel-booking?lang=en").get_data(as_text=True)
    assert "Cancel your booking?" in page and 'name="confirm" value="1"' in page
    with app.app_context():
        assert db.session.scalar(select(Booking.status)) == "confirmed"  # nothing yet
    assert client.post(f"/booking-requests/{req_id}/cancel-booking", data={"confirm": "1"}).status_code == 302
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        assert booking.status == "cancelled" and booking.cancel_reason
    assert "booking cancelled" in client.get("/booking-requests/mine?lang=en").get_data(as_text=True)
    with app.app_context():  # staff hear of it: the time is free again
        notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_cancelled_by_requester"))
        assert notice.recipient == staff.email and "Niina Järjestö" in notice.text_body
    # Someone else's request: forbidden.
    login(make.user("ngo"))
    assert client.post(f"/booking-requests/{req_id}/cancel-booking", data={"confirm": "1"}).status_code == 403


def test_a_second_overlapping_request_by_the_same_ngo_is_refused_clearly(app, client, make, login):
    org, ngo, staff, space = _setup(app, make)
    day = next_weekday(3)
    login(ngo)
    assert _request(client, space, day, "10:00", "12:00").status_code == 302
    colleague = make.user("ngo", organization=org, locale="en")
    login(colleague)
    response = _request(client, space, day, "11:00", "13:00", title="Toinen")
    assert response.status_code in (400, 409)
    assert "already has a request for this space" in response.get_data(as_text=True)
    assert _request(client, space, day, "14:00", "15:00", title="Iltapäivä").status_code == 302  # no overlap
    login(make.user("ngo", organization=make.organization(name="Toinen ry")))
    assert _request(client, space, day, "10:30", "11:00", title="Muu järjestö").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count(BookingRequest.id))) == 3


def test_decline_can_suggest_another_time_shown_and_mailed(app, client, make, login):
    org, ngo, staff, space = _setup(app, make)
    day = next_weekday(3)
    login(ngo)
    assert _request(client, space, day).status_code == 302
    with app.app_context():
        req_id = db.session.scalar(select(BookingRequest.id))
    login(staff)
    form = client.get(f"/booking-requests/{req_id}/decline?lang=en").get_data(as_text=True)
    assert "Suggest another time (optional)" in form
    incomplete = client.post(f"/booking-requests/{req_id}/decline", data={"reason": "Varattu", "suggested_date":
                                                                          day.isoformat()})
    assert incomplete.status_code == 400
    assert client.post(f"/booking-requests/{req_id}/decline", data={
        "reason": "Aamupäivä on varattu", "suggested_date": day.isoformat(), "suggested_start": "13:00",
        "suggested_end": "14:00"}).status_code == 302
    with app.app_context():
        req = db.session.get(BookingRequest, req_id)
        assert req.status == "declined" and req.suggested_starts_at is not None
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_request_declined"))
        assert "13.00–14.00" in mail.text_body and f"date={day.isoformat()}&start=13:00&end=14:00" in mail.text_body
    login(ngo)
    mine = client.get("/booking-requests/mine?lang=en").get_data(as_text=True)
    assert "Staff suggest instead:" in mine and "Request this time" in mine
    prefilled = client.get(f"/spaces/{space.id}/request?date={day.isoformat()}&start=13:00&end=14:00")
    html = prefilled.get_data(as_text=True)
    assert f'value="{day.isoformat()}"' in html and 'value="13:00"' in html


def test_the_buffer_is_explained_where_booking_and_in_the_refusal(app, client, make, login):
    """Issue 17, item 9: a refusal with times that do not overlap says it is the buffer, with times."""
    from tests.timeutil import at

    space = make.space(buffer_minutes=30)
    day = next_weekday(2)
    make.booking(space, at(day, 10), at(day, 12), title="Aamukerho")
    login(make.user("staff", locale="en"))
    form = client.get(f"/spaces/{space.id}/bookings/new?lang=en").get_data(as_text=True)
    assert 'id="buffer-note"' in form and "The space needs 30 minutes between bookings" in form
    response = client.post(f"/spaces/{space.id}/bookings/new", data={
        "title": "Iltapäivä", "date": day.isoformat(), "start_time": "12:15", "end_time": "13:00", "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert ("The space needs 30 minutes between bookings; the previous booking ends 12.00, so the next can "
            "start 12.30.") in html
    before = client.post(f"/spaces/{space.id}/bookings/new", data={
        "title": "Aikainen", "date": day.isoformat(), "start_time": "08:00", "end_time": "09:45", "action": "save"})
    assert "the next booking starts 10.00, so yours must end by 09.30." in before.get_data(as_text=True)


def test_staff_say_which_organisation_a_booking_is_for(app, client, make, login):
    org = make.organization(name="Kontulan kerho ry")
    space = make.space()
    day = next_weekday(2)
    login(make.user("staff", locale="en"))
    form = client.get(f"/spaces/{space.id}/bookings/new?lang=en").get_data(as_text=True)
    assert "Booked for (organisation)" in form and "Kontulan kerho ry" in form
    assert client.post(f"/spaces/{space.id}/bookings/new", data={
        "title": "Kerho", "date": day.isoformat(), "start_time": "10:00", "end_time": "11:00",
        "organization_id": str(org.id), "action": "save"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Booking.organization_id)) == org.id
    assert "Kontulan kerho ry" in client.get(f"/spaces/{space.id}/bookings?lang=en").get_data(as_text=True)


def test_cancelling_a_whole_series_is_confirmed_first(app, client, make, login):
    from app.meetings.models import MeetingSeries

    series = make.series(occurrences=3)
    login(make.user("staff", locale="en"))
    page = client.post(f"/meetings/manage/{series.id}/status?lang=en", data={"status": "cancelled"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cancel the whole series?" in html and "3 upcoming dates are cancelled." in html
    with app.app_context():
        assert db.session.get(MeetingSeries, series.id).status == "published"
    done = client.post(f"/meetings/manage/{series.id}/status", data={"status": "cancelled", "confirm": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(MeetingSeries, series.id).status == "cancelled"
