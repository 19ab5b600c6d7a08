"""Page numbers from query strings: any text becomes a page the database can be asked for."""
from __future__ import annotations

MAX_PAGE = 100_000  # far beyond any real list; keeps OFFSET within a 64-bit integer


def bounded_page(raw: str | None) -> int:
    """``?page=``: 1 for missing or malformed values (Unicode digits too), at most ``MAX_PAGE``.

    A page number beyond 64 bits made ``OFFSET`` overflow in the database (a 500); a page past
    the end simply shows an empty list with the navigation back.
    """
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return 1 if not (text.isascii() and text.isdigit()) else MAX_PAGE
    return max(1, min(int(text), MAX_PAGE))
