"""Signed links that let a registrant without an account manage (and export or erase) a registration.

The token is ``URLSafeSerializer(SECRET_KEY, salt="registration-manage")`` over
``{"r": registration_id, "s": manage_secret}``. The signature stops forgery; the per-row secret
(128 random bits, compared in constant time) lets one link be revoked by rotating the secret and
means that even a leaked ``SECRET_KEY`` does not open every registration.
"""
from __future__ import annotations

import secrets

from app.core.signed_links import SignedLink, positive_id, secret_matches
from app.extensions import db
from app.meetings.models import Registration

SALT = "registration-manage"
_LINK = SignedLink(SALT)


def new_manage_secret() -> str:
    """A fresh per-registration secret: 128 random bits as 32 hex characters."""
    return secrets.token_hex(16)


def registration_token(registration: Registration) -> str:
    """The URL-safe token for ``registration``'s manage and privacy links."""
    return _LINK.sign({"r": registration.id, "s": registration.manage_secret})


def registration_from_token(token: str) -> Registration | None:
    """The registration a valid token points to; None when tampered, malformed or revoked."""
    data = _LINK.read(token)
    if data is None or not positive_id(data.get("r")) or not isinstance(data.get("s"), str):
        return None
    registration = db.session.get(Registration, data["r"])
    if registration is None or not secret_matches(registration.manage_secret, data["s"]):
        return None
    return registration
