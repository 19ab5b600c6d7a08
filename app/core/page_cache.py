"""Whole-page cache for public pages seen by anonymous visitors (the home page, the meetings list).

A page is kept per (path with query, language) together with the content versions it was made
from (app/core/versions.py). A visit reads those versions (one indexed row read each, batched
into one query) and, when nothing changed, answers with the kept bytes — or 304 when the browser
already has them (strong ETag of the bytes; anonymous pages are ``Cache-Control: no-cache``, so
browsers always revalidate). Any edit bumps a version in its own transaction, so it is visible
on the next request of every worker. What changes with time alone (a meeting that has ended
drops off the list) is picked up after ``seconds`` at most.

Not cached: logged-in users (their pages differ), pages with flashed messages, anything but a
200, and a render that touched the session (e.g. a CSRF token).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import current_app, make_response, request, session
from flask_login import current_user

from app.core.i18n import current_language
from app.core.versions import on_clear, versions

PAGE_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Page:
    versions: tuple[int, ...]
    expires: float  # time.monotonic()
    body: bytes
    etag: str
    mimetype: str


class _Pages:
    """A bounded map (a few hundred pages: paths × query strings × languages)."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self.data: dict[Any, Page] = {}

    def get(self, key: Any) -> Page | None:
        return self.data.get(key)

    def put(self, key: Any, page: Page) -> None:
        if len(self.data) >= self.maxsize:
            self.data.clear()  # rare (unusual query strings): start over rather than track recency
        self.data[key] = page

    def clear(self) -> None:
        self.data.clear()


PAGES = _Pages()
on_clear(PAGES.clear)


def _cacheable() -> bool:
    return (request.method in ("GET", "HEAD") and not current_user.is_authenticated
            and "_flashes" not in session)


def _answer(page: Page):
    if request.if_none_match.contains(page.etag):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(page.body, mimetype=page.mimetype)
    response.set_etag(page.etag)
    return response


def cached_page(*names: str, seconds: float = PAGE_SECONDS) -> Callable:
    """Serve the decorated public view from the page cache for anonymous visitors; ``names`` are
    the content versions the page shows."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not _cacheable():
                return view(*args, **kwargs)
            key = (request.endpoint, request.full_path, current_language(), current_app.config["BASE_URL"])
            current = versions(*names)
            page = PAGES.get(key)
            if page is not None and page.versions == current and page.expires > time.monotonic():
                return _answer(page)
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough or session.modified:
                return response
            body = response.get_data()
            page = Page(versions=current, expires=time.monotonic() + seconds, body=body,
                        etag=hashlib.sha256(body).hexdigest()[:32], mimetype=response.mimetype)
            PAGES.put(key, page)
            return _answer(page)

        return wrapper

    return decorator
