"""Outcomes: create, update (status / note → timeline entry → one mail per follower), follow.

People who proposed or supported a linked topic follow the outcome automatically. Following is
idempotent: the unique (outcome, user) row is inserted with ``ON CONFLICT DO NOTHING``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.core.database import insert_ignoring
from app.accounts.models import User
from app.core.audit import audit
from app.core.auth import require_staff
from app.core.i18n import LANGUAGES
from app.core.types import utcnow
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.feedback.models import TopicProposal, TopicVote
from app.meetings.models import MeetingOccurrence, MeetingTheme
from app.outcomes.models import (OUTCOME_STATUSES, Outcome, OutcomeEvent, OutcomeFollower, outcome_occurrences,
                                 outcome_themes, outcome_topics)
from app.outcomes.notifications import mail_outcome_change
from app.outcomes.statuses import OutcomeStatus

MAX_TITLE = 200
MAX_TEXT = 10000


@dataclass
class OutcomeData:
    """Fields staff write; ``None`` means "leave as it is" (for updates)."""

    title: dict[str, str | None] | None = None
    description: dict[str, str | None] | None = None
    status: str | None = None
    topic_ids: list[int] | None = None
    occurrence_ids: list[int] | None = None
    theme_ids: list[int] | None = None
    note: dict[str, str | None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _texts(values: dict[str, str | None] | None, name: str, limit: int, errors: dict, *, single_line: bool = False
           ) -> dict[str, str | None] | None:
    if values is None:
        return None
    cleaned = {}
    for lang in LANGUAGES:
        value = values.get(lang) or ""
        value = " ".join(value.split()) if single_line else value.replace("\r\n", "\n").strip()
        if len(value) > limit:
            errors.setdefault(f"{name}_{lang}", []).append(_l("At most %(n)d characters.", n=limit))
        cleaned[lang] = value or None
    return cleaned


def _rows(model, ids: list[int] | None, name: str, errors: dict, message) -> list | None:
    if ids is None:
        return None
    wanted = set(ids)
    rows = list(db.session.scalars(select(model).where(model.id.in_(wanted or {0})))) if wanted else []
    if len(rows) != len(wanted):
        errors.setdefault(name, []).append(message)
    return rows


def _clean(data: OutcomeData, *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[Any]] = {}
    title = _texts(data.title, "title", MAX_TITLE, errors, single_line=True)
    if creating and (title is None or not title["fi"]):
        errors.setdefault("title_fi", []).append(_l("Give the outcome a title in Finnish."))
    if title is not None and not creating and not title["fi"]:
        errors.setdefault("title_fi", []).append(_l("Give the outcome a title in Finnish."))
    description = _texts(data.description, "description", MAX_TEXT, errors)
    note = _texts(data.note, "note", MAX_TEXT, errors)
    if note is not None and not note["fi"] and (note["sv"] or note["en"]):
        errors.setdefault("note_fi", []).append(_l("Write the note in Finnish too."))
    if data.status is not None and data.status not in OUTCOME_STATUSES:
        errors.setdefault("status", []).append(_l("Choose a status."))
    topics = _rows(TopicProposal, data.topic_ids, "topic_ids", errors, _l("Choose existing topics."))
    occurrences = _rows(MeetingOccurrence, data.occurrence_ids, "occurrence_ids", errors,
                        _l("Choose existing meetings."))
    themes = _rows(MeetingTheme, data.theme_ids, "theme_ids", errors, _l("Choose existing themes."))
    if errors:
        raise ValidationError(_l("Check the outcome."), fields=errors)
    return {"title": title, "description": description, "note": note if note and note["fi"] else None,
            "topics": topics, "occurrences": occurrences, "themes": themes}


def _set_texts(outcome: Outcome, name: str, values: dict[str, str | None] | None) -> None:
    if values is not None:
        for lang in LANGUAGES:
            setattr(outcome, f"{name}_{lang}", values[lang])


def create_outcome(data: OutcomeData, *, actor: Any, now: datetime | None = None) -> Outcome:
    """Record an outcome; the first timeline entry holds its status (and the note, if any).

    The people behind the linked topics start following it and get one mail about it.
    """
    now = now or utcnow()
    require_staff(actor)
    clean = _clean(data, creating=True)
    outcome = Outcome(status=data.status or OutcomeStatus.OPEN, created_by_id=actor.id, created_at=now, updated_at=now)
    _set_texts(outcome, "title", clean["title"])
    _set_texts(outcome, "description", clean["description"])
    outcome.topics = clean["topics"] or []
    outcome.occurrences = clean["occurrences"] or []
    outcome.themes = clean["themes"] or []
    db.session.add(outcome)
    db.session.flush()
    event = _add_event(outcome, status=outcome.status, note=clean["note"], actor=actor, now=now)
    audit(actor, "outcome.create", "outcome", outcome.id, status=outcome.status)
    new_followers = _auto_follow(outcome, [t.id for t in outcome.topics], now)
    for user in _users(new_followers):
        mail_outcome_change(user, outcome, event, created=True)
    return outcome


def update_outcome(outcome: Outcome, data: OutcomeData, *, actor: Any, now: datetime | None = None
                   ) -> OutcomeEvent | None:
    """Change fields; a new status or a note adds a dated timeline entry and mails every follower once.

    Returns the new timeline entry, or None when only details (title, links) changed.
    """
    now = now or utcnow()
    require_staff(actor)
    clean = _clean(data, creating=False)
    _set_texts(outcome, "title", clean["title"])
    _set_texts(outcome, "description", clean["description"])
    new_topic_ids: list[int] = []
    if clean["topics"] is not None:
        old = {t.id for t in outcome.topics}
        outcome.topics = clean["topics"]
        new_topic_ids = [t.id for t in clean["topics"] if t.id not in old]
    if clean["occurrences"] is not None:
        outcome.occurrences = clean["occurrences"]
    if clean["themes"] is not None:
        outcome.themes = clean["themes"]
    status_changed = data.status is not None and data.status != outcome.status
    if status_changed:
        outcome.status = data.status
    outcome.updated_at = now
    db.session.flush()
    if new_topic_ids:
        _auto_follow(outcome, new_topic_ids, now)
    event = None
    if status_changed or clean["note"]:
        event = _add_event(outcome, status=outcome.status if status_changed else None, note=clean["note"],
                           actor=actor, now=now)
        for user in _users(active_follower_ids(outcome.id)):
            mail_outcome_change(user, outcome, event)
    audit(actor, "outcome.update", "outcome", outcome.id, status=outcome.status if status_changed else None,
          note=bool(clean["note"]) or None)
    return event


def _add_event(outcome: Outcome, *, status: str | None, note: dict[str, str | None] | None, actor: Any,
               now: datetime) -> OutcomeEvent:
    event = OutcomeEvent(outcome_id=outcome.id, at=now, status=status, actor_id=getattr(actor, "id", None),
                         note_fi=note["fi"] if note else None, note_sv=note["sv"] if note else None,
                         note_en=note["en"] if note else None)
    db.session.add(event)
    db.session.flush()
    return event


def _users(ids: list[int]) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id)))


def _auto_follow(outcome: Outcome, topic_ids: list[int], now: datetime) -> list[int]:
    """Proposers and supporters of the topics follow the outcome; returns who started now."""
    if not topic_ids:
        return []
    proposers = set(db.session.scalars(select(TopicProposal.proposer_id).where(
        TopicProposal.id.in_(topic_ids), TopicProposal.proposer_id.is_not(None))))
    supporters = set(db.session.scalars(select(TopicVote.user_id).where(TopicVote.proposal_id.in_(topic_ids))))
    started = []
    for user_id in sorted(proposers | supporters):
        inserted = db.session.execute(
            insert_ignoring(OutcomeFollower).values(outcome_id=outcome.id, user_id=user_id, automatic=True, created_at=now)
            .on_conflict_do_nothing(index_elements=["outcome_id", "user_id"])
            .returning(OutcomeFollower.id)).scalar()
        if inserted is not None:
            started.append(user_id)
    return started


def active_follower_ids(outcome_id: int) -> list[int]:
    return list(db.session.scalars(select(OutcomeFollower.user_id).where(
        OutcomeFollower.outcome_id == outcome_id, OutcomeFollower.unfollowed_at.is_(None))
        .order_by(OutcomeFollower.user_id)))


def follow(outcome: Outcome, *, actor: Any, now: datetime | None = None) -> bool:
    """Follow (again); True when the person was not following before. Idempotent."""
    now = now or utcnow()
    if actor is None or not getattr(actor, "is_authenticated", True):
        raise Forbidden(_l("Log in to follow outcomes."))
    inserted = db.session.execute(
        insert_ignoring(OutcomeFollower).values(outcome_id=outcome.id, user_id=actor.id, automatic=False, created_at=now)
        .on_conflict_do_nothing(index_elements=["outcome_id", "user_id"])
        .returning(OutcomeFollower.id)).scalar()
    if inserted is not None:
        return True
    resumed = db.session.execute(
        update(OutcomeFollower).where(OutcomeFollower.outcome_id == outcome.id, OutcomeFollower.user_id == actor.id,
                                      OutcomeFollower.unfollowed_at.is_not(None))
        .values(unfollowed_at=None).execution_options(synchronize_session=False)).rowcount
    return resumed == 1


def unfollow(outcome: Outcome, *, actor: Any, now: datetime | None = None) -> bool:
    """Stop following; the row stays (marked) so automatic following does not start again."""
    now = now or utcnow()
    if actor is None or not getattr(actor, "is_authenticated", True):
        raise Forbidden(_l("Log in to follow outcomes."))
    stopped = db.session.execute(
        update(OutcomeFollower).where(OutcomeFollower.outcome_id == outcome.id, OutcomeFollower.user_id == actor.id,
                                      OutcomeFollower.unfollowed_at.is_(None))
        .values(unfollowed_at=now).execution_options(synchronize_session=False)).rowcount
    if not stopped:
        # Never followed: remember the choice, so that a later linked topic does not subscribe them.
        db.session.execute(
            insert_ignoring(OutcomeFollower).values(outcome_id=outcome.id, user_id=actor.id, automatic=False,
                                            created_at=now, unfollowed_at=now)
            .on_conflict_do_nothing(index_elements=["outcome_id", "user_id"]))
    return stopped == 1


def is_following(outcome_id: int, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(OutcomeFollower.id).where(
        OutcomeFollower.outcome_id == outcome_id, OutcomeFollower.user_id == user.id,
        OutcomeFollower.unfollowed_at.is_(None))))


def followers_count(outcome_id: int) -> int:
    return int(db.session.scalar(select(func.count(OutcomeFollower.id)).where(
        OutcomeFollower.outcome_id == outcome_id, OutcomeFollower.unfollowed_at.is_(None))) or 0)


def load_outcome(outcome_id: int) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.id == outcome_id).options(
        selectinload(Outcome.topics), selectinload(Outcome.occurrences).selectinload(MeetingOccurrence.series),
        selectinload(Outcome.themes), selectinload(Outcome.events)))


def outcomes_page(*, page: int, per_page: int, status: str | None = None, theme_id: int | None = None):
    """Outcomes, most recently changed first (paginated)."""
    query = (select(Outcome).options(selectinload(Outcome.themes), selectinload(Outcome.topics))
             .order_by(Outcome.updated_at.desc(), Outcome.id.desc()))
    if status in OUTCOME_STATUSES:
        query = query.where(Outcome.status == status)
    if theme_id is not None:
        query = query.where(Outcome.id.in_(select(outcome_themes.c.outcome_id)
                                           .where(outcome_themes.c.theme_id == theme_id)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def outcomes_for_topics(topic_ids: list[int]) -> dict[int, list[Outcome]]:
    """Outcomes of each topic (one query), for topic pages."""
    if not topic_ids:
        return {}
    rows = db.session.execute(
        select(outcome_topics.c.proposal_id, Outcome)
        .join(Outcome, Outcome.id == outcome_topics.c.outcome_id)
        .where(outcome_topics.c.proposal_id.in_(topic_ids)).order_by(Outcome.id)).all()
    result: dict[int, list[Outcome]] = {}
    for proposal_id, outcome in rows:
        result.setdefault(proposal_id, []).append(outcome)
    return result


def outcomes_for_occurrence(occurrence_id: int, topic_ids: list[int]) -> list[Outcome]:
    """Outcomes linked to the occurrence itself or to one of the given topics."""
    linked = select(outcome_occurrences.c.outcome_id).where(outcome_occurrences.c.occurrence_id == occurrence_id)
    clause = Outcome.id.in_(linked)
    if topic_ids:
        clause = clause | Outcome.id.in_(select(outcome_topics.c.outcome_id)
                                         .where(outcome_topics.c.proposal_id.in_(topic_ids)))
    return list(db.session.scalars(select(Outcome).where(clause).order_by(Outcome.id)))
