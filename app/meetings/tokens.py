"""Signed personal links for registrants who have no account (manage, privacy).

The token carries the registration id and its 128-bit random ``manage_secret``, signed with
SECRET_KEY (itsdangerous). The signature stops tampering; the secret, compared in constant time,
makes a link worthless once the registration is anonymised or its secret rotated.
"""
from __future__ import annotations

import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from app.meetings.models import Registration

SALT = "registration-manage"


def new_secret() -> str:
    """128 random bits, hex."""
    return secrets.token_hex(16)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def registration_token(registration: Registration) -> str:
    """The token of the registrant's personal manage link."""
    return _serializer().dumps({"r": registration.id, "s": registration.manage_secret})


def registration_from_token(token: str) -> Registration | None:
    """The registration a token names, or ``None`` when it is tampered, unknown or outdated."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int) \
            or not isinstance(payload.get("s"), str):
        return None
    registration = db.session.get(Registration, payload["r"])
    if registration is None or registration.anonymised_at is not None:
        return None
    if not hmac.compare_digest(registration.manage_secret.encode(), payload["s"].encode()):
        return None
    return registration
