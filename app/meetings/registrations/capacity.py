"""Seats: taking and freeing them with one conditional UPDATE, and locking a date's row.


Capacity is guarded by the database, not by a count in Python: confirming seats is the conditional
``UPDATE meeting_occurrences SET seats_taken = seats_taken + n WHERE ... AND seats_taken + n <=
capacity`` and the row count says whether it worked; the CHECK ``seats_taken <= capacity`` is the
last line of defence.

Waiting list order is strict FIFO by ``(created_at, id)``: promotion stops at the first waiting
registration that does not fit, and new registrations do not take seats while people are
waiting. Skipping a large party to fill a single seat with a later, smaller one would be locally
efficient but could starve groups for ever (every freed seat goes to someone behind them); the
order people registered in is also the order the waiting-list mail promised them. Staff can still
cancel or contact anyone explicitly.

Promotion needs the occurrence row locked: ``SELECT ... FOR UPDATE`` on PostgreSQL, while on
SQLite ``BEGIN IMMEDIATE`` (app.core.database) already serialises every writing transaction.
A registration that finds the occurrence full takes the same lock before it joins the waiting
list, so a cancellation running at the same moment either sees it (and promotes it) or has
already committed the freed seats that the registration then takes directly.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select, update

from app.errors import NotFound
from app.extensions import db
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus


def _take_seats(occurrence_id: int, seats: int, *, fifo: bool) -> bool:
    """Add ``seats`` confirmed seats if they fit; True when they did (the row count says)."""
    table = MeetingOccurrence.__table__
    condition = and_(table.c.id == occurrence_id, table.c.status == OccurrenceStatus.SCHEDULED,
                     table.c.seats_taken + seats <= table.c.capacity)
    if fifo:
        # Nobody may overtake people already waiting (strict FIFO).
        condition = and_(condition, ~exists().where(Registration.occurrence_id == occurrence_id,
                                                    Registration.status == RegistrationStatus.WAITLISTED))
    result = db.session.execute(update(table).where(condition)
                                .values(seats_taken=table.c.seats_taken + seats))
    return result.rowcount == 1


def _release_seats(occurrence_id: int, seats: int) -> None:
    table = MeetingOccurrence.__table__
    db.session.execute(update(table).where(table.c.id == occurrence_id, table.c.seats_taken >= seats)
                       .values(seats_taken=table.c.seats_taken - seats))


def lock_occurrence(occurrence_id: int) -> MeetingOccurrence:
    """Reload the occurrence with its row locked for the rest of the transaction.

    ``FOR UPDATE`` on PostgreSQL; SQLite ignores it, where ``BEGIN IMMEDIATE`` already holds the
    database's write lock for the whole transaction.
    """
    occurrence = db.session.scalar(select(MeetingOccurrence).where(MeetingOccurrence.id == occurrence_id)
                                   .with_for_update().execution_options(populate_existing=True))
    if occurrence is None:
        raise NotFound(_l("The meeting was not found."))
    return occurrence

