""""Send me my manage link again": the same page for every address, mail only to a registered one
(through a real SMTP server), rate-limited."""
from __future__ import annotations

import pytest

from app.extensions import db, limiter
from app.mail import services as mail
from app.meetings.models import Registration
from app.meetings.tokens import registration_token


@pytest.fixture(autouse=True)
def _fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


def _answer(client, email):
    response = client.post("/registrations/manage-link?lang=en", data={"email": email})
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=en")
    return response.headers["Location"], page.status_code, page.get_data(as_text=True)


def test_registered_and_unknown_addresses_get_the_same_page_and_only_one_gets_mail(app, client, make,
                                                                                    smtp_server):
    first = make.occurrence(title_fi="Järjestöfoorumi")
    second = make.occurrence(title_fi="Lähiötreffit")
    one = make.registration(first, email="maija@example.org", name="Maija")
    two = make.registration(second, email="maija@example.org", name="Maija", status="waitlisted")
    make.registration(second, email="someone@example.org", status="cancelled")
    registered = _answer(client, "Maija@Example.org")
    unknown = _answer(client, "nobody@example.org")
    cancelled_only = _answer(client, "someone@example.org")
    assert registered == unknown == cancelled_only
    assert "If the address is registered" in registered[2]
    with app.app_context():
        assert mail.deliver_due() == (1, 0)
        tokens = [registration_token(db.session.get(Registration, r.id)) for r in (one, two)]
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "maija@example.org"
    text = message.get_body(("plain",)).get_content()
    assert "Järjestöfoorumi" in text and "Lähiötreffit" in text
    for token in tokens:
        assert f"/registrations/manage/{token}" in text


def test_the_form_is_on_the_occurrence_page_and_the_check_your_email_page(client, make):
    occurrence = make.occurrence()
    for path in (f"/meetings/occurrences/{occurrence.id}", f"/meetings/occurrences/{occurrence.id}/received"):
        html = client.get(path + "?lang=en").get_data(as_text=True)
        assert 'action="/registrations/manage-link"' in html and "Send me my link again" in html


def test_a_malformed_address_is_told_and_nothing_is_sent(app, client):
    response = client.post("/registrations/manage-link?lang=en", data={"email": "not an address"})
    assert response.status_code == 400 and "Enter a valid email address." in response.get_data(as_text=True)


def test_requests_are_rate_limited_per_address(app, client, make):
    statuses = [client.post("/registrations/manage-link", data={"email": "maija@example.org"},
                            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(5)]
    assert statuses[:3] == [302, 302, 302] and statuses[3:] == [429, 429]


def test_requests_are_rate_limited_per_client(app, client):
    statuses = [client.post("/registrations/manage-link", data={"email": f"p{i}@example.org"}).status_code
                for i in range(12)]
    assert statuses[:10] == [302] * 10 and statuses[10:] == [429, 429]
