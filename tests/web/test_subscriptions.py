"""Subscription pages and the one-click unsubscribe link, through a real SMTP server."""
from __future__ import annotations

from urllib.parse import urlsplit

from app.extensions import db
from app.mail import services as mail
from app.subscriptions import delivery
from app.subscriptions.models import Subscription
from app.subscriptions.tokens import unsubscribe_token


def _count(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Subscription.id)).where(Subscription.user_id == user_id))


def test_mail_has_one_click_headers_and_the_link_works_without_login(app, make, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # mail clients post without a token
    user = make.user("ngo", email="tilaaja@example.org")
    theme = make.default_theme().id
    make.subscription(user, theme=theme)
    kept = make.subscription(user, district="western", frequency="weekly").id
    make.series(themes=[theme], title_fi="Asukastilojen ilta")
    with app.app_context():
        assert delivery.send_immediate(__import__("app.core.types", fromlist=["utcnow"]).utcnow()) == 1
        assert mail.deliver_due() == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert "Asukastilojen ilta" in message["Subject"]
    header = message["List-Unsubscribe"]
    assert header.startswith("<http://kohtaamo.test/subscriptions/unsubscribe/") and header.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    text = message.get_body(("plain",)).get_content()
    assert url in text
    path = urlsplit(url).path
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "Asukastilat" in page.get_data(as_text=True)
    assert _count(app, user.id) == 2  # a GET (a link scanner) changes nothing
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert _count(app, user.id) == 1
    with app.app_context():
        assert db.session.get(Subscription, kept) is not None  # only what the mail came from
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # again: harmless


def test_a_bad_or_foreign_token_does_nothing(app, make, client):
    user = make.user("ngo")
    other = make.user("ngo")
    mine = make.subscription(user, district="eastern").id
    with app.app_context():
        token = unsubscribe_token(user.id, [mine])
        foreign = unsubscribe_token(other.id, [mine])  # names my subscription as someone else's
    assert client.post(f"/subscriptions/unsubscribe/{token[:-3]}xyz").status_code == 404
    assert client.post(f"/subscriptions/unsubscribe/{foreign}").status_code == 200
    assert _count(app, user.id) == 1


def test_manage_page_empty_add_and_remove_with_confirmation(app, make, client, login):
    user = make.user("ngo", locale="fi")
    theme = make.default_theme().id
    login(user)
    page = client.get("/subscriptions/")
    assert page.status_code == 200 and "Sinulla ei ole vielä tilauksia" in page.get_data(as_text=True)
    prefilled = client.get(f"/subscriptions/?theme_id={theme}").get_data(as_text=True)
    assert f'<option selected value="{theme}">' in prefilled
    response = client.post("/subscriptions/", data={"theme_id": str(theme), "district": "", "frequency": "weekly"})
    assert response.status_code == 302
    listed = client.get("/subscriptions/").get_data(as_text=True)
    assert "Asukastilat" in listed and "Viikkokooste" in listed
    again = client.post("/subscriptions/", data={"theme_id": str(theme), "frequency": "immediate"})
    assert again.status_code == 409 and "Tilaat jo tämän" in again.get_data(as_text=True)
    nothing = client.post("/subscriptions/", data={"theme_id": "", "district": "", "frequency": "weekly"})
    assert nothing.status_code == 400
    with app.app_context():
        sub_id = db.session.scalar(db.select(Subscription.id).where(Subscription.user_id == user.id))
    confirm = client.post(f"/subscriptions/{sub_id}/delete")
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.get_data(as_text=True)
    assert _count(app, user.id) == 1
    assert client.post(f"/subscriptions/{sub_id}/delete", data={"confirm": "1"}).status_code == 302
    assert _count(app, user.id) == 0


def test_someone_elses_subscription_is_not_found(app, make, client, login):
    owner = make.user("ngo")
    sub_id = make.subscription(owner, district="eastern").id
    login(make.user("ngo"))
    assert client.post(f"/subscriptions/{sub_id}/delete", data={"confirm": "1"}).status_code == 404
    assert _count(app, owner.id) == 1


def test_links_from_the_profile_and_the_meetings_list(app, make, client, login):
    theme = make.default_theme().id
    assert f"/subscriptions/?theme_id={theme}" in client.get(f"/meetings?theme={theme}").get_data(as_text=True)
    login(make.user("ngo"))
    assert "/subscriptions/" in client.get("/profile").get_data(as_text=True)
