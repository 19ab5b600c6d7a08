"""The place is named in the reader's language: a feed's ``?lang=``, the recipient of a mail.

Spaces have Swedish and English names and addresses (``Space.name_in``); LOCATION used to be
Finnish whatever the feed's language. Links in the events are built from the URL map
(``external_url``) and read as before.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.calendar.tokens import personal_feed_token
from app.extensions import db
from app.meetings import space_bookings
from app.meetings.models import MeetingSeries, Registration
from app.meetings.notifications import registration_context

SPACE = {"name": "Kallion asukastila", "address": "Helsinginkatu 25, Helsinki",
         "name_sv": "Berghälls invånarlokal", "address_sv": "Helsingegatan 25, Helsingfors"}


def _unfold(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\\,", ",")


@pytest.fixture
def booked(app, make):
    """A weekly series in a space with Swedish names, both dates booked."""
    space = make.space(**SPACE)
    series = make.series(space_id=space.id, location=None, occurrences=2)
    with app.app_context():
        space_bookings.sync_series(db.session.get(MeetingSeries, series.id), None, datetime.now(UTC))
        db.session.commit()
    return series, make.occurrences(series)[0]


def test_public_feeds_name_the_space_in_the_feeds_language(client, booked):
    series, occurrence = booked
    for path in ("/calendar/meetings.ics", f"/calendar/series/{series.id}.ics",
                 f"/calendar/occurrences/{occurrence.id}.ics"):
        swedish = _unfold(client.get(path + "?lang=sv").get_data(as_text=True))
        assert "LOCATION:Berghälls invånarlokal, Helsingegatan 25, Helsingfors" in swedish, path
        finnish = _unfold(client.get(path + "?lang=fi").get_data(as_text=True))
        assert "LOCATION:Kallion asukastila, Helsinginkatu 25, Helsinki" in finnish, path
        english = _unfold(client.get(path + "?lang=en").get_data(as_text=True))  # no English name: Finnish
        assert "LOCATION:Kallion asukastila" in english, path


def test_the_personal_feed_names_the_space_in_its_language(app, client, make, booked):
    _series, occurrence = booked
    user = make.user("ngo")
    make.registration(occurrence, email=user.email, user_id=user.id)
    with app.app_context():
        token = personal_feed_token(db.session.merge(user))
    swedish = _unfold(client.get(f"/calendar/u/{token}.ics?lang=sv").get_data(as_text=True))
    finnish = _unfold(client.get(f"/calendar/u/{token}.ics?lang=fi").get_data(as_text=True))
    assert "LOCATION:Berghälls invånarlokal" in swedish and "LOCATION:Kallion asukastila" in finnish


def test_a_registrants_mail_names_the_space_in_their_language(app, make, booked):
    _series, occurrence = booked
    swedish = make.registration(occurrence, locale="sv")
    finnish = make.registration(occurrence, locale="fi")
    with app.app_context():
        assert registration_context(db.session.get(Registration, swedish.id))["location"].startswith(
            "Berghälls invånarlokal, Helsingegatan 25")
        assert registration_context(db.session.get(Registration, finnish.id))["location"].startswith(
            "Kallion asukastila, Helsinginkatu 25")


def test_event_links_are_the_pages_urls(app, client, booked):
    series, occurrence = booked
    base = app.config["BASE_URL"].rstrip("/")
    feed = _unfold(client.get(f"/calendar/series/{series.id}.ics").get_data(as_text=True))
    assert f"URL:{base}/meetings/{series.id}" in feed
    one = _unfold(client.get(f"/calendar/occurrences/{occurrence.id}.ics").get_data(as_text=True))
    assert f"URL:{base}/meetings/occurrences/{occurrence.id}" in one
