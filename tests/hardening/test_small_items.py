"""The smaller findings of the security review (issue 11, item 8), one test each."""
from __future__ import annotations

import base64
import json
import zlib

import pytest
from flask import render_template
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import Registration


# --- Cache-Control: no-store on personal non-HTML responses ---------------------------------------

def test_personal_api_and_exports_are_never_stored(app, client, make, login):
    occurrence = make.occurrence()
    make.registration(occurrence)
    staff = make.user("staff")
    headers = {"Authorization": f"Bearer {make.token(staff)}"}
    for path in (f"/api/v1/occurrences/{occurrence.id}/registrations", "/api/v1/reports/cooperation",
                 "/api/v1/organizations"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    login(staff)
    for path in ("/reports/cooperation.csv", "/reports/cooperation.xlsx",
                 f"/meetings/occurrences/{occurrence.id}/registrations.csv"):
        response = client.get(path)
        if response.status_code == 404:
            continue  # path spelled differently: covered by the url_map walk below
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_every_non_html_get_for_a_logged_in_user_is_no_store(app, client, make, login):
    """Walk every GET route without path parameters as staff: nothing personal may be cached."""
    login(make.user("staff"))
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        response = client.get(rule.rule)
        if response.status_code == 200 and response.mimetype != "text/html":
            assert "no-store" in response.headers.get("Cache-Control", ""), rule.rule
            checked += 1
    assert checked >= 3


def test_public_api_stays_cacheable(client, make):
    make.occurrence()
    assert "no-store" not in client.get("/api/v1/series").headers.get("Cache-Control", "")


# --- a new API token is not kept in the session cookie ----------------------------------------------

def _session_payload(client) -> str:
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    value = cookie.value
    compressed = value.startswith(".")
    data = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_new_api_token_is_shown_once_and_never_put_in_the_session_cookie(app, client, make, login):
    login(make.user("ngo"))
    response = client.post("/profile/tokens", data={"label": "Integraatio"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "kht_" in html
    token = html.split("kht_", 1)[1].split("<", 1)[0]
    assert "kht_" not in _session_payload(client) and token not in _session_payload(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert "kht_" not in client.get("/profile").get_data(as_text=True)  # shown once


# --- web addresses: http(s) only, no control characters ----------------------------------------------

BAD_URLS = ["javascript:alert(1)", "javascript://example.org/%0aalert(1)", "data:text/html,<script>",
            "https://example.org/\nBcc", "https://exa\tmple.org/", "ftp://example.org/", "https://exa mple.org/",
            "https://example.org/\x7f", "//example.org/"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_organisation_website_must_be_http(app, client, make, login, url):
    login(make.user("staff"))
    response = client.post("/organizations/new", data={"name": "Yhdistys ry", "email": "y@example.org",
                                                      "website": url})
    assert response.status_code == 400, url
    from app.accounts.services import clean_organization_data
    from app.errors import ValidationError

    with app.app_context(), pytest.raises(ValidationError):
        clean_organization_data({"name": "Yhdistys ry", "email": "y@example.org", "website": url})


@pytest.mark.parametrize("url", BAD_URLS)
def test_online_link_must_be_http(app, client, make, url):
    body = {"title": {"fi": "Verkkotapaaminen"}, "start": "2027-03-02T17:00", "duration_minutes": 60,
            "capacity": 10, "online_url": url}
    response = client.post("/api/v1/series", json=body, headers=make.auth("staff"))
    assert response.status_code == 422 and "online_url" in response.json["fields"], url


def test_good_web_addresses_are_accepted(app, make):
    from app.core.urls import is_web_url

    for url in ("https://example.org/", "http://example.org/a?b=c#d", "https://esimerkki-ä.fi/polku",
                "HTTPS://EXAMPLE.ORG"):
        assert is_web_url(url), url


# --- the staff space feed: its own feed token, never an API token ------------------------------------

def test_space_feed_refuses_an_api_token(app, client, make):

    space = make.space()
    staff = make.user("staff")
    response = client.get(f"/calendar/spaces/{space.id}.ics", query_string={"token": make.token(staff)})
    assert response.status_code == 404


# --- the language switch (a GET) never changes the stored profile ------------------------------------

def test_switching_language_with_a_link_does_not_touch_the_profile(app, client, make, login):
    user = make.user("ngo", locale="fi")
    login(user)
    assert client.get("/lang/sv?next=/").status_code == 302
    assert "lang=\"sv\"" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).locale == "fi"


def test_the_profile_saves_the_language_with_a_post(app, client, make, login):
    user = make.user("ngo", locale="fi")
    login(user)
    assert 'name="locale"' in client.get("/profile").get_data(as_text=True)
    response = client.post("/profile/language", data={"locale": "en"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"
    assert client.post("/profile/language", data={"locale": "xx"}).status_code == 400


# --- topic proposals: limited per user per meeting; pages paginated ----------------------------------

def test_topic_proposals_are_limited_per_user_per_meeting(app, client, make, login):
    app.config["TOPICS_PER_USER_PER_OCCURRENCE"] = 3
    try:
        occ = make.occurrence()
        login(make.user("ngo"))
        statuses = [client.post(f"/topics/occurrences/{occ.id}", data={"title": f"Aihe numero {n}"}).status_code
                    for n in range(4)]
        assert statuses == [302, 302, 302, 400]
        assert "3" in client.post(f"/topics/occurrences/{occ.id}", data={"title": "Vielä yksi"}).get_data(as_text=True)
        api = client.application.test_client().post(
            f"/api/v1/occurrences/{occ.id}/topics", json={"title": "API-aihe"}, headers=make.auth("ngo"))
        assert api.status_code == 201  # another user has their own allowance
    finally:
        app.config["TOPICS_PER_USER_PER_OCCURRENCE"] = 5


def test_topic_page_of_an_occurrence_is_paginated(app, client, make, login):
    occ = make.occurrence()
    users = [make.user("ngo") for _ in range(3)]
    for n in range(60):
        make.topic(occ, title=f"Aihe {n:02d}", proposer_id=users[n % 3].id, votes_count=0)
    login(users[0])
    first = client.get(f"/topics/occurrences/{occ.id}").get_data(as_text=True)
    assert first.count('class="topic"') <= 25 or first.count("Aihe ") <= 30
    assert "page=2" in first
    second = client.get(f"/topics/occurrences/{occ.id}?page=2")
    assert second.status_code == 200
    api = client.get(f"/api/v1/occurrences/{occ.id}/topics", headers=make.auth("ngo"))
    assert len(api.json) <= 100


# --- password reset: the same work for known and unknown addresses ------------------------------------

def test_password_reset_does_the_same_work_for_known_and_unknown(app, client, make, monkeypatch):
    """Timing is not measured (flaky); instead both paths must do the same expensive steps."""
    import app.accounts.views as views

    user = make.user("ngo")
    calls: list[str] = []
    real_render = views.render_reset_mail

    def spy(*args, **kwargs):
        calls.append("render")
        return real_render(*args, **kwargs)
    monkeypatch.setattr(views, "render_reset_mail", spy)
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody-here@example.org"})
    assert calls == ["render", "render"]
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # only the real one is sent


# --- the registration form does not tell whether an address is registered ----------------------------

FORM = {"name": "Maija", "organization_id": "", "organization_name": "", "seats": "1", "needs": "", "consent": "y"}


def test_registration_form_answers_the_same_for_a_registered_address(app, client, make):
    occurrence = make.occurrence(capacity=10)
    make.registration(occurrence, email="taken@example.org")
    new = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en", data=dict(FORM, email="fresh@example.org"))
    again = app.test_client().post(f"/meetings/occurrences/{occurrence.id}?lang=en",
                                   data=dict(FORM, email="taken@example.org"))
    assert new.status_code == again.status_code == 302
    assert new.headers["Location"] == again.headers["Location"]  # no manage link in the answer
    page_new = client.get(new.headers["Location"]).get_data(as_text=True)
    page_again = app.test_client().get(again.headers["Location"]).get_data(as_text=True)
    assert "taken@example.org" not in page_again and "fresh@example.org" not in page_new
    with app.app_context():
        kinds = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.kind)).all())
        assert db.session.scalar(select(func.count(Registration.id))) == 2
    assert kinds["fresh@example.org"] == "registration_confirmed"
    assert kinds["taken@example.org"] == "registration_already"  # the owner learns it, nobody else
