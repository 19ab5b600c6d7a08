"""The place of a meeting or a guidance hour in words, for feeds (LOCATION), mails and pages.

One rule for both: the resident space (name and street address in the reader's language, else the
Finnish ones), else a free-text location; then the online link when the reader may have it
(``online``: registrants, bookers and staff; public texts leave it out), joined with " / ".
"""
from __future__ import annotations

from typing import Any


def place_text(space: Any, location: str | None, online_url: str | None, lang: str | None = None, *,
               online: bool = True) -> str | None:
    """``"Kohtaamo Kalasatama, Kalasatamankatu 1 / https://…"``; ``None`` when there is nothing.

    ``lang`` None: the page's or mail's language (``Space.name_in``)."""
    parts: list[str] = []
    if space is not None:
        parts.append(f"{space.name_in(lang)}, {space.address_in(lang)}")
    elif location:
        parts.append(location)
    if online_url and online:
        parts.append(online_url)
    return " / ".join(parts) or None
