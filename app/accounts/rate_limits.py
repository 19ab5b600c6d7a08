"""The login-style limits shared by the login, password-reset and sign-up forms.

Each form is limited per client address (``login_limit``) and per email address aimed at, from
any client (``account_limit`` with a key from ``account_key``); the key's prefix keeps the forms'
counters apart.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app, request


def login_limit() -> str:
    """Per client address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def account_limit() -> str:
    """Per email address the form is aimed at."""
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def account_key(prefix: str) -> Callable[[], str]:
    """The limiter key of the email address in the posted form (normalised, hashed)."""

    def key() -> str:
        email = request.form.get("email", "")
        return f"{prefix}:" + hashlib.sha256(" ".join(email.split()).lower().encode()).hexdigest()

    return key
