"""The one-click unsubscribe link of a subscription mail (no login).

``URLSafeSerializer(SECRET_KEY, salt="subscription-unsubscribe")`` over ``{"u": user_id, "s":
[subscription ids]}``: the subscriptions that made this mail. It never expires (RFC 8058 asks that
the link keeps working) and can do one thing only: remove those subscriptions of that user.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

SALT = "subscription-unsubscribe"
MAX_IDS = 200


@dataclass(frozen=True)
class UnsubscribeClaim:
    user_id: int
    subscription_ids: tuple[int, ...]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, subscription_ids) -> str:
    """The token for ``user_id``'s ``subscription_ids``."""
    return _serializer().dumps({"u": user_id, "s": sorted(set(subscription_ids))[:MAX_IDS]})


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def read_token(token: str) -> UnsubscribeClaim | None:
    """What a valid token allows; None when tampered or malformed."""
    if not token or len(token) > 4000:
        return None
    try:
        data = _serializer().loads(token)
    except (BadData, ValueError, UnicodeError):
        return None
    if not isinstance(data, dict):
        return None
    user_id, ids = data.get("u"), data.get("s")
    if not _valid_id(user_id) or not isinstance(ids, list) or len(ids) > MAX_IDS \
            or not all(_valid_id(i) for i in ids):
        return None
    return UnsubscribeClaim(user_id, tuple(ids))
