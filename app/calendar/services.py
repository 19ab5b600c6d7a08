"""Calendar rules that change data: renewing (revoking) a user's secret feed URLs."""
from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.core.audit import audit
from app.errors import Forbidden


def renew_feed_token(user: User, *, actor: Any) -> int:
    """Bump ``feed_token_version``: every feed URL derived from the old version stops working.

    Only the user themself or an admin may. Returns the new version.
    """
    if actor.id != user.id and not actor.is_admin:
        raise Forbidden()
    user.feed_token_version = (user.feed_token_version or 0) + 1
    audit(actor, "calendar.feed_token_renew", "user", user.id, version=user.feed_token_version)
    return user.feed_token_version
