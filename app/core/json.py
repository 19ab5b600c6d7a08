"""Flask's JSON provider, hardened: a deeply nested body is malformed input, not a crash."""
from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class SafeJSONProvider(DefaultJSONProvider):
    """``json.loads`` raises RecursionError on ``[[[[…]]]]`` (a 500); make it a ValueError, which
    Flask and ``get_json(silent=True)`` treat as a malformed body (400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
