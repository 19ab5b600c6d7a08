"""Record when a meeting series is first published, without a call from the meetings package.

A session hook (``after_flush``) sees every series flushed as new with status ``published`` or
whose status changed to ``published`` — through the staff form, the API, the demo or a test
factory alike — and inserts its ``SeriesAnnouncement`` with ``ON CONFLICT DO NOTHING`` in the same
transaction: a series is announced once, on its first publication (re-publishing after a draft
spell announces nothing new). New dates added to a published series are not announced: the
announcement links to the series page, which lists them all.
"""
from __future__ import annotations

from sqlalchemy import event, inspect, null
from sqlalchemy.orm import Session

from app.core.types import utcnow
from app.meetings.models import MeetingSeries
from app.subscriptions.models import SeriesAnnouncement


def insert_ignoring_duplicates(dialect_name: str, model):
    """``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL (``.on_conflict_do_nothing()``)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def _newly_published(session: Session) -> list[int]:
    ids = []
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, MeetingSeries) or obj.status != "published" or obj.id is None:
            continue
        if obj in session.new or inspect(obj).attrs.status.history.has_changes():
            ids.append(obj.id)
    return ids


@event.listens_for(Session, "after_flush")
def _announce(session: Session, _context) -> None:
    ids = _newly_published(session)
    if not ids:
        return
    connection = session.connection()
    now = utcnow()
    for series_id in ids:
        connection.execute(insert_ignoring_duplicates(connection.dialect.name, SeriesAnnouncement)
                           .values(series_id=series_id, published_at=now)
                           .on_conflict_do_nothing(index_elements=["series_id"]))


@event.listens_for(MeetingSeries, "init")
def _default_reminder(target: MeetingSeries, _args, kwargs) -> None:
    """A new series reminds 24 hours before each date unless told otherwise.

    Set on the object (not only as the column's server default, which serves rows written
    without the ORM) so that the services see 24 as the value a cleaned ``None`` changes.
    """
    kwargs.setdefault("reminder_hours_before", 24)


@event.listens_for(MeetingSeries, "before_insert")
def _keep_reminders_off(_mapper, _connection, target: MeetingSeries) -> None:
    """A new series with ``reminder_hours_before=None`` (no reminders) stores NULL: the ORM leaves
    a None out of the INSERT when the column has a default, which would turn "off" into 24."""
    if "reminder_hours_before" in target.__dict__ and target.__dict__["reminder_hours_before"] is None:
        target.reminder_hours_before = null()
