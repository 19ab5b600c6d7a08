"""A guidance hour's online link reaches only those who book (their appointment page, mails and
invitation), the advisers (their feed) and staff: not the public pages, not the public API.
The place is named in the reader's language (a Swedish space name in a Swedish feed or mail)."""
from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from app.extensions import db
from app.guidance import tokens
from app.guidance.models import GuidanceAppointment
from app.mail.models import OutboxMessage

URL = "https://teams.example/salainen-neuvonta"
SENT = "The online link is sent to those who book."


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "").replace("\\,", ",").replace("\\", "")


def _online_hour(make, **fields):
    return make.guidance_hour(online_url=URL, location=None, **fields)


def test_public_pages_do_not_show_the_link(client, make):
    hour = _online_hour(make)
    start = quote(make.guidance_windows(hour)[0].starts_at.isoformat())
    for path in ("/guidance/", f"/guidance/{hour.id}", f"/guidance/{hour.id}/book?start={start}"):
        response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert URL not in html and SENT in html, path


def test_a_signed_in_user_without_an_appointment_does_not_see_it(client, make, login):
    hour = _online_hour(make)
    login(make.user("ngo"))
    assert URL not in client.get(f"/guidance/{hour.id}?lang=en").get_data(as_text=True)


def test_staff_see_it_on_the_public_page(client, make, login):
    hour = _online_hour(make)
    login(make.user("staff"))
    assert URL in client.get(f"/guidance/{hour.id}?lang=en").get_data(as_text=True)


def test_the_booker_gets_it_on_their_page_in_the_mail_and_the_invitation(app, client, make):
    hour = _online_hour(make)
    start = make.guidance_windows(hour)[0].starts_at.isoformat()
    response = client.post(f"/guidance/{hour.id}/book?lang=en", data={
        "start": start, "name": "Kaisa Kysyjä", "email": "kaisa@example.org", "consent": "y",
        "question": "Miten haen?"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        appointment = db.session.scalar(select(GuidanceAppointment))
        token = tokens.appointment_token(appointment)
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "guidance_booked"))
        assert URL in mail.text_body and URL in _unfold(mail.ics)
    assert URL in client.get(f"/guidance/appointments/{token}").get_data(as_text=True)


def test_the_advisers_feed_has_it_and_names_the_space_in_its_language(app, client, make):
    space = make.space(name="Kallion asukastila", address="Helsinginkatu 25, Helsinki",
                       name_sv="Berghälls invånarlokal", address_sv="Helsingegatan 25, Helsingfors")
    adviser = make.user("staff")
    hour = _online_hour(make, advisers=[adviser], space_id=space.id)
    make.appointment(hour)
    with app.app_context():
        token = tokens.adviser_feed_token(db.session.merge(adviser))
    swedish = _unfold(client.get(f"/guidance/feed/{token}.ics?lang=sv").get_data(as_text=True))
    assert "LOCATION:Berghälls invånarlokal, Helsingegatan 25, Helsingfors / " + URL in swedish
    finnish = _unfold(client.get(f"/guidance/feed/{token}.ics?lang=fi").get_data(as_text=True))
    assert "LOCATION:Kallion asukastila, Helsinginkatu 25, Helsinki / " + URL in finnish


def test_a_swedish_bookers_mail_names_the_space_in_swedish(app, client, make):
    space = make.space(name="Kallion asukastila", address="Helsinginkatu 25, Helsinki",
                       name_sv="Berghälls invånarlokal", address_sv="Helsingegatan 25, Helsingfors")
    hour = make.guidance_hour(space_id=space.id, location=None)
    start = make.guidance_windows(hour)[0].starts_at.isoformat()
    response = client.post(f"/guidance/{hour.id}/book?lang=sv", data={
        "start": start, "name": "Sara", "email": "sara@example.org", "consent": "y", "locale": "sv"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "guidance_booked"))
        appointment = db.session.scalar(select(GuidanceAppointment))
        assert appointment.locale == "sv"
        assert "Berghälls invånarlokal" in mail.text_body and "Kallion asukastila" not in mail.text_body
        assert "Berghälls invånarlokal" in _unfold(mail.ics)


def test_the_api_gives_it_to_staff_and_bookers_only(client, make):
    hour = _online_hour(make)
    booker = make.user("ngo", email="varaaja@example.org")
    make.appointment(hour, email="varaaja@example.org")

    def link(headers=None):
        listed = client.get("/api/v1/guidance-hours", headers=headers or {})
        one = client.get(f"/api/v1/guidance-hours/{hour.id}", headers=headers or {})
        assert listed.status_code == 200 and one.status_code == 200
        return [h["online_url"] for h in listed.json if h["id"] == hour.id] + [one.json["online_url"]]

    assert link() == [None, None]
    assert link(make.auth("ngo")) == [None, None]
    assert link(make.auth("staff")) == [URL, URL]
    assert link({"Authorization": f"Bearer {make.token(booker)}"}) == [URL, URL]


def test_an_appointment_booked_for_someone_else_is_not_listed_as_the_users_own(app, client, make, login):
    hour = make.guidance_hour()
    user = make.user("ngo", email="varaaja@example.org")
    other = make.appointment(hour, user_id=user.id, email="joku.muu@example.org")
    with app.app_context():
        token = tokens.appointment_token(db.session.get(GuidanceAppointment, other.id))
    login(user)
    assert f"/guidance/appointments/{token}" not in client.get("/guidance/").get_data(as_text=True)
