"""Bookings that belong to something else (a meeting date): who owns them and where to manage them.

The spaces layer sits below meetings, so it cannot ask about meetings itself; features above it
register a lookup here (``register_owner_lookup``) that maps booking ids to their owners. The
spaces pages then refuse to cancel or move such a booking on their own and point to the owner's
page instead, where the change keeps both sides consistent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

from flask_babel import lazy_gettext as _l

from app.errors import Conflict


@dataclass(frozen=True)
class BookingOwner:
    """What a booking belongs to: ``kind`` (e.g. ``"meeting"``), its title and time, and the page
    (path) where it is managed."""

    kind: str
    title: str
    starts_at: datetime
    manage_url: str


Lookup = Callable[[list[int]], dict[int, BookingOwner]]
_LOOKUPS: list[Lookup] = []


def register_owner_lookup(lookup: Lookup) -> None:
    """Register ``lookup(booking_ids) -> {booking_id: BookingOwner}`` (idempotent)."""
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)


def owners_of(booking_ids: Iterable[int]) -> dict[int, BookingOwner]:
    """The owners of those bookings that have one (one query per registered feature)."""
    ids = sorted({i for i in booking_ids if i is not None})
    found: dict[int, BookingOwner] = {}
    if not ids:
        return found
    for lookup in _LOOKUPS:
        found.update(lookup(ids))
    return found


def owner_of(booking: Any) -> BookingOwner | None:
    return owners_of([booking.id]).get(booking.id)


class OwnedBooking(Conflict):
    """A booking of a meeting is changed on the meeting's page, not from the space's list."""

    code = "belongs_to_meeting"

    def __init__(self, owner: BookingOwner, message: Any = None) -> None:
        self.owner = owner
        super().__init__(message or _l("This booking belongs to the meeting “%(title)s”. Cancel or move that "
                                       "meeting date on the meeting's page; the space booking follows it.",
                                       title=owner.title))
