"""Web addresses people type (an organisation's website, a meeting's online link)."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def is_web_url(value: str | None) -> bool:
    """An absolute ``http(s)://host/…`` address without spaces or control characters.

    ``javascript:``, ``data:`` and the like would run in the reader's browser when the link is
    followed; a line break or tab (which ``urlsplit`` silently drops) would end up in mails and
    feeds. Internationalised host names are fine.
    """
    if not value or any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value):
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
