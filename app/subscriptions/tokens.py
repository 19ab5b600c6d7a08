"""The one-click unsubscribe link of a subscription mail (no login).

``URLSafeSerializer(SECRET_KEY, salt="subscription-unsubscribe")`` over ``{"u": user_id, "s":
[subscription ids]}``: the subscriptions that made this mail. It never expires (RFC 8058 asks that
the link keeps working) and can do one thing only: remove those subscriptions of that user.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.core.signed_links import SignedLink, positive_id

SALT = "subscription-unsubscribe"
MAX_IDS = 200
_LINK = SignedLink(SALT, max_length=4000)


@dataclass(frozen=True)
class UnsubscribeClaim:
    user_id: int
    subscription_ids: tuple[int, ...]


def unsubscribe_token(user_id: int, subscription_ids) -> str:
    """The token for ``user_id``'s ``subscription_ids``."""
    return _LINK.sign({"u": user_id, "s": sorted(set(subscription_ids))[:MAX_IDS]})


def read_token(token: str) -> UnsubscribeClaim | None:
    """What a valid token allows; None when tampered or malformed."""
    data = _LINK.read(token)
    if data is None:
        return None
    user_id, ids = data.get("u"), data.get("s")
    if not positive_id(user_id) or not isinstance(ids, list) or len(ids) > MAX_IDS \
            or not all(positive_id(i) for i in ids):
        return None
    return UnsubscribeClaim(user_id, tuple(ids))
