"""Dates and times shown to people: Finland's conventions in every language (4.12.2026, 17.00).

Babel's own patterns differ by language (en: 12/4/26, 5:00 PM; sv: 2026-12-04, 17:00; "full" times
end in "Itä-Euroopan normaaliaika"), so every named style maps to one Finnish numeric pattern here;
only the names of weekdays and months come from the language, through Babel's fi_FI / sv_FI / en_FI.
Templates reach these through the ``dateformat``, ``datetimeformat`` and ``timeformat`` filters,
which replace Flask-Babel's (``register_date_filters``); Python code imports the functions.
"""
from __future__ import annotations

import re
from typing import Any
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import Flask, current_app, has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.core.i18n import LANGUAGES

# One time style everywhere: 17.00 (the Finnish government's style guide; also used in Swedish in Finland).
TIME = "H.mm"
DATE = "d.M.yyyy"
DATE_STYLES = {"short": DATE, "medium": DATE, "long": "EEEE " + DATE, "full": "EEEE " + DATE}
DATETIME_STYLES = {style: f"{pattern} {TIME}" for style, pattern in DATE_STYLES.items()}
TIME_STYLES = {"short": TIME, "medium": TIME, "long": TIME, "full": TIME}
# Hours and minutes written with a colon (HH:mm, H:mm), or with seconds, become the one time style.
_CLOCK = re.compile(r"H{1,2}[:.]mm(?:[:.]ss)?")


def babel_locale() -> str:
    """fi_FI, sv_FI or en_FI: the language's words with Finland's region."""
    locale = get_locale()
    language = locale.language if locale and locale.language in LANGUAGES else "fi"
    return f"{language}_FI"


def _zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Helsinki") if has_app_context() \
        else "Europe/Helsinki"
    return ZoneInfo(name)


def _pattern(styles: dict[str, str], format: str | None) -> str:
    pattern = styles.get(format or "short", format or styles["short"])
    return _CLOCK.sub(TIME, pattern)


def _rebase(value: datetime) -> datetime:
    """Helsinki wall clock; a naive value is UTC (as Flask-Babel assumes)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(_zone())


def format_date(value: date | datetime | None = None, format: str | None = None) -> str:
    """``4.12.2026``; "full"/"long": ``perjantai 4.12.2026``; or a Babel pattern."""
    value = datetime.now(_zone()) if value is None else value
    if isinstance(value, datetime):
        value = _rebase(value).date()
    return babel_dates.format_date(value, _pattern(DATE_STYLES, format), locale=babel_locale())


def format_datetime(value: datetime | None = None, format: str | None = None) -> str:
    """``4.12.2026 17.00`` on Helsinki's clock; "full": with the weekday; never seconds or a zone name."""
    value = datetime.now(_zone()) if value is None else value
    return babel_dates.format_datetime(_rebase(value), _pattern(DATETIME_STYLES, format), locale=babel_locale())


def format_time(value: time | datetime | None = None, format: str | None = None) -> str:
    """``17.00`` (``9.00``, not ``09:00``)."""
    value = datetime.now(_zone()) if value is None else value
    if isinstance(value, datetime):
        value = _rebase(value).timetz().replace(tzinfo=None)
    return babel_dates.format_time(value, _pattern(TIME_STYLES, format), locale=babel_locale())


def timespan(start: datetime, end: datetime) -> str:
    """``ti 24.11.2026 10.00–11.00`` (or two dates when it ends on another day), Helsinki time."""
    same_day = _rebase(start).date() == _rebase(end - timedelta(microseconds=1)).date()
    first = f"{format_date(start, 'EEE d.M.yyyy')} {format_time(start)}"
    if same_day:
        return f"{first}–{format_time(end)}"
    return f"{first} – {format_date(end, 'EEE d.M.yyyy')} {format_time(end)}"


def format_clock(value: str) -> str:
    """``"08:00"`` (as stored in opening hours) → ``8.00``."""
    hours, _sep, minutes = value.partition(":")
    return f"{int(hours)}.{minutes[:2] or '00'}" if hours.isdigit() else value


def format_duration(minutes: int) -> str:
    """``480`` → ``8 tuntia``, ``90`` → ``1 tunti 30 minuuttia``: nobody counts hours in minutes."""
    from flask_babel import ngettext

    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if rest or not hours:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", rest))
    return " ".join(parts)


def register_date_filters(app: Flask) -> None:
    """Replace Flask-Babel's template filters with the Finnish-convention ones."""
    app.jinja_env.filters.update(dateformat=format_date, datetimeformat=format_datetime,
                                 timeformat=format_time, clock=format_clock,
                                 duration=format_duration, url_time=url_time)


def url_time(value: datetime) -> str:
    """Helsinki ``HH:MM`` for a link's query string (what the forms read), not for people."""
    return _rebase(value).strftime("%H:%M")


# Bounds of every date a person may enter (forms, query strings, API bodies).
MIN_YEAR = 1900
MAX_YEAR = 2199


def in_range(value: date | datetime | None) -> bool:
    """True for None and for dates and times within the service's range."""
    return value is None or MIN_YEAR <= value.year <= MAX_YEAR


def out_of_range_message() -> Any:
    return _l("Give a date between the years %(first)d and %(last)d.", first=MIN_YEAR, last=MAX_YEAR)


def parse_day(raw: str | None) -> date | None:
    """``YYYY-MM-DD`` from a query string; None when missing, malformed or out of range."""
    text = (raw or "").strip()
    if not text or not text.isascii():
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_range(day) else None
