"""A meeting's online link reaches only its registrants (and staff): not the public pages, not the
public feeds, not the public API; the registrant's pages, mails and personal feed have it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.calendar.tokens import personal_feed_token
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import Registration
from app.meetings.tokens import registration_token

URL = "https://teams.example/salainen-kokous"


@pytest.fixture
def online(make):
    series = make.series(occurrences=2, online_url=URL, location=None)
    return series, make.occurrences(series)[0]


def _unfold(text):
    return text.replace("\r\n ", "").replace("\\", "")


def test_public_pages_do_not_show_the_link(client, online):
    series, occurrence = online
    for path in (f"/meetings/occurrences/{occurrence.id}", f"/meetings/{series.id}", "/meetings"):
        html = client.get(path + "?lang=en").get_data(as_text=True)
        assert URL not in html, path
    assert "sent to registrants" in client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(
        as_text=True)


def test_a_signed_in_user_who_is_not_registered_does_not_see_it(client, make, login, online):
    series, occurrence = online
    login(make.user("ngo"))
    assert URL not in client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    assert URL not in client.get(f"/meetings/{series.id}").get_data(as_text=True)


def test_a_signed_in_registrant_sees_it_on_the_occurrence_page(client, make, login, online):
    _series, occurrence = online
    user = make.user("ngo")
    make.registration(occurrence, email=user.email, user_id=user.id)
    login(user)
    assert URL in client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)


def test_the_manage_link_page_shows_it(app, client, make, online):
    _series, occurrence = online
    registration = make.registration(occurrence)
    with app.app_context():
        token = registration_token(db.session.get(Registration, registration.id))
    assert URL in client.get(f"/registrations/manage/{token}").get_data(as_text=True)


def test_staff_see_it(client, make, login, online):
    series, occurrence = online
    login(make.user("staff"))
    assert URL in client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    assert URL in client.get(f"/meetings/{series.id}").get_data(as_text=True)


def test_public_feeds_leave_it_out_and_say_it_is_sent(client, online):
    series, occurrence = online
    for path in ("/calendar/meetings.ics?lang=en", f"/calendar/series/{series.id}.ics?lang=en",
                 f"/calendar/occurrences/{occurrence.id}.ics?lang=en"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = _unfold(response.get_data(as_text=True))
        assert URL not in text and "teams.example" not in text, path
        assert "sent to registrants" in text, path


def test_the_personal_feed_and_the_confirmation_mail_have_it(app, client, make, login, online):
    _series, occurrence = online
    user = make.user("ngo")
    login(user)
    assert client.post(f"/meetings/occurrences/{occurrence.id}", data={"seats": "1"}).status_code == 302
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "registration_confirmed"))
        assert URL in mail.text_body and URL in _unfold(mail.ics)
        token = personal_feed_token(db.session.merge(user))
    feed = _unfold(client.get(f"/calendar/u/{token}.ics").get_data(as_text=True))
    assert URL in feed


def test_the_public_api_leaves_it_out_staff_and_registrants_get_it(client, make, online):
    series, occurrence = online
    anonymous = client.get(f"/api/v1/series/{series.id}").json
    assert anonymous["online_url"] is None
    listed = [s for s in client.get("/api/v1/series").json if s["id"] == series.id]
    assert listed and listed[0]["online_url"] is None
    outsider = make.auth("ngo")
    assert client.get(f"/api/v1/series/{series.id}", headers=outsider).json["online_url"] is None
    assert client.get(f"/api/v1/series/{series.id}", headers=make.auth("staff")).json["online_url"] == URL
    registrant = make.user("ngo")
    make.registration(occurrence, email=registrant.email, user_id=registrant.id)
    headers = {"Authorization": f"Bearer {make.token(registrant)}"}
    assert client.get(f"/api/v1/series/{series.id}", headers=headers).json["online_url"] == URL
    listed = [s for s in client.get("/api/v1/series", headers=headers).json if s["id"] == series.id]
    assert listed[0]["online_url"] == URL
