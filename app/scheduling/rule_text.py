"""The rule of a series in words, remembered: :func:`app.scheduling.words.describe` is pure but costs
about 0.2 ms (CLDR look-ups), and the staff list and the API list call it for every series on every
request. The same (rule, start, language, zone) always gives the same sentence."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from app.scheduling import words


@lru_cache(maxsize=8192)
def describe(rrule: str | None, start_local: datetime, locale: str = "fi", tz: str = "Europe/Helsinki") -> str:
    """:func:`app.scheduling.words.describe`, cached per process."""
    return words.describe(rrule, start_local, locale, tz=tz)
