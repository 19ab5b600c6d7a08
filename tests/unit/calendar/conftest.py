"""Helpers for the calendar tests: clean feed caches, spaces and bookings, byte-level checks."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from app.calendar import feeds
from app.extensions import db
from app.spaces.models import Booking, Space


@pytest.fixture(autouse=True)
def _fresh_feed_caches():
    """Ids restart after every test: a cached feed must never leak into the next one."""
    feeds.clear_caches()
    yield
    feeds.clear_caches()


@pytest.fixture
def make_space(app):
    def make(**fields) -> Space:
        values = {"name": "Kalasataman asukastila", "address": "Kalasatamankatu 1, Helsinki", "capacity": 30}
        values.update(fields)
        with app.app_context():
            space = Space(**values)
            db.session.add(space)
            db.session.commit()
            db.session.refresh(space)
            db.session.expunge(space)
            return space
    return make


@pytest.fixture
def make_booking(app):
    def make(space: Space, starts_at: datetime, hours: int = 2, **fields) -> Booking:
        ends_at = starts_at + timedelta(hours=hours)
        values = {"title": "Nuorten iltapäiväkerho", "status": "confirmed", "block_starts_at": starts_at,
                  "block_ends_at": ends_at + timedelta(minutes=space.buffer_minutes or 0)}
        values.update(fields)
        with app.app_context():
            booking = Booking(space_id=space.id, starts_at=starts_at, ends_at=ends_at, **values)
            db.session.add(booking)
            db.session.commit()
            db.session.refresh(booking)
            db.session.expunge(booking)
            return booking
    return make


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
