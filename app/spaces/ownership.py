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
    """A booking of a meeting (or a guidance hour) is changed with what owns it, not on its own:
    cancelling only the booking would leave the date announced in a place nobody has booked."""

    code = "conflict"

    def __init__(self, owner: BookingOwner, message: Any = None) -> None:
        self.owner = owner
        super().__init__(message or _owned_message(owner), reason=f"belongs_to_{owner.kind}",
                         owner={"kind": owner.kind, "title": owner.title})


def _owned_message(owner: BookingOwner) -> Any:
    if owner.kind == "guidance":
        return _l("This booking belongs to the guidance hour “%(title)s”. Cancel that date of the guidance "
                  "hour instead; its space booking is freed with it.", title=owner.title)
    return _l("This booking belongs to the meeting “%(title)s”. Cancel or move that meeting date instead (on "
              "the meeting's page, or PATCH /api/v1/occurrences/<id>); the space booking follows it.",
              title=owner.title)


def refuse_owned(booking: Any) -> None:
    """Raise :class:`OwnedBooking` (409) if a feature above spaces owns ``booking``."""
    owner = owner_of(booking)
    if owner is not None:
        raise OwnedBooking(owner)
