"""Small helpers for the browser journeys."""
from __future__ import annotations

import re


def mail_link(mail: dict, path_pattern: str) -> str:
    """The first link in a mail whose path matches ``path_pattern``, relative to the site."""
    for url in re.findall(r"https?://[^\s<>\"]+", mail["text"]):
        path = re.sub(r"^https?://[^/]+", "", url)
        if re.search(path_pattern, path):
            return path
    raise AssertionError(f"no link matching {path_pattern!r} in:\n{mail['text']}")
