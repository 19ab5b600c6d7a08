"""A group contact registers colleagues (their registrations carry the contact's ``user_id`` and the
colleague's own address): those dates are the colleague's, not the contact's. The contact's personal
feed, "My registrations" and the online link follow the contact's own address; the colleague's
feed has the date (and its link)."""
from __future__ import annotations

import pytest

from app.calendar.tokens import personal_feed_token
from app.extensions import db

URL = "https://teams.example/vain-ilmoittautuneille"


@pytest.fixture
def group(make):
    org = make.organization(name="Kumpulan kyläyhdistys ry")
    contact = make.user("ngo", organization=org, email="yhteys@example.org")
    colleague = make.user("ngo", organization=org, email="kollega@example.org")
    series = make.series(occurrences=2, online_url=URL, location=None, title_fi="Vain kollegan tapaaminen")
    occurrence = make.occurrences(series)[0]
    make.registration(occurrence, email="kollega@example.org", name="Kollega", user_id=contact.id)
    return contact, colleague, series, occurrence


def _feed(app, client, user):
    with app.app_context():
        token = personal_feed_token(db.session.merge(user))
    response = client.get(f"/calendar/u/{token}.ics")
    assert response.status_code == 200
    return response.get_data(as_text=True).replace("\r\n ", "").replace("\\", "")


def test_the_contacts_feed_leaves_out_a_colleague_only_date_and_its_link(app, client, group):
    contact, colleague, _series, _occurrence = group
    feed = _feed(app, client, contact)
    assert "Vain kollegan tapaaminen" not in feed and URL not in feed
    own = _feed(app, client, colleague)
    assert "Vain kollegan tapaaminen" in own and URL in own


def test_the_contacts_own_registration_is_in_their_feed(app, client, make, group):
    contact, _colleague, series, occurrence = group
    make.registration(occurrence, email="yhteys@example.org", user_id=contact.id)
    feed = _feed(app, client, contact)
    assert "Vain kollegan tapaaminen" in feed and URL in feed


def test_my_registrations_of_the_contact_do_not_list_the_colleagues_date(client, login, group):
    contact, colleague, _series, _occurrence = group
    login(contact)
    assert "Vain kollegan tapaaminen" not in client.get("/registrations/mine?lang=en").get_data(as_text=True)
    login(colleague)
    assert "Vain kollegan tapaaminen" in client.get("/registrations/mine?lang=en").get_data(as_text=True)


def test_the_contact_does_not_see_the_online_link_of_a_colleague_only_date(client, login, group):
    contact, _colleague, series, occurrence = group
    login(contact)
    assert URL not in client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert URL not in client.get(f"/meetings/{series.id}?lang=en").get_data(as_text=True)


def test_the_group_page_still_lists_the_colleague(client, login, group):
    contact, _colleague, _series, occurrence = group
    login(contact)
    assert "kollega@example.org" in client.get(f"/meetings/occurrences/{occurrence.id}/group?lang=en").get_data(
        as_text=True)


def test_the_contacts_data_request_leaves_the_colleagues_registration_alone(app, client, login, group):
    from app.meetings.models import Registration
    from sqlalchemy import select

    contact, _colleague, _series, occurrence = group
    login(contact)
    assert "kollega@example.org" not in client.get("/privacy/my-data").get_data(as_text=True)
    response = client.post("/privacy/my-data/erase", data={"confirm_email": "yhteys@example.org"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Registration).where(Registration.occurrence_id == occurrence.id))
        assert (row.email, row.status) == ("kollega@example.org", "confirmed")
