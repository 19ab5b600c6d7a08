"""Helpers for the calendar tests: clean feed caches, byte-level checks (rows: the ``make`` factory)."""
from __future__ import annotations

import re

import pytest

from app.calendar import feeds


@pytest.fixture(autouse=True)
def _fresh_feed_caches():
    """Ids restart after every test: a cached feed must never leak into the next one."""
    feeds.clear_caches()
    yield
    feeds.clear_caches()


_TIME_PROPERTY = re.compile(rb"^(DTSTART|DTEND|RECURRENCE-ID|EXDATE)([;:])")


def assert_wellformed(data: bytes) -> None:
    """RFC 5545 at the byte level: CRLF only, lines of at most 75 octets that are each valid
    UTF-8 (no multi-byte sequence split by folding), and no floating date-times."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # raises on a split sequence
    unfolded = data.replace(b"\r\n ", b"").split(b"\r\n")
    in_vtimezone = False
    for line in unfolded:
        if line == b"BEGIN:VTIMEZONE":
            in_vtimezone = True
        elif line == b"END:VTIMEZONE":
            in_vtimezone = False
        elif not in_vtimezone and _TIME_PROPERTY.match(line):
            name, _, value = line.partition(b":")
            assert b";TZID=" in name or all(v.endswith(b"Z") for v in value.split(b",")), line
