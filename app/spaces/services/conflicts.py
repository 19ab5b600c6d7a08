"""The never-double-book guarantee: blocks, the overlap look-up and the guarded write.

A booking occupies its *block* ``[starts_at, ends_at + buffer)``. Every write first looks for
overlapping live blocks (through the index ``ix_bookings_space_block``; the lower bound on
``block_starts_at`` keeps that look-up a short index range whatever the history, which is why a
block may last at most :data:`MAX_BLOCK`). On SQLite the whole transaction holds the write lock
from its first statement (``BEGIN IMMEDIATE``), so check-then-insert is serialised. On PostgreSQL
two transactions can both pass the check; the exclusion constraint ``ex_bookings_no_overlap`` then
refuses the second insert (SQLSTATE 23P01), which becomes a :class:`BookingConflict` listing what
is in the way.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.spaces.models import Booking, Space
from app.spaces.services.common import MAX_BLOCK, BookingConflict, ConflictItem, Interval
from app.spaces.statuses import BookingStatus


def block_of(space: Space, start: datetime, end: datetime) -> Interval:
    """The interval a booking occupies: itself plus the space's buffer after it."""
    return start, end + timedelta(minutes=space.buffer_minutes or 0)


def _live_blocks_query(space_id: int, block_start: datetime, block_end: datetime):
    # A short range of ix_bookings_space_block: (space_id, block_starts_at in (lo, hi)).
    return (select(Booking)
            .where(Booking.space_id == space_id,
                   Booking.block_starts_at > block_start - MAX_BLOCK,
                   Booking.block_starts_at < block_end,
                   Booking.block_ends_at > block_start,
                   Booking.status != BookingStatus.CANCELLED)
            .order_by(Booking.block_starts_at))


def find_conflicts(space: Space, start: datetime, end: datetime, *, exclude_id: int | None = None) -> list[Booking]:
    """Live bookings whose blocks overlap the block a booking ``[start, end)`` would occupy."""
    block_start, block_end = block_of(space, start, end)
    query = _live_blocks_query(space.id, block_start, block_end)
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    return list(db.session.scalars(query))


def _conflict_items(existing: Iterable[Booking], requested: Iterable[Interval], space: Space) -> list[ConflictItem]:
    items = []
    existing = list(existing)
    for start, end in requested:
        block_start, block_end = block_of(space, start, end)
        for booking in existing:
            if booking.block_starts_at < block_end and booking.block_ends_at > block_start:
                items.append(ConflictItem(booking.starts_at, booking.ends_at, booking.id, start, end, booking.title))
    return items


def refuse_conflicts(space: Space, start: datetime, end: datetime, *, exclude_id: int | None = None,
                     message: Any = None) -> None:
    """Raise :class:`BookingConflict` if ``[start, end)`` (with its buffer) meets a live booking."""
    conflicts = find_conflicts(space, start, end, exclude_id=exclude_id)
    if conflicts:
        raise BookingConflict(_conflict_items(conflicts, [(start, end)], space), message, tz=space.timezone)


_OVERLAP = "23P01"  # exclusion_violation: the constraint refused an overlapping block
_DEADLOCK = "40P01"  # two inserters waiting on each other's index entries; one is aborted
_RETRIES = 5


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _guarded(space: Space, requested: list[Interval], write, *, exclude_id: int | None = None) -> Any:
    """Run ``write()`` (add/modify live bookings, then flush); an overlap refused by the database
    becomes a BookingConflict listing what is in the way.

    On SQLite ``BEGIN IMMEDIATE`` means nothing can have changed since the caller's check, so the
    write just happens. On PostgreSQL the write runs in a savepoint: the exclusion constraint
    refuses an overlap committed (or being committed) by another transaction, and concurrent
    inserters of overlapping rows can deadlock on each other's index entries, in which case
    PostgreSQL aborts one; that one looks again and retries.
    """
    if not _postgresql():
        return write()
    for _attempt in range(_RETRIES):
        try:
            with db.session.begin_nested():
                return write()
        except DBAPIError as exc:
            if _sqlstate(exc) not in (_OVERLAP, _DEADLOCK):
                raise
        lo = min(s for s, _e in requested)
        hi = max(e for _s, e in requested)
        existing = [b for b in find_conflicts(space, lo, hi) if b.id != exclude_id]
        items = _conflict_items(existing, requested, space)
        if items:
            raise BookingConflict(items, tz=space.timezone)
    raise BookingConflict([], _l("The space is being booked by someone else right now. Try again."),
                          tz=space.timezone)


def _insert(values: list[dict[str, Any]], space: Space) -> list[Booking]:
    """Insert live bookings (as column values) under :func:`_guarded`; returns the rows."""

    def write() -> list[Booking]:
        rows = [Booking(**v) for v in values]
        db.session.add_all(rows)
        db.session.flush()
        return rows

    return _guarded(space, [(v["starts_at"], v["ends_at"]) for v in values], write)
