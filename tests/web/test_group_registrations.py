"""Group registration pages: add people in one go, see the group, remove one with confirmation."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, Registration


@pytest.fixture
def contact(make):
    return make.user("ngo", organization=make.organization(name="Kumpulan kyläyhdistys ry"),
                     email="yhteys@example.org", name="Yhteys Henkilö")


def _rows(*people):
    data = {}
    for i, (name, email) in enumerate(people):
        data[f"name-{i}"], data[f"email-{i}"] = name, email
    return data


def _registrations(app):
    with app.app_context():
        return [(r.email, r.status) for r in db.session.scalars(
            select(Registration).order_by(Registration.id))]


def test_occurrence_page_links_to_the_group_form_for_organisation_users(client, make, login, contact):
    occurrence = make.occurrence()
    assert "register-group" not in client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    login(contact)
    html = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert f'href="/meetings/occurrences/{occurrence.id}/group"' in html


def test_a_contact_registers_three_colleagues_in_one_go(app, client, make, login, contact):
    occurrence = make.occurrence(capacity=10)
    login(contact)
    page = client.get(f"/meetings/occurrences/{occurrence.id}/group?lang=en")
    assert page.status_code == 200 and 'name="email-2"' in page.get_data(as_text=True)
    response = client.post(f"/meetings/occurrences/{occurrence.id}/group?rows=3&lang=en", data=_rows(
        ("Aino A", "aino@example.org"), ("Bertil B", "bertil@example.org"), ("Cecilia C", "cecilia@example.org")))
    assert response.status_code == 302
    assert _registrations(app) == [("aino@example.org", "confirmed"), ("bertil@example.org", "confirmed"),
                                   ("cecilia@example.org", "confirmed")]
    html = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "3 people registered" in html and "Bertil B" in html and "cecilia@example.org" in html
    with app.app_context():
        recipients = sorted(m.recipient for m in db.session.scalars(select(OutboxMessage)))
    assert recipients == ["aino@example.org", "bertil@example.org", "cecilia@example.org"]
    # The contact registered others, not themself: the page still offers them a seat.
    own = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert "You are registered for this meeting" not in own and 'type="submit"' in own


def test_errors_are_shown_next_to_the_row_and_nothing_is_saved(app, client, make, login, contact):
    occurrence = make.occurrence()
    login(contact)
    response = client.post(f"/meetings/occurrences/{occurrence.id}/group?rows=3&lang=en", data=_rows(
        ("Aino A", "aino@example.org"), ("Bertil B", "not-an-address")))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-1-error"' in html and "Enter a valid email address." in html
    assert 'value="Aino A"' in html  # what was typed is kept
    assert _registrations(app) == []


def test_a_group_over_the_limit_is_refused_with_a_clear_message(app, client, make, login, contact):
    app.config["API_PROXY_REGISTRATIONS_PER_OCCURRENCE"] = 2
    try:
        occurrence = make.occurrence()
        login(contact)
        response = client.post(f"/meetings/occurrences/{occurrence.id}/group?rows=3&lang=en", data=_rows(
            ("A", "a@example.org"), ("B", "b@example.org"), ("C", "c@example.org")))
        assert response.status_code == 409
        assert "at most 2 other people" in response.get_data(as_text=True)
        assert _registrations(app) == []
    finally:
        app.config.pop("API_PROXY_REGISTRATIONS_PER_OCCURRENCE")


def test_removing_a_person_asks_first_then_frees_the_seat(app, client, make, login, contact):
    occurrence = make.occurrence(capacity=2)
    login(contact)
    client.post(f"/meetings/occurrences/{occurrence.id}/group?rows=3", data=_rows(
        ("Aino A", "aino@example.org"), ("Bertil B", "bertil@example.org"), ("Cecilia C", "cecilia@example.org")))
    assert [s for _e, s in _registrations(app)] == ["confirmed", "confirmed", "waitlisted"]
    with app.app_context():
        aino = db.session.scalar(select(Registration.id).where(Registration.email == "aino@example.org"))
    path = f"/meetings/occurrences/{occurrence.id}/group/{aino}/remove"
    ask = client.post(path + "?lang=en")
    assert ask.status_code == 200 and "Remove Aino A from the group?" in ask.get_data(as_text=True)
    assert [s for _e, s in _registrations(app)] == ["confirmed", "confirmed", "waitlisted"]
    done = client.post(path, data={"confirm": "1"})
    assert done.status_code == 302
    assert _registrations(app) == [("aino@example.org", "cancelled"), ("bertil@example.org", "confirmed"),
                                   ("cecilia@example.org", "confirmed")]
    with app.app_context():
        assert db.session.get(MeetingOccurrence, occurrence.id).seats_taken == 2


def test_someone_elses_registration_cannot_be_removed(app, client, make, login, contact):
    occurrence = make.occurrence()
    other = make.registration(occurrence)
    login(contact)
    assert client.post(f"/meetings/occurrences/{occurrence.id}/group/{other.id}/remove",
                       data={"confirm": "1"}).status_code == 404
    assert _registrations(app) == [(other.email, "confirmed")]


def test_a_user_without_an_organisation_is_told_why(client, make, login):
    occurrence = make.occurrence()
    login(make.user("ngo"))
    response = client.get(f"/meetings/occurrences/{occurrence.id}/group?lang=en")
    assert response.status_code == 200 and "belongs to an organisation" in response.get_data(as_text=True)
    assert 'name="email-0"' not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client, make):
    occurrence = make.occurrence()
    assert client.get(f"/meetings/occurrences/{occurrence.id}/group").status_code == 302


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_group_page_in_every_language(client, make, login, contact, lang):
    occurrence = make.occurrence()
    login(contact)
    assert client.get(f"/meetings/occurrences/{occurrence.id}/group?lang={lang}").status_code == 200
