"""Logout, password reset, deactivation and erasure end every session of the user (issue 11, item 6).

A stolen or forgotten session cookie (signed, client-side, valid for weeks) must stop working.
"""
from __future__ import annotations

from click.testing import Result
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import User
from app.extensions import db

PASSWORD = "correct-horse-battery"


def _logged_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    return client


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A second device (or a thief) holding a copy of the cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_logout_ends_every_session_of_the_user(app, make):
    user = make.user("ngo")
    laptop = _logged_in(app, user)
    phone = _logged_in(app, user)
    stolen = _cookie(laptop)
    assert laptop.post("/logout").status_code == 302
    assert _replay(app, stolen).get("/profile").status_code == 302  # the copied cookie is dead
    assert phone.get("/profile").status_code == 302  # and so is the other device


def test_password_reset_ends_every_session(app, make):
    user = make.user("ngo")
    browser = _logged_in(app, user)
    with app.app_context():
        token = services.make_password_reset_token(db.session.get(User, user.id))
    response = app.test_client().post(f"/password/reset/{token}",
                                      data={"password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert response.status_code == 302
    assert browser.get("/profile").status_code == 302


def test_set_password_service_ends_sessions(app, make):
    user = make.user("ngo")
    browser = _logged_in(app, user)
    with app.app_context():
        services.set_password(db.session.get(User, user.id), "another-long-password")
        db.session.commit()
    assert browser.get("/profile").status_code == 302


def test_deactivation_ends_every_session(app, make, runner):
    user = make.user("ngo")
    browser = _logged_in(app, user)
    result: Result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0, result.output
    assert browser.get("/profile").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.active).where(User.id == user.id)) is False
    relogin = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert relogin.status_code == 400


def test_deactivating_an_unknown_user_exits_non_zero(runner, app):
    result = runner.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert result.exit_code != 0 and result.output.strip()


def test_erasure_ends_every_session(app, make):
    user = make.user("ngo")
    browser = _logged_in(app, user)
    other = _logged_in(app, user)
    page = browser.get("/privacy/my-data")
    assert page.status_code == 200
    response = browser.post("/privacy/my-data/erase", data={"confirm_email": user.email})
    assert response.status_code in (302, 303), response.status_code
    assert other.get("/profile").status_code == 302


def test_a_new_login_after_logout_works(app, make):
    user = make.user("ngo")
    client = _logged_in(app, user)
    client.post("/logout")
    _logged_in(app, user)
