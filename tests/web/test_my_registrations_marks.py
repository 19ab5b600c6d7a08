"""The meetings list marks the dates I am registered for (one query for the whole list), and my
personal calendar address is on the Calendars page and on My registrations."""
from __future__ import annotations

import re

from app.calendar.tokens import personal_feed_token
from app.extensions import db


def test_the_list_marks_my_dates_only(client, make, login):
    user = make.user("ngo", email="mina@example.org")
    series = make.series(occurrences=3, title_fi="Verkostoilta")
    first, second, third = make.occurrences(series)
    make.registration(first, email=user.email, user_id=user.id)
    make.registration(second, email=user.email, status="waitlisted")
    make.registration(third, email="someone@example.org", user_id=user.id)  # registered for someone else
    anonymous = client.get("/meetings?lang=fi").get_data(as_text=True)
    assert "Olet ilmoittautunut" not in anonymous
    login(user)
    html = client.get("/meetings?lang=fi").get_data(as_text=True)
    cards = re.findall(r'<li class="meeting-card">.*?</li>', html, re.S)
    marks = {}
    for card in cards:
        occurrence_id = int(re.search(r"/meetings/occurrences/(\d+)", card).group(1))
        marks[occurrence_id] = ("Olet ilmoittautunut" in card, "Olet jonossa" in card)
    assert marks == {first.id: (True, False), second.id: (False, True), third.id: (False, False)}
    english = client.get("/meetings?lang=en").get_data(as_text=True)
    assert "You are registered" in english


def _list_queries(client, count_queries):
    client.get("/meetings")  # warm: the session, the themes
    with count_queries() as counter:
        assert client.get("/meetings").status_code == 200
    return counter.count


def test_marks_do_not_add_a_query_per_row(client, make, login, count_queries):
    user = make.user("ngo")
    login(user)
    series = make.series(occurrences=2)
    for occurrence in make.occurrences(series):
        make.registration(occurrence, email=user.email, user_id=user.id)
    few = _list_queries(client, count_queries)
    for _ in range(3):
        more = make.series(occurrences=3)
        for occurrence in make.occurrences(more):
            make.registration(occurrence, email=user.email, user_id=user.id)
            make.registration(occurrence)
    many = _list_queries(client, count_queries)
    assert "Olet ilmoittautunut" in client.get("/meetings?lang=fi").get_data(as_text=True)
    assert many == few


def _feed_url(app, user):
    from app.accounts.models import User

    with app.app_context():
        return f"http://kohtaamo.test/calendar/u/{personal_feed_token(db.session.get(User, user.id))}.ics"


def test_my_calendar_address_is_on_the_calendars_page_and_my_registrations(app, client, make, login):
    user = make.user("ngo")
    url = _feed_url(app, user)
    assert url not in client.get("/calendar/").get_data(as_text=True)
    login(user)
    for path in ("/calendar/?lang=en", "/registrations/mine?lang=en"):
        html = client.get(path).get_data(as_text=True)
        assert f'value="{url}?lang=en"' in html and 'class="subscribe-url"' in html, path
        assert "My meetings in my calendar" in html
