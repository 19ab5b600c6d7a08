"""Secret links of guidance hours: the booker's manage link and the adviser's calendar feed.

* Manage link: ``URLSafeSerializer(SECRET_KEY, salt="guidance-manage")`` over ``{"a": id, "s":
  manage_secret}``. The signature stops forgery; the per-row secret (128 random bits, compared in
  constant time) means even a leaked ``SECRET_KEY`` does not open every appointment.
* Adviser feed: ``<user id>.<HMAC-SHA256(SECRET_KEY, "guidance-adviser:<id>:<version>")>`` (192
  bits of the MAC). Renewing bumps the version in :class:`GuidanceAdviserFeed`, so every URL given
  out before stops working; losing the staff role or the account stops it too.
"""
from __future__ import annotations

import secrets

from app.accounts.models import User
from app.core.signed_links import SignedLink, mac, positive_id, secret_matches
from app.extensions import db
from app.guidance.models import GuidanceAdviserFeed, GuidanceAppointment

SALT = "guidance-manage"
_LINK = SignedLink(SALT)


def new_manage_secret() -> str:
    """A fresh per-appointment secret: 128 random bits as 32 hex characters."""
    return secrets.token_hex(16)


def appointment_token(appointment: GuidanceAppointment) -> str:
    """The URL-safe token of ``appointment``'s manage link."""
    return _LINK.sign({"a": appointment.id, "s": appointment.manage_secret})


def appointment_from_token(token: str) -> GuidanceAppointment | None:
    """The appointment a valid token points to; None when tampered, malformed or revoked."""
    data = _LINK.read(token)
    if data is None or not positive_id(data.get("a"), 2**31) or not isinstance(data.get("s"), str):
        return None
    appointment = db.session.get(GuidanceAppointment, data["a"])
    if appointment is None or not secret_matches(appointment.manage_secret, data["s"]):
        return None
    return appointment


# --- adviser feed ---------------------------------------------------------------------------------

def _feed_version(user_id: int) -> int:
    row = db.session.get(GuidanceAdviserFeed, user_id)
    return row.version if row is not None else 1


def _feed_message(user_id: int, version: int) -> str:
    # Its own prefix: a personal meetings feed token can never pass as an adviser token.
    return f"guidance-adviser:{user_id}:{version}"


def adviser_feed_token(user: User) -> str:
    """The token of ``user``'s adviser feed URL (/guidance/feed/<token>.ics)."""
    return f"{user.id}.{mac(_feed_message(user.id, _feed_version(user.id)))}"


def adviser_for_feed_token(token: str) -> User | None:
    """The active staff member a valid, unrevoked adviser feed token belongs to; otherwise None."""
    user_id, dot, given = (token or "").partition(".")
    if not dot or not user_id.isdigit() or len(user_id) > 10 or not given or len(given) > 64:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.is_staff:
        return None
    expected = mac(_feed_message(user.id, _feed_version(user.id)))
    return user if secret_matches(expected, given) else None


def renew_adviser_feed(user: User) -> None:
    """Revoke the adviser's current feed URL (the caller commits)."""
    row = db.session.get(GuidanceAdviserFeed, user.id)
    if row is None:
        db.session.add(GuidanceAdviserFeed(user_id=user.id, version=2))
    else:
        row.version += 1
    db.session.flush()
