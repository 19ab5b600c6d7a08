"""Language selection and multilingual content fields (fi required, sv/en fall back to fi)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGES = ("fi", "sv", "en")


def select_locale() -> str:
    """``?lang=`` (one request) → remembered choice → the user's profile → the browser → Finnish."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The active language code (fi, sv or en)."""
    locale = get_locale()
    return locale.language if locale else "fi"


def localized(obj: Any, field: str, lang: str | None = None) -> str:
    """``obj.<field>_<lang>`` with a fallback to Finnish, the required language."""
    lang = lang or current_language()
    value = getattr(obj, f"{field}_{lang}", None)
    return value or getattr(obj, f"{field}_fi", "") or ""


def localized_dict(obj: Any, field: str) -> dict[str, str | None]:
    """All three language versions, for the API."""
    return {lang: getattr(obj, f"{field}_{lang}", None) for lang in LANGUAGES}


def to_local(value: datetime, tz: str = "Europe/Helsinki") -> datetime:
    """An aware instant shown on Helsinki's wall clock."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(tz))
