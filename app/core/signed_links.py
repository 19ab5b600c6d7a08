"""Signed links: one place for the itsdangerous serializers and the checks every reader repeats.

A :class:`SignedLink` is ``URLSafeSerializer(SECRET_KEY, salt=...)`` (``URLSafeTimedSerializer``
when it has a ``max_age``) over a small JSON object. The token format is exactly itsdangerous's, so
links already given out keep working. :meth:`SignedLink.read` answers ``None`` for anything that is
not a well-formed, correctly signed object (too long, not ASCII, tampered, another salt or key) and
raises :class:`LinkExpired` only for a timed link that was valid but is too old.

:func:`positive_id` and :func:`secret_matches` are the payload checks of every reader: an id must be
a real ``int`` (not a bool, not a string) the database can hold, and a secret is compared in
constant time. :func:`mac` is the truncated HMAC-SHA256 of derived (not stored) feed tokens.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

MAC_BYTES = 24  # 192 bits


class LinkExpired(Exception):
    """A timed link whose signature is right but whose age is over ``max_age``."""


@dataclass(frozen=True)
class SignedLink:
    """A salted, URL-safe signed token over a JSON object; ``max_age`` (seconds, or a config key
    naming them) makes it expire."""

    salt: str
    max_length: int = 500
    max_age: int | str | None = None

    def serializer(self) -> URLSafeSerializer:
        if self.max_age is None:
            return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=self.salt)
        return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=self.salt)

    def sign(self, payload: dict[str, Any]) -> str:
        """The token of ``payload``."""
        return self.serializer().dumps(payload)

    def _max_age_seconds(self) -> int | None:
        if isinstance(self.max_age, str):
            return current_app.config[self.max_age]
        return self.max_age

    def read(self, token: str) -> dict[str, Any] | None:
        """The signed object; ``None`` when tampered, malformed, too long or not ASCII.

        Raises :class:`LinkExpired` when a timed link is older than ``max_age``.
        """
        if not token or not isinstance(token, str) or len(token) > self.max_length or not token.isascii():
            return None
        try:
            if self.max_age is None:
                data = self.serializer().loads(token)
            else:
                data = self.serializer().loads(token, max_age=self._max_age_seconds())
        except SignatureExpired:
            raise LinkExpired from None
        except (BadData, ValueError, UnicodeError):
            return None
        return data if isinstance(data, dict) else None


def positive_id(value: Any, limit: int = 2**63) -> bool:
    """True for a real ``int`` (not a bool) in ``1 .. limit - 1``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < limit


def secret_matches(stored: str | None, given: Any) -> bool:
    """Constant-time comparison of a stored secret with the one a link carries (any text, as bytes)."""
    if not stored or not isinstance(given, str):
        return False
    return hmac.compare_digest(stored.encode(), given.encode())


def mac(message: str, nbytes: int = MAC_BYTES) -> str:
    """URL-safe base64 (unpadded) of the first ``nbytes`` of HMAC-SHA256(SECRET_KEY, message)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:nbytes]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
