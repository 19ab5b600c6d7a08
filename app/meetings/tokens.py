"""Signed links that let a registrant without an account manage (and export or erase) a registration.

The token is ``URLSafeSerializer(SECRET_KEY, salt="registration-manage")`` over
``{"r": registration_id, "s": manage_secret}``. The signature stops forgery; the per-row secret
(128 random bits, compared in constant time) lets one link be revoked by rotating the secret and
means that even a leaked ``SECRET_KEY`` does not open every registration.
"""
from __future__ import annotations

import hmac
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from app.extensions import db
from app.meetings.models import Registration

SALT = "registration-manage"


def new_manage_secret() -> str:
    """A fresh per-registration secret: 128 random bits as 32 hex characters."""
    return secrets.token_hex(16)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def registration_token(registration: Registration) -> str:
    """The URL-safe token for ``registration``'s manage and privacy links."""
    return _serializer().dumps({"r": registration.id, "s": registration.manage_secret})


def registration_from_token(token: str) -> Registration | None:
    """The registration a valid token points to; None when tampered, malformed or revoked."""
    if not token or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token)
    except (BadData, ValueError, UnicodeError):
        return None
    if not isinstance(data, dict):
        return None
    registration_id, secret = data.get("r"), data.get("s")
    if not isinstance(registration_id, int) or isinstance(registration_id, bool) or not isinstance(secret, str):
        return None
    if not 0 < registration_id < 2**63:
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or not registration.manage_secret:
        return None
    if not hmac.compare_digest(registration.manage_secret.encode(), secret.encode()):
        return None
    return registration
