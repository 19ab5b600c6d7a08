"""Sign-up services without HTTP: verification link, no account enumeration, expiry, resend."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import services as accounts, signup
from app.accounts.membership_models import PendingSignup
from app.accounts.models import User
from app.core.types import utcnow
from app.errors import Conflict, ValidationError
from app.mail import services as mail
from app.mail.models import OutboxMessage

PASSWORD = "a-long-enough-password"


def _start(email="uusi@example.org", **kwargs):
    values = dict(name="Uusi Ihminen", email=email, password=PASSWORD, locale="fi", privacy_accepted=True)
    values.update(kwargs)
    signup.start_signup(**values)


def _link_token(ctx, email: str) -> str:
    row = ctx.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                      .order_by(OutboxMessage.id.desc())).first()
    return row.text_body.split("/signup/verify/")[1].split()[0]


def test_signup_mails_a_link_and_the_account_exists_only_after_it(ctx, smtp_server):
    _start()
    ctx.commit()
    assert ctx.scalar(select(User).where(User.email == "uusi@example.org")) is None
    assert accounts.authenticate("uusi@example.org", PASSWORD) is None
    assert mail.deliver_due() == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "uusi@example.org"
    text = message.get_body(("plain",)).get_content()
    token = text.split("http://kohtaamo.test/signup/verify/")[1].split()[0]
    user = signup.verify(token)
    ctx.commit()
    assert user.role == "ngo" and user.name == "Uusi Ihminen" and user.email_verified_at is not None
    assert accounts.authenticate("uusi@example.org", PASSWORD).id == user.id
    assert ctx.scalar(select(PendingSignup)) is None
    with pytest.raises(ValidationError):  # used once
        signup.verify(token)


def test_known_address_gets_a_reminder_not_a_second_account(ctx, make, smtp_server):
    existing = make.user("ngo", email="vanha@example.org")
    _start(email="Vanha@Example.org")
    ctx.commit()
    assert ctx.scalar(select(PendingSignup)) is None
    assert mail.deliver_due() == (1, 0)
    [message] = smtp_server.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert "/password/reset/" in text and "/signup/verify/" not in text
    assert ctx.scalar(select(User).where(User.email == "vanha@example.org")).id == existing.id


def test_input_is_checked_all_at_once(ctx):
    with pytest.raises(ValidationError) as caught:
        signup.start_signup(name=" ", email="not-an-address", password="short", locale="xx",
                            privacy_accepted=False)
    assert set(caught.value.fields) == {"name", "email", "password", "locale", "privacy"}


def test_expired_and_tampered_links_are_refused(ctx, app):
    _start()
    ctx.commit()
    token = _link_token(ctx, "uusi@example.org")
    with pytest.raises(ValidationError) as caught:
        signup.verify(token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"))
    assert caught.value.code == "invalid_token"
    app.config["SIGNUP_LINK_MAX_AGE"] = -1  # every link is too old
    try:
        with pytest.raises(ValidationError) as caught:
            signup.verify(token)
        assert caught.value.code == "expired"
    finally:
        app.config.pop("SIGNUP_LINK_MAX_AGE")


def test_a_new_signup_replaces_the_earlier_link(ctx):
    _start()
    ctx.commit()
    first = _link_token(ctx, "uusi@example.org")
    _start(password="another-long-password")
    ctx.commit()
    second = _link_token(ctx, "uusi@example.org")
    with pytest.raises(ValidationError):
        signup.verify(first)
    user = signup.verify(second)
    ctx.commit()
    assert accounts.authenticate(user.email, "another-long-password") is not None


def test_resend_sends_the_link_again_and_is_silent_for_unknown_addresses(ctx):
    _start()
    ctx.commit()
    signup.resend("uusi@example.org")
    signup.resend("nobody@example.org")
    ctx.commit()
    kinds = [(m.recipient, m.kind) for m in ctx.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert kinds == [("uusi@example.org", "signup_verify"), ("uusi@example.org", "signup_verify")]
    assert signup.verify(_link_token(ctx, "uusi@example.org")).email == "uusi@example.org"


def test_expired_signups_are_forgotten(ctx):
    signup.start_signup(name="Vanha", email="old@example.org", password=PASSWORD, locale="sv",
                        privacy_accepted=True, now=utcnow() - timedelta(hours=49))
    ctx.commit()
    _start()
    ctx.commit()
    assert [p.email for p in ctx.scalars(select(PendingSignup))] == ["uusi@example.org"]


def test_verifying_after_someone_else_created_the_account(ctx, make):
    _start()
    ctx.commit()
    token = _link_token(ctx, "uusi@example.org")
    ctx.commit()
    make.user("ngo", email="uusi@example.org")
    with pytest.raises(Conflict):
        signup.verify(token)
