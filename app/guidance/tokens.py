"""Secret links of guidance hours: the booker's manage link and the adviser's calendar feed.

* Manage link: ``URLSafeSerializer(SECRET_KEY, salt="guidance-manage")`` over ``{"a": id, "s":
  manage_secret}``. The signature stops forgery; the per-row secret (128 random bits, compared in
  constant time) means even a leaked ``SECRET_KEY`` does not open every appointment.
* Adviser feed: ``<user id>.<HMAC-SHA256(SECRET_KEY, "guidance-adviser:<id>:<version>")>`` (192
  bits of the MAC). Renewing bumps the version in :class:`GuidanceAdviserFeed`, so every URL given
  out before stops working; losing the staff role or the account stops it too.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from app.accounts.models import User
from app.extensions import db
from app.guidance.models import GuidanceAdviserFeed, GuidanceAppointment

SALT = "guidance-manage"
_MAC_BYTES = 24  # 192 bits


def new_manage_secret() -> str:
    """A fresh per-appointment secret: 128 random bits as 32 hex characters."""
    return secrets.token_hex(16)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def appointment_token(appointment: GuidanceAppointment) -> str:
    """The URL-safe token of ``appointment``'s manage link."""
    return _serializer().dumps({"a": appointment.id, "s": appointment.manage_secret})


def appointment_from_token(token: str) -> GuidanceAppointment | None:
    """The appointment a valid token points to; None when tampered, malformed or revoked."""
    if not token or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token)
    except (BadData, ValueError, UnicodeError):
        return None
    if not isinstance(data, dict):
        return None
    appointment_id, secret = data.get("a"), data.get("s")
    if not isinstance(appointment_id, int) or isinstance(appointment_id, bool) or not isinstance(secret, str):
        return None
    if not 0 < appointment_id < 2**31:
        return None
    appointment = db.session.get(GuidanceAppointment, appointment_id)
    if appointment is None or not appointment.manage_secret:
        return None
    if not hmac.compare_digest(appointment.manage_secret.encode(), secret.encode()):
        return None
    return appointment


# --- adviser feed ---------------------------------------------------------------------------------

def _feed_version(user_id: int) -> int:
    row = db.session.get(GuidanceAdviserFeed, user_id)
    return row.version if row is not None else 1


def _mac(message: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _feed_message(user_id: int, version: int) -> str:
    # Its own prefix: a personal meetings feed token can never pass as an adviser token.
    return f"guidance-adviser:{user_id}:{version}"


def adviser_feed_token(user: User) -> str:
    """The token of ``user``'s adviser feed URL (/guidance/feed/<token>.ics)."""
    return f"{user.id}.{_mac(_feed_message(user.id, _feed_version(user.id)))}"


def adviser_for_feed_token(token: str) -> User | None:
    """The active staff member a valid, unrevoked adviser feed token belongs to; otherwise None."""
    user_id, dot, mac = (token or "").partition(".")
    if not dot or not user_id.isdigit() or len(user_id) > 10 or not mac or len(mac) > 64:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.is_staff:
        return None
    expected = _mac(_feed_message(user.id, _feed_version(user.id)))
    return user if hmac.compare_digest(mac.encode(), expected.encode()) else None


def renew_adviser_feed(user: User) -> None:
    """Revoke the adviser's current feed URL (the caller commits)."""
    row = db.session.get(GuidanceAdviserFeed, user.id)
    if row is None:
        db.session.add(GuidanceAdviserFeed(user_id=user.id, version=2))
    else:
        row.version += 1
    db.session.flush()
