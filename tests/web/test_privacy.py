"""Privacy pages: "My data" and the registration token page."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.accounts.models import User
from app.core.audit import AuditEvent
from app.extensions import db
from app.meetings.models import Registration
from app.meetings.tokens import registration_token


def _token(app, registration) -> str:
    with app.app_context():
        return registration_token(db.session.get(Registration, registration.id))


def test_profile_links_to_my_data(client, make, login):
    login(make.user("ngo"))
    assert 'href="/privacy/my-data"' in client.get("/profile").get_data(as_text=True)


def test_my_data_requires_login(client):
    assert client.get("/privacy/my-data").status_code == 302
    assert client.get("/privacy/my-data/export.json").status_code == 302
    assert client.post("/privacy/my-data/erase").status_code == 302


def test_my_data_lists_registrations_and_downloads_json(app, client, make, login):
    user = make.user("ngo", email="oma@example.org")
    make.registration(make.occurrence(title_fi="Kevään verkostotapaaminen"), user_id=user.id,
                      email="oma@example.org")
    login(user)
    html = client.get("/privacy/my-data").get_data(as_text=True)
    assert "Kevään verkostotapaaminen" in html and "oma@example.org" in html
    response = client.get("/privacy/my-data/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == "oma@example.org"
    assert data["registrations"][0]["meeting"]["title"]["fi"] == "Kevään verkostotapaaminen"
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "privacy.export"))


def test_my_data_empty_state(client, make, login):
    login(make.user("ngo"))
    assert "No registrations with personal data." in client.get("/privacy/my-data?lang=en").get_data(as_text=True)


def test_erasure_needs_the_retyped_email(app, client, make, login):
    user = make.user("ngo", email="varmistus@example.org")
    login(user)
    page = client.get("/privacy/my-data/erase")
    assert page.status_code == 200 and 'name="confirm_email"' in page.get_data(as_text=True)
    response = client.post("/privacy/my-data/erase", data={"confirm_email": "joku@example.org"})
    assert response.status_code == 400
    assert client.post("/privacy/my-data/erase", data={}).status_code == 400
    with app.app_context():
        assert db.session.get(User, user.id).active


def test_erasure_closes_account_logs_out_and_audits(app, client, make, login):
    user = make.user("ngo", email="lahtija@example.org")
    registration = make.registration(make.occurrence(), user_id=user.id, email="lahtija@example.org")
    login(user)
    response = client.post("/privacy/my-data/erase", data={"confirm_email": " Lahtija@Example.org "})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/profile").status_code == 302  # logged out
    login_again = client.post("/login", data={"email": "lahtija@example.org", "password": "correct-horse-battery"})
    assert login_again.status_code == 400
    with app.app_context():
        assert not db.session.get(User, user.id).active
        row = db.session.get(Registration, registration.id)
        assert row.email.endswith("@anonymised.invalid") and row.status == "cancelled"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.erase"))
        assert event.actor_id == user.id


def test_last_admin_sees_an_error_instead_of_erasure(app, client, make, login):
    admin = make.user("admin")
    login(admin)
    response = client.post("/privacy/my-data/erase?lang=en", data={"confirm_email": admin.email})
    assert response.status_code == 400 and "last active administrator" in response.get_data(as_text=True)


def test_registration_token_page_shows_exports_and_erases(app, client, make):
    registration = make.registration(make.occurrence(title_fi="Syysilta"), name="Tilitön Tiina",
                                     email="tiina@example.org", needs="induktiosilmukka")
    token = _token(app, registration)
    html = client.get(f"/privacy/registration/{token}").get_data(as_text=True)
    assert "Tilitön Tiina" in html and "induktiosilmukka" in html and "Syysilta" in html
    export = client.get(f"/privacy/registration/{token}/export.json")
    assert export.status_code == 200 and json.loads(export.data)["registrations"][0]["name"] == "Tilitön Tiina"
    assert client.get(f"/privacy/registration/{token}/erase").status_code == 200
    wrong = client.post(f"/privacy/registration/{token}/erase", data={"confirm_email": "x@example.org"})
    assert wrong.status_code == 400
    response = client.post(f"/privacy/registration/{token}/erase", data={"confirm_email": "tiina@example.org"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Registration, registration.id)
        assert row.name == "" and row.needs is None and row.anonymised_at is not None
    assert client.get(f"/privacy/registration/{token}").status_code == 404  # the link is dead now


def test_registration_token_page_refuses_bad_tokens(app, client, make):
    registration = make.registration(make.occurrence())
    token = _token(app, registration)
    for bad in (token[:-2] + "xx", "abc", token + "a"):
        assert client.get(f"/privacy/registration/{bad}").status_code == 404
        assert client.get(f"/privacy/registration/{bad}/export.json").status_code == 404
        assert client.post(f"/privacy/registration/{bad}/erase", data={}).status_code == 404


def test_privacy_notice_states_retention_and_rights(client):
    for lang, words in (("fi", ("30 päivän", "Omat tiedot")), ("sv", ("30 dagar", "Mina uppgifter")),
                        ("en", ("30 days", "My data"))):
        html = client.get(f"/privacy?lang={lang}").get_data(as_text=True)
        assert all(word in html for word in words), lang


def test_my_data_query_count_does_not_grow(client, make, login, count_queries):
    user = make.user("ngo")
    for _ in range(2):
        make.registration(make.occurrence(), user_id=user.id, email=user.email,
                          organization_id=make.organization().id)
    login(user)
    with count_queries() as few:
        assert client.get("/privacy/my-data").status_code == 200
    for _ in range(6):
        make.registration(make.occurrence(), user_id=user.id, email=user.email,
                          organization_id=make.organization().id)
    with count_queries() as many:
        assert client.get("/privacy/my-data").status_code == 200
    assert many.count == few.count
