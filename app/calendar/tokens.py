"""Secret feed URLs: a user's personal feed and staff feeds of a resident space.

Both are derived, not stored: ``HMAC-SHA256(SECRET_KEY, message)`` over the user's id and
``feed_token_version``, so bumping the version (the "renew" button) revokes every URL given out
before, and deactivating the user or taking the staff role away stops them at once. The token
carries the user id in clear (the look-up key) and 192 bits of the MAC (at least 128 were asked
for), URL-safe base64. Verification recomputes the MAC and compares with ``hmac.compare_digest``.
"""
from __future__ import annotations

import hmac

from app.accounts.models import User
from app.core.signed_links import mac as _mac
from app.extensions import db


def _personal_message(user: User) -> str:
    return f"{user.id}:{user.feed_token_version}"


def _space_message(user: User, space_id: int) -> str:
    # A different prefix, so a personal token can never pass as a space token or the reverse.
    return f"space-staff:{space_id}:{user.id}:{user.feed_token_version}"


def personal_feed_token(user: User) -> str:
    """The token of ``user``'s personal feed URL (/calendar/u/<token>.ics)."""
    return f"{user.id}.{_mac(_personal_message(user))}"


def space_staff_token(user: User, space_id: int) -> str:
    """A staff member's signed token for the detailed feed of one space (``?token=``)."""
    return f"{user.id}.{_mac(_space_message(user, space_id))}"


def _split(token: str) -> tuple[User, str] | None:
    user_id, dot, mac = (token or "").partition(".")
    # ASCII digits only ("١٢".isdigit() is true too) and an id the database's integer can hold.
    if not dot or not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 10 or not mac:
        return None
    if int(user_id) > 2**31 - 1:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    return user, mac


def user_for_personal_token(token: str) -> User | None:
    """The active owner of a valid, unrevoked personal feed token; otherwise ``None``."""
    found = _split(token)
    if found is None:
        return None
    user, mac = found
    return user if hmac.compare_digest(mac, _mac(_personal_message(user))) else None


def staff_for_space_token(token: str, space_id: int) -> User | None:
    """The active staff member a space feed token was made for; otherwise ``None``."""
    found = _split(token)
    if found is None:
        return None
    user, mac = found
    if not hmac.compare_digest(mac, _mac(_space_message(user, space_id))) or not user.is_staff:
        return None
    return user
