"""Whole-response cache for pages and API lists that are read far more often than they change.

A response is kept per (endpoint, path with query, language, who asks) together with the values
of the content versions it was made from (app/core/versions.py). A request reads those versions
(one statement) and, when nothing changed, answers with the kept bytes — or 304 when the client
already has them (strong ETag of the bytes). Any edit bumps a version in its own transaction, so
it is visible on the next request of every worker and host. What changes with time alone (a
meeting that has ended drops off the list) is picked up after ``seconds`` at most.

Who asks is part of the key, so nothing is ever shared between people:

* anonymous visitors share one copy per page and language (``Cache-Control: no-cache``);
* with ``personal=True`` a logged-in user (session cookie) or an API client (bearer token) gets
  a copy of their own, keyed by their session's user id and CSRF secret, or by the token's hash.
  Their pages also depend on the ``users`` version (accounts, roles, tokens: app/accounts/content.py),
  so a deactivated account or a revoked token is checked again by the full view on the next
  request; a copy that is ``seconds`` old is rebuilt by the full view too (which also notes the
  token's use).

Not cached: pages with flashed messages, anything but a 200, a render that changed the session
(e.g. created a CSRF secret), a "remember me" login not yet in the session.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import current_app, make_response, request, session

from app.core.i18n import current_language
from app.core.versions import on_clear, versions

PAGE_SECONDS = 60
USERS = "users"  # accounts, roles and API tokens (what app/accounts/content.py watches)


@dataclass(frozen=True, slots=True)
class Page:
    versions: tuple[int, ...]
    expires: float  # time.monotonic()
    body: bytes
    etag: str
    mimetype: str


class _Pages:
    """A bounded map (pages × query strings × languages × people)."""

    def __init__(self, maxsize: int = 2048) -> None:
        self.maxsize = maxsize
        self.data: dict[Any, Page] = {}

    def get(self, key: Any) -> Page | None:
        return self.data.get(key)

    def put(self, key: Any, page: Page) -> None:
        if len(self.data) >= self.maxsize:
            self.data.clear()  # rare: start over rather than track recency on every hit
        self.data[key] = page

    def clear(self) -> None:
        self.data.clear()


PAGES = _Pages()
on_clear(PAGES.clear)


def _who(personal: bool) -> tuple | None | bool:
    """``None`` for an anonymous visitor, a key for a person, ``False`` when not cacheable."""
    authorization = request.headers.get("Authorization")
    if authorization:
        return ("token", hashlib.sha256(authorization.encode()).hexdigest()) if personal else False
    user_id = session.get("_user_id")
    if user_id is not None:
        return ("user", user_id, session.get("csrf_token"), session.get("_fresh")) if personal else False
    if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        return False  # Flask-Login would log this visitor in from the cookie
    return None


def _answer(page: Page, who):
    if request.if_none_match.contains(page.etag):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(page.body, mimetype=page.mimetype)
    response.set_etag(page.etag)
    # Decided here: the security-headers hook would otherwise load the user to choose.
    response.headers["Cache-Control"] = "no-cache" if who is None else "no-store"
    return response


def cached_page(*names: str, personal: bool = False, seconds: float = PAGE_SECONDS) -> Callable:
    """Serve the decorated GET view from the cache; ``names``: the content versions it shows."""
    names_with_users = (*names, USERS)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if request.method not in ("GET", "HEAD") or "_flashes" in session:
                return view(*args, **kwargs)
            who = _who(personal)
            if who is False:
                return view(*args, **kwargs)
            # A person's language may come from their profile: key by what decides it instead of
            # loading the user (the profile is covered by the ``users`` version).
            language = current_language() if who is None else (
                session.get("lang"), request.headers.get("Accept-Language"))
            key = (request.endpoint, request.full_path, language, current_app.config["BASE_URL"], who)
            current = versions(*(names if who is None else names_with_users))
            page = PAGES.get(key)
            if page is not None and page.versions == current and page.expires > time.monotonic():
                return _answer(page, who)
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough or session.modified:
                return response
            body = response.get_data()
            page = Page(versions=current, expires=time.monotonic() + seconds, body=body,
                        etag=hashlib.sha256(body).hexdigest()[:32], mimetype=response.mimetype)
            PAGES.put(key, page)
            return _answer(page, who)

        return wrapper

    return decorator
