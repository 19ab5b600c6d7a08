"""Small helpers for the browser journeys."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]


def mail_link(mail: dict, path_pattern: str) -> str:
    """The first link in a mail whose path matches ``path_pattern``, relative to the site."""
    for url in re.findall(r"https?://[^\s<>\"]+", mail["text"]):
        path = re.sub(r"^https?://[^/]+", "", url)
        if re.search(path_pattern, path):
            return path
    raise AssertionError(f"no link matching {path_pattern!r} in:\n{mail['text']}")


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> Translations:
    return Translations.load(str(ROOT / "translations"), [lang], domain="messages")


def gettext_for(lang: str) -> Callable[..., str]:
    """``_ = gettext_for("sv")``; ``_("Log in")`` is the text a Swedish page shows for that msgid.

    The journeys find buttons and headings by the words a person reads, in the page's language,
    from the same compiled catalogues the app uses (completeness is tests/test_translations.py's job).
    """
    catalogue = _catalogue(lang)

    def translate(msgid: str, **variables) -> str:
        text = catalogue.gettext(msgid)
        return text % variables if variables else text

    return translate


def exact(text: str) -> re.Pattern:
    """A pattern matching exactly ``text`` (accessible names, headings), whitespace-tolerant."""
    return re.compile(r"^\s*" + re.escape(text).replace(r"\ ", r"\s+") + r"\s*$")


def tab_to(page, locator, *, limit: int = 60) -> int:
    """Press Tab until ``locator`` has the keyboard focus; returns the number of presses.

    Fails if the element is never reached: that is a keyboard trap or an unreachable control.
    """
    handle = locator.element_handle()
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return presses
    raise AssertionError(f"{locator} was not reached with {limit} presses of Tab")
