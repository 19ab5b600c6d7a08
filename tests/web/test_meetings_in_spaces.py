"""Pages: a series or a move that collides with a booking of its space is re-shown with the times;
subscribe links on the meetings list, the series page and the occurrence page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app import scheduling as recurrence
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces.models import Booking
from tests.web.test_meetings_series import form

HEL = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def staff(make, login):
    user = make.user("staff")
    login(user)
    return user


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (MeetingSeries, MeetingOccurrence, Booking))


@pytest.mark.parametrize("lang, words", [("en", "The space is already booked at these times"),
                                         ("fi", "ti 9.2.2027")])
def test_series_form_conflict_is_reshown_with_the_times(make, client, app, staff, lang, words):
    space = make.space()
    taken = datetime(2027, 2, 9, 17, 30, tzinfo=HEL)  # the 2nd meeting is 9.2.2027 17:00–19:00
    make.booking(space, taken, taken + timedelta(minutes=30), title="Kuoro")
    response = client.post(f"/meetings/manage/new?lang={lang}",
                           data=form(location_mode="space", space_id=str(space.id), location=None))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="conflicts"' in body and words in body
    assert "17.30–18.00" in body  # the booked time, Helsinki time
    assert _counts(app) == (0, 0, 1)  # nothing written
    # Without the conflict the same form books the space for every date.
    with app.app_context():
        db.session.execute(db.delete(Booking))
        db.session.commit()
    response = client.post("/meetings/manage/new",
                           data=form(location_mode="space", space_id=str(space.id), location=None))
    assert response.status_code == 302
    series_count, occurrence_count, booking_count = _counts(app)
    assert series_count == 1 and occurrence_count == booking_count > 1


def test_move_form_conflict_is_reshown(client, app, make, staff):
    space = make.space()
    occurrence = make.occurrence(space_id=space.id, location=None)
    start = occurrence.starts_at + timedelta(days=1)
    make.booking(space, start, start + timedelta(hours=2), title="Kuoro")
    local = start.astimezone(HEL)
    response = client.post(f"/meetings/manage/occurrences/{occurrence.id}/move?lang=en",
                           data={"start": local.strftime("%Y-%m-%dT%H:%M"),
                                 "end": (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "The space is already booked at these times" in body
    assert f"{local.hour}.{local:%M}–{(local + timedelta(hours=2)).hour}.{local:%M}" in body
    with app.app_context():
        assert db.session.get(MeetingOccurrence, occurrence.id).starts_at == occurrence.starts_at


def _links(body):
    return set(re.findall(r'href="(webcal://[^"]+)"', body))


def test_subscribe_links_on_meeting_pages(client, make):
    occurrence = make.occurrence()
    listing = client.get("/meetings?lang=sv").get_data(as_text=True)
    assert "webcal://kohtaamo.test/calendar/meetings.ics?lang=sv" in _links(listing)
    detail = client.get(f"/meetings/{occurrence.series_id}").get_data(as_text=True)
    assert f"webcal://kohtaamo.test/calendar/series/{occurrence.series_id}.ics?lang=fi" in _links(detail)
    assert f'href="http://kohtaamo.test/calendar/series/{occurrence.series_id}.ics?lang=fi" download' in detail
    page = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert f"webcal://kohtaamo.test/calendar/occurrences/{occurrence.id}.ics?lang=en" in _links(page)
    assert 'id="add-to-calendar-heading"' in page and 'href="#add-to-calendar-heading"' in page
    # The linked feeds exist.
    assert client.get(f"/calendar/occurrences/{occurrence.id}.ics?lang=en").status_code == 200
    assert client.get(f"/calendar/series/{occurrence.series_id}.ics?lang=fi").status_code == 200


def test_no_series_feed_link_on_a_draft(client, make, login):
    series = make.series(status="draft")
    login(make.user("staff"))
    body = client.get(f"/meetings/{series.id}").get_data(as_text=True)
    assert "Draft" in body or "Luonnos" in body
    assert f"/calendar/series/{series.id}.ics" not in body



def test_publishing_into_a_taken_slot_flashes_the_times(client, app, make, staff):
    space = make.space()
    series = make.series(space_id=space.id, location=None, status="cancelled", occurrences=0, rrule="FREQ=WEEKLY")
    with app.app_context():
        series_row = db.session.get(MeetingSeries, series.id)
        first = recurrence.localize(series_row.start_local, series_row.timezone)
    make.booking(space, first, first + timedelta(hours=1), title="Kuoro")
    response = client.post(f"/meetings/manage/{series.id}/status?lang=en", data={"status": "published"},
                           follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Not changed: the space is already booked at" in body and f"{first.hour}.{first:%M}" in body
    with app.app_context():
        assert db.session.get(MeetingSeries, series.id).status == "cancelled"
        assert db.session.scalar(select(func.count()).select_from(MeetingOccurrence)) == 0


def test_a_flagged_date_does_not_block_unpublishing(client, app, make, staff):
    space = make.space()
    occurrence = make.occurrence(space_id=space.id, location=None)  # factory: not booked
    make.booking(space, occurrence.starts_at, occurrence.ends_at, title="Kuoro")
    client.get("/lang/en")  # remembered in the session, so the page after the redirect is English too
    response = client.post(f"/meetings/manage/{occurrence.series_id}/status", data={"status": "draft"},
                           follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "The series is now a draft" in body and "space not booked: the time is taken by another booking" in body
    assert "Book the space again" not in body  # nothing to offer while the time is taken
    with app.app_context():
        assert db.session.get(MeetingSeries, occurrence.series_id).status == "draft"
