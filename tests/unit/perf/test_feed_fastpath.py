"""The feed fast path (app/calendar/fastpath.py) answers exactly as the Flask view would."""
from __future__ import annotations

import pytest

from app.calendar import feeds

HEADERS_COMPARED = ("Content-Type", "Content-Length", "Content-Disposition", "ETag", "Last-Modified",
                    "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                    "Referrer-Policy", "Permissions-Policy", "Strict-Transport-Security", "Set-Cookie", "Vary")


def _both(app, client, path, headers=None, method="get"):
    """(fast path answer, Flask answer) for the same request, the feed cached for both."""
    getattr(client, method)(path, headers=headers)  # builds and caches
    fast = getattr(client, method)(path, headers=headers)
    app.config["CALENDAR_FAST_PATH"] = False
    try:
        slow = getattr(client, method)(path, headers=headers)
    finally:
        app.config["CALENDAR_FAST_PATH"] = True
    return fast, slow


@pytest.mark.parametrize("path", ["/calendar/meetings.ics", "/calendar/meetings.ics?lang=sv",
                                  "/calendar/meetings.ics?lang=xx"])
def test_same_answer_as_flask(app, client, make, path):
    series = make.series(occurrences=3)
    for headers in (None, {"If-None-Match": "\"nope\""}):
        fast, slow = _both(app, client, path, headers)
        assert (fast.status_code, fast.data) == (slow.status_code, slow.data) == (200, fast.data)
        assert series.uid.encode() in fast.data
        assert {h: fast.headers.get(h) for h in HEADERS_COMPARED} == {h: slow.headers.get(h) for h in HEADERS_COMPARED}
    etag = fast.headers["ETag"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'W/{etag}, "x"'},
                    {"If-Modified-Since": fast.headers["Last-Modified"]}):
        fast, slow = _both(app, client, path, headers)
        assert fast.status_code == slow.status_code == 304 and fast.data == slow.data == b""
        assert {h: fast.headers.get(h) for h in HEADERS_COMPARED} == {h: slow.headers.get(h) for h in HEADERS_COMPARED}


def test_series_feed_and_head(app, client, make):
    series = make.series(occurrences=2)
    fast, slow = _both(app, client, f"/calendar/series/{series.id}.ics", method="head")
    assert fast.status_code == slow.status_code == 200 and fast.data == slow.data == b""
    assert fast.headers["ETag"] == slow.headers["ETag"]
    assert client.get("/calendar/series/999999.ics").status_code == 404


def test_an_edit_is_served_at_once(app, client, make, monkeypatch):
    """The fast path never answers from a feed of an older version."""
    first = client.get("/calendar/meetings.ics")
    client.get("/calendar/meetings.ics")
    series = make.series(occurrences=1)
    second = client.get("/calendar/meetings.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and series.uid.encode() in second.data


def test_a_hit_needs_no_flask_request(app, client, make, monkeypatch):
    make.series(occurrences=1)
    client.get("/calendar/meetings.ics")
    calls = []
    monkeypatch.setattr(feeds, "get_feed", lambda plan: calls.append(plan))
    assert client.get("/calendar/meetings.ics").status_code == 200
    assert calls == []
