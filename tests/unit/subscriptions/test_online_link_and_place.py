"""Subscription mails: a subscriber is not a registrant, so a new series' online link is not in the
mail ("sent to registrants" instead); places are named in the recipient's language, and a
reminder names the date's own place (a space only when that date's booking is live, issue 17)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.types import utcnow
from app.extensions import db
from app.meetings import space_bookings
from app.meetings.models import MeetingSeries
from app.subscriptions import delivery
from app.subscriptions.reminders import send_reminders
from tests.unit.subscriptions.helpers import outbox

URL = "https://teams.example/vain-ilmoittautuneille"
SPACE = {"name": "Kallion asukastila", "address": "Helsinginkatu 25, Helsinki",
         "name_sv": "Berghälls invånarlokal", "address_sv": "Helsingegatan 25, Helsingfors"}


def test_a_new_series_mail_does_not_carry_the_online_link(app, make):
    user = make.user("ngo", locale="en")
    theme = make.default_theme().id
    make.subscription(user, theme=theme)
    make.series(themes=[theme], online_url=URL)
    with app.app_context():
        assert delivery.send_immediate(utcnow()) == 1
    [mail] = outbox(app, "subscription_new_series")
    assert URL not in mail.text_body and URL not in (mail.html_body or "")
    assert "The online link is sent to registrants." in mail.text_body


def test_a_new_series_mail_names_the_space_in_the_subscribers_language(app, make):
    user = make.user("ngo", locale="sv")
    theme = make.default_theme().id
    make.subscription(user, theme=theme)
    space = make.space(**SPACE)
    make.series(themes=[theme], space_id=space.id, location=None)
    with app.app_context():
        assert delivery.send_immediate(utcnow()) == 1
    [mail] = outbox(app, "subscription_new_series")
    assert "Berghälls invånarlokal" in mail.text_body and "Kallion asukastila" not in mail.text_body


def test_a_reminder_names_the_dates_place_in_the_registrants_language(app, make):
    space = make.space(**SPACE)
    series = make.series(space_id=space.id, location=None, occurrences=1, online_url=URL)
    with app.app_context():
        space_bookings.sync_series(db.session.get(MeetingSeries, series.id), None, datetime.now(UTC))
        db.session.commit()
    occurrence = make.occurrences(series)[0]
    make.registration(occurrence, locale="sv")
    with app.app_context():
        assert send_reminders(occurrence.starts_at - timedelta(hours=23)) == 1
    [mail] = outbox(app, "meeting_reminder")
    assert "Berghälls invånarlokal, Helsingegatan 25" in mail.text_body and URL in mail.text_body


def test_a_reminder_does_not_name_an_unbooked_space(app, make):
    space = make.space(**SPACE)
    occurrence = make.occurrence(space_id=space.id, location="Kalasatamankatu 1, Helsinki")  # never booked
    make.registration(occurrence, locale="fi")
    with app.app_context():
        assert send_reminders(occurrence.starts_at - timedelta(hours=23)) == 1
    [mail] = outbox(app, "meeting_reminder")
    assert "Kallion asukastila" not in mail.text_body and "Kalasatamankatu 1" in mail.text_body
