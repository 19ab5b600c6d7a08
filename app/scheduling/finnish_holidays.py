"""Finnish public holidays (the ``holidays`` package, country FI), and the language of a locale."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import holidays

_HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


@lru_cache(maxsize=256)
def _holidays(year: int, language: str) -> dict[date, str]:
    """Finland's public holidays of one year by date (the first build costs ~0.25 s, then ~1 ms)."""
    return dict(holidays.Finland(years=year, language=language).items())


def is_holiday(day: date) -> bool:
    """Whether ``day`` is a Finnish public holiday per the ``holidays`` package (country FI).

    That list includes Midsummer Eve and Christmas Eve. A datetime is judged by its own date, so
    convert an aware one to Helsinki time first.
    """
    day = day.date() if isinstance(day, datetime) else day
    return day in _holidays(day.year, "fi")


def holiday_name(day: date, locale: str = "fi") -> str | None:
    """The holiday's name in ``fi``, ``sv`` or ``en`` (others fall back to Finnish), else ``None``."""
    day = day.date() if isinstance(day, datetime) else day
    return _holidays(day.year, _HOLIDAY_LANGUAGES[_language(locale)]).get(day)


def _language(locale: Any) -> str:
    """``fi``, ``sv`` or ``en`` from a code such as ``sv_FI``, ``en-GB`` or a babel Locale."""
    language = re.split(r"[-_]", str(locale or "").strip().lower())[0]
    return language if language in _HOLIDAY_LANGUAGES else "fi"
