"""The accounts feature's mails: the password-reset link and the new account's set-password link."""
from __future__ import annotations

from app.accounts import services
from app.accounts.models import User
from app.core.urls import external_url
from app.extensions import db
from app.mail.services import enqueue


def _set_password_link(user: User) -> str:
    return external_url("accounts.reset_password", token=services.make_password_reset_token(user))


def send_password_reset(user: User, *, send: bool = True) -> None:
    """Queue the password-reset mail of ``user``; with ``send=False`` render it and throw it away
    (an unknown address does the same work, so that the answer's timing does not tell)."""
    message = enqueue(user.email, "password_reset", locale=user.locale, user=user, link=_set_password_link(user))
    if not send:
        db.session.expunge(message)


def send_account_created(user: User) -> None:
    """Queue the mail telling a new user their account exists, with a link to set a password."""
    enqueue(user.email, "account_created", locale=user.locale, user=user, link=_set_password_link(user))
