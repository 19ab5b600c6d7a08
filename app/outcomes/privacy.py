"""The outcomes a person follows in GDPR requests.

Erasure removes the follows (no more mail) and the link to the author of an outcome or a timeline
entry; the outcomes stay, they are the city's public account of what happened.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from app.core.personal_data import PersonalDataSource, Subject, iso, register_source
from app.extensions import db
from app.outcomes.models import Outcome, OutcomeEvent, OutcomeFollower


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
