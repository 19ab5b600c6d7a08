"""Meeting records, materials and outcomes in GDPR requests (the privacy layer reads the features).

- What a staff member wrote or uploaded: records and materials belong to the meeting, not to the
  person, so erasure removes only the link to the person (``created_by`` / ``published_by`` /
  ``uploaded_by``). Attendees appear in a record only as an organisation or, when they opted in,
  through their registration (erased there).
- The outcomes a person follows: erasure removes the follows (no more mail) and the link to the
  author of an outcome or a timeline entry; the outcomes stay, they are the city's public account
  of what happened.

Imported once at start-up (``app/__init__.py``); registering is idempotent (by name).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from app.extensions import db
from app.outcomes.models import Outcome, OutcomeEvent, OutcomeFollower
from app.privacy.registry import PersonalDataSource, Subject, iso, register_source
from app.records.models import MeetingAttachment, MeetingRecord


# --- records and materials ------------------------------------------------------------------------

def _export_records(subject: Subject) -> dict[str, Any] | None:
    if subject.user is None:
        return None
    uid = subject.user.id
    records = db.session.scalars(select(MeetingRecord).where(
        or_(MeetingRecord.created_by_id == uid, MeetingRecord.published_by_id == uid)).order_by(MeetingRecord.id)).all()
    files = db.session.scalars(select(MeetingAttachment).where(MeetingAttachment.uploaded_by_id == uid)
                               .order_by(MeetingAttachment.id)).all()
    if not records and not files:
        return None
    return {"records": [{"id": r.id, "occurrence_id": r.occurrence_id, "created_by_me": r.created_by_id == uid,
                         "published_by_me": r.published_by_id == uid, "published_at": iso(r.published_at)}
                        for r in records],
            "materials_uploaded": [{"id": f.id, "occurrence_id": f.occurrence_id, "filename": f.filename,
                                    "created_at": iso(f.created_at)} for f in files]}


def _erase_records(subject: Subject, *, actor: Any, now: datetime) -> int:
    if subject.user is None:
        return 0
    uid = subject.user.id
    changed = 0
    for column in (MeetingRecord.created_by_id, MeetingRecord.published_by_id):
        changed += db.session.execute(update(MeetingRecord).where(column == uid).values({column.key: None})
                                      .execution_options(synchronize_session=False)).rowcount or 0
    changed += db.session.execute(update(MeetingAttachment).where(MeetingAttachment.uploaded_by_id == uid)
                                  .values(uploaded_by_id=None)
                                  .execution_options(synchronize_session=False)).rowcount or 0
    return changed


register_source(PersonalDataSource("meeting_records", _export_records, _erase_records, order=40))


# --- outcomes -------------------------------------------------------------------------------------

def _export_follows(subject: Subject) -> dict[str, Any] | None:
    if subject.user is None:
        return None
    uid = subject.user.id
    follows = db.session.execute(
        select(OutcomeFollower, Outcome.title_fi).join(Outcome, Outcome.id == OutcomeFollower.outcome_id)
        .where(OutcomeFollower.user_id == uid).order_by(OutcomeFollower.id)).all()
    created = db.session.scalars(select(Outcome.id).where(Outcome.created_by_id == uid).order_by(Outcome.id)).all()
    updates = db.session.scalars(select(OutcomeEvent.id).where(OutcomeEvent.actor_id == uid)
                                 .order_by(OutcomeEvent.id)).all()
    if not follows and not created and not updates:
        return None
    return {"follows": [{"outcome_id": f.outcome_id, "outcome": title, "following": f.unfollowed_at is None,
                         "automatic": f.automatic, "since": iso(f.created_at), "unfollowed_at": iso(f.unfollowed_at)}
                        for f, title in follows],
            "outcomes_recorded": list(created), "timeline_entries_written": list(updates)}


def _erase_follows(subject: Subject, *, actor: Any, now: datetime) -> int:
    if subject.user is None:
        return 0
    uid = subject.user.id
    changed = db.session.execute(delete(OutcomeFollower).where(OutcomeFollower.user_id == uid)
                                 .execution_options(synchronize_session=False)).rowcount or 0
    changed += db.session.execute(update(Outcome).where(Outcome.created_by_id == uid).values(created_by_id=None)
                                  .execution_options(synchronize_session=False)).rowcount or 0
    changed += db.session.execute(update(OutcomeEvent).where(OutcomeEvent.actor_id == uid).values(actor_id=None)
                                  .execution_options(synchronize_session=False)).rowcount or 0
    return changed


register_source(PersonalDataSource("outcome_follows", _export_follows, _erase_follows, order=35))
