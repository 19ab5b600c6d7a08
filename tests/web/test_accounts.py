"""Login, logout, rate limiting, password reset by mail, API tokens on the profile page."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import ApiToken
from app.extensions import db
from app.mail.models import OutboxMessage


def test_login_and_logout(client, make):
    user = make.user("staff")
    response = client.post("/login?next=/organizations/", data={"email": user.email,
                                                                 "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.headers["Location"] == "/organizations/"
    assert client.get("/organizations/").status_code == 200
    client.post("/logout")
    assert client.get("/organizations/").status_code == 302


def test_wrong_password_reshows_form_with_message(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": "väärin"})
    assert response.status_code == 400
    assert "Väärä sähköpostiosoite tai salasana." in response.get_data(as_text=True)


def test_login_form_field_errors(client):
    response = client.post("/login", data={"email": "ei-osoite", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and "Anna salasanasi." in html


def test_login_is_rate_limited(app, client, make):
    user = make.user()
    app.extensions["limiter"].reset() if hasattr(app.extensions.get("limiter"), "reset") else None
    from app.extensions import limiter

    limiter.reset()
    statuses = [client.post("/login", data={"email": user.email, "password": "väärin"}).status_code
                for _ in range(12)]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]
    limiter.reset()


def test_password_reset_flow(app, client, make):
    user = make.user(email="unohtaja@example.org")
    response = client.post("/password/forgot", data={"email": "unohtaja@example.org"})
    assert response.status_code == 302
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
        link = re.search(r"http://kohtaamo.test(/password/reset/\S+)", message.text_body).group(1)
    response = client.post(link, data={"password": "uusi-hyvä-salasana", "confirm": "uusi-hyvä-salasana"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": user.email, "password": "uusi-hyvä-salasana"}).status_code == 302
    client.post("/logout")
    assert client.get(link).status_code == 400  # used: the link no longer works


def test_forgot_password_does_not_reveal_accounts(app, client):
    response = client.post("/password/forgot", data={"email": "tuntematon@example.org"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage)) is None


def test_token_is_shown_once_and_revocable(app, client, make, login):
    user = make.user("staff")
    login(user)
    first = client.post("/profile/tokens", data={"label": "raportit"}).get_data(as_text=True)
    plain = re.search(r'<code class="token">(kht_[\w-]+)</code>', first).group(1)
    assert plain not in client.get("/profile").get_data(as_text=True)
    assert client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    page = client.post(f"/profile/tokens/{token_id}/revoke")  # confirmation first: still valid
    assert page.status_code == 200 and 'name="confirm" value="1"' in page.get_data(as_text=True)
    client.post(f"/profile/tokens/{token_id}/revoke", data={"confirm": "1"})
    assert client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
