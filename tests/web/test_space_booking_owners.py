"""A guidance hour's space booking is, like a meeting's, changed with its date, not from the
space's bookings list (issue 17 leftovers)."""
from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from app.spaces.models import Booking


def _guidance_booking(app, make):
    from app.guidance.models import GuidanceHour
    from app.guidance.services import space_bookings

    space = make.space()
    hour = make.guidance_hour(space_id=space.id, location=None, rrule="FREQ=WEEKLY;COUNT=2")
    with app.app_context():
        row = db.session.get(GuidanceHour, hour.id)
        space_bookings.book_windows(row, row.windows, actor=None, now=datetime.now(UTC))
        db.session.commit()
        return space, hour, row.windows[0].booking_id


def test_a_guidance_hours_booking_is_not_cancelled_from_the_space_list(app, client, make, login):
    space, hour, booking_id = _guidance_booking(app, make)
    login(make.user("staff"))
    listing = client.get(f"/spaces/{space.id}/bookings?lang=en").get_data(as_text=True)
    assert "Change on the guidance hour&#39;s page" in listing or "Change on the guidance hour's page" in listing
    assert f"/guidance/manage/{hour.id}" in listing
    assert f"/spaces/{space.id}/bookings/{booking_id}/cancel" not in listing
    page = client.get(f"/spaces/{space.id}/bookings/{booking_id}/cancel?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This booking belongs to a guidance hour" in html
    assert 'name="confirm"' not in html
    refused = client.post(f"/spaces/{space.id}/bookings/{booking_id}/cancel", data={"confirm": "1"})
    assert refused.status_code == 409
    assert client.post(f"/spaces/{space.id}/bookings/{booking_id}/move", data={}).status_code == 409
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "confirmed"
