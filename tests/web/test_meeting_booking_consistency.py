"""A meeting's space booking and the meeting stay consistent (issue 17, items 2 and 3)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.meetings import space_bookings
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces.models import Booking


def _booked_series(app, make):
    space = make.space()
    series = make.series(space_id=space.id, location=None, occurrences=2)
    with app.app_context():
        space_bookings.sync_series(db.session.get(MeetingSeries, series.id), None, datetime.now(UTC))
        db.session.commit()
        occurrence = db.session.scalars(select(MeetingOccurrence).where(MeetingOccurrence.series_id == series.id)
                                        .order_by(MeetingOccurrence.starts_at)).first()
        return space, series, occurrence.id, occurrence.booking_id


def test_a_meetings_booking_is_not_cancelled_from_the_space_list(app, client, make, login):
    space, series, occurrence_id, booking_id = _booked_series(app, make)
    login(make.user("staff"))
    listing = client.get(f"/spaces/{space.id}/bookings?lang=en").get_data(as_text=True)
    assert "Change on the meeting&#39;s page" in listing or "Change on the meeting's page" in listing
    assert f"/spaces/{space.id}/bookings/{booking_id}/cancel" not in listing
    page = client.get(f"/spaces/{space.id}/bookings/{booking_id}/cancel?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This booking belongs to a meeting" in html
    assert f"/meetings/manage/{series.id}" in html and 'name="confirm"' not in html
    # Even a confirming post (an old form, a script) is refused, and so is moving it there.
    refused = client.post(f"/spaces/{space.id}/bookings/{booking_id}/cancel", data={"confirm": "1"})
    assert refused.status_code == 409
    assert client.post(f"/spaces/{space.id}/bookings/{booking_id}/move", data={}).status_code == 409
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "confirmed"


def _cancel_elsewhere(app, booking_id: int) -> None:
    """The booking is freed without the meeting (data from before the API refused it, or the database)."""
    from app.spaces import services

    with app.app_context():
        services.cancel_booking(db.session.get(Booking, booking_id), None, datetime.now(UTC), notify=False)
        db.session.commit()


def test_a_booking_cancelled_elsewhere_is_shown_truthfully_and_can_be_booked_again(app, client, make, login):
    space, series, occurrence_id, booking_id = _booked_series(app, make)
    staff = make.user("staff")
    # The API refuses to cancel a meeting's booking on its own (409); freed some other way:
    assert client.delete(f"/api/v1/bookings/{booking_id}", headers=make.auth("staff")).status_code == 409
    _cancel_elsewhere(app, booking_id)
    login(staff)
    manage = client.get(f"/meetings/manage/{series.id}?lang=en").get_data(as_text=True)
    assert "space not booked: its booking was cancelled" in manage and "conflict" not in manage
    assert "Book the space again" in manage
    public = client.get(f"/meetings/occurrences/{occurrence_id}?lang=en").get_data(as_text=True)
    assert 'id="place-to-be-confirmed"' in public and space.name not in public.split('id="place-to-be-confirmed"')[1][:200]
    detail = client.get(f"/meetings/{series.id}?lang=en").get_data(as_text=True)
    assert "The place will be confirmed later." in detail
    listing = client.get("/meetings?lang=en").get_data(as_text=True)  # the card of that date, too
    assert "The place will be confirmed later." in listing
    client.get("/lang/en")  # remembered in the session for the page after the redirect
    response = client.post(f"/meetings/manage/occurrences/{occurrence_id}/book-space", follow_redirects=True)
    assert "The space is booked for the date again." in response.get_data(as_text=True)
    with app.app_context():
        occurrence = db.session.get(MeetingOccurrence, occurrence_id)
        assert occurrence.booking_id != booking_id and occurrence.booking.status == "confirmed"
    public = client.get(f"/meetings/occurrences/{occurrence_id}?lang=en").get_data(as_text=True)
    assert 'id="place-to-be-confirmed"' not in public and space.name in public


def test_booking_again_when_the_time_was_taken_says_by_what(app, client, make, login):
    space, series, occurrence_id, booking_id = _booked_series(app, make)
    _cancel_elsewhere(app, booking_id)
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        start, end = booking.starts_at, booking.ends_at
    make.booking(space, start, end, title="Kuoro")
    login(make.user("staff"))
    manage = client.get(f"/meetings/manage/{series.id}?lang=en").get_data(as_text=True)
    assert "space not booked: the time is taken by another booking" in manage
    client.get("/lang/en")
    response = client.post(f"/meetings/manage/occurrences/{occurrence_id}/book-space", follow_redirects=True)
    assert "The space could not be booked: it is already booked at" in response.get_data(as_text=True)
