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


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page, for mails, feeds and the API: ``BASE_URL`` + the route.

    Built from the URL map (what ``url_for(_external=True)`` does) but on ``BASE_URL``, so that it
    is the same inside a request, behind a proxy and in a cron command without one.
    """
    from flask import current_app

    # One bound adapter per app (binding costs more than building); it only builds paths, so
    # the host it is bound to never shows, and BASE_URL is read on every call.
    adapter = current_app.extensions.get("kohtaamo_url_adapter")
    if adapter is None:
        adapter = current_app.extensions["kohtaamo_url_adapter"] = current_app.url_map.bind(
            "kohtaamo.invalid", url_scheme="https")
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)
