"""The public meeting feeds, answered before Flask when their bytes are already cached.

Calendar apps poll ``/calendar/meetings.ics`` (and ``/calendar/series/<id>.ics``) every few
minutes with ``If-None-Match``; nearly every poll finds nothing changed. This WSGI middleware
answers such a request with what :func:`app.calendar.views._serve` would send — the same status,
body and headers (tests/unit/perf/test_feed_fastpath.py compares them) — after ONE statement
(the ``meetings`` content version), without a Flask request, session or ORM transaction. Any
other request, or a feed not yet built for the current version, goes to Flask unchanged, which
builds and caches it. So an edit is still visible on the very next request.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs
from collections.abc import Callable, Iterable
from datetime import timezone
from typing import Any

from flask import Flask
from werkzeug.http import http_date, parse_date, parse_etags, quote_etag

from app.calendar import feeds
from app.calendar.views import PUBLIC_MAX_AGE
from app.core.i18n import LANGUAGES
from app.core.versions import versions
from app.meetings.content import MEETINGS
from app.core.web_safety import security_header_values

_PATH = re.compile(r"/calendar/(?:meetings|series/(?P<series>[1-9][0-9]{0,9}))\.ics")


class FeedFastPath:
    """``app.wsgi_app = FeedFastPath(app)``; see the module docstring."""

    def __init__(self, app: Flask) -> None:
        from app.extensions import db

        self.app = app
        self.next = app.wsgi_app
        with app.app_context():
            self.engine = db.engine
        self.default_language = app.config.get("BABEL_DEFAULT_LOCALE", "fi")

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None and self.app.config.get("CALENDAR_FAST_PATH", True) \
                    and not self.app.config.get("CALENDAR_FINGERPRINT_TTL"):
                answer = self._answer(environ, match)
                if answer is not None:
                    status, headers, body = answer
                    start_response(status, headers)
                    return [body] if environ["REQUEST_METHOD"] == "GET" else []
        return self.next(environ, start_response)

    def _answer(self, environ: dict[str, Any], match: re.Match) -> tuple[str, list, bytes] | None:
        query = environ.get("QUERY_STRING", "")
        lang = self.default_language
        if query:
            args = parse_qs(query, keep_blank_values=True)
            if set(args) - {"lang"}:
                return None  # anything unusual: let Flask decide
            value = args.get("lang", [None])[0]
            lang = value if value in LANGUAGES else self.default_language
        series_id = int(match["series"]) if match["series"] else None
        if series_id is not None and series_id > 2**31 - 1:
            return None
        (current,) = versions(MEETINGS, engine=self.engine)
        memo = feeds.PLANS.get(("meetings", lang, series_id, self.app.config["BASE_URL"], current))
        if memo is None or memo[0] is None:
            return None
        feed = feeds.FEEDS.get(memo[0].key)
        if feed is None:
            return None
        plan = memo[0]
        last_modified = feed.last_modified.astimezone(timezone.utc).replace(microsecond=0)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match:
            not_modified = parse_etags(if_none_match).contains_weak(feed.etag)
        else:
            since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
            not_modified = since is not None and last_modified <= since
        if not_modified:  # werkzeug sends no entity headers (Content-*, Last-Modified) with a 304
            status, body = "304 NOT MODIFIED", b""
            headers = [("ETag", quote_etag(feed.etag))]
        else:
            status, body = "200 OK", feed.body
            headers = [("Content-Type", "text/calendar; charset=utf-8"), ("Content-Length", str(len(body))),
                       ("Content-Disposition", f'inline; filename="{plan.filename}"'),
                       ("ETag", quote_etag(feed.etag)), ("Last-Modified", http_date(last_modified))]
        headers += [("Cache-Control", f"public, max-age={PUBLIC_MAX_AGE}"),
                    ("Vary", "Cookie"),  # as Flask sends (Flask-Login looks at the session)
                    *security_header_values(self.app)]
        return status, headers, body
