"""Topic proposals for a meeting's agenda, support votes and staff decisions.

``votes_count`` is kept next to the vote rows: the unique (proposal, user) pair lets a vote be
inserted once, and only the caller whose insert went through adds one with an atomic
``UPDATE ... SET votes_count = votes_count + 1`` — correct under concurrency on both databases.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from app.core.audit import audit
from app.core.types import utcnow
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.feedback.models import TOPIC_STATUSES, TopicProposal, TopicVote
from app.core.database import insert_ignoring as _insert
from app.meetings.models import MeetingOccurrence
from app.feedback.statuses import TopicStatus


@dataclass
class TopicData:
    """A proposal as its author writes it."""

    title: str
    description: str | None = None


def clean_topic(data: TopicData) -> TopicData:
    """Title 3–200 characters, description at most 2000."""
    title = " ".join((data.title or "").split())
    description = (data.description or "").strip() or None
    errors: dict[str, list[Any]] = {}
    if len(title) < 3:
        errors.setdefault("title", []).append(_l("Give the topic a title of at least 3 characters."))
    elif len(title) > 200:
        errors.setdefault("title", []).append(_l("At most 200 characters."))
    if description and len(description) > 2000:
        errors.setdefault("description", []).append(_l("At most 2000 characters."))
    if errors:
        raise ValidationError(_l("Check the topic."), fields=errors)
    return TopicData(title=title, description=description)


def proposals_open(occurrence: MeetingOccurrence, now: datetime) -> bool:
    """Topics can be proposed and supported until the meeting starts (not for cancelled ones)."""
    return occurrence.status == "scheduled" and now < occurrence.starts_at


def open_occurrences(now: datetime, limit: int = 40) -> list[MeetingOccurrence]:
    """Upcoming dates of published series that take topic proposals, soonest first (the chooser on
    the topics page)."""
    from app.meetings.models import MeetingSeries

    return list(db.session.scalars(
        select(MeetingOccurrence).join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
        .options(joinedload(MeetingOccurrence.series))
        .where(MeetingSeries.status == "published", MeetingOccurrence.status == "scheduled",
               MeetingOccurrence.starts_at > now)
        .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id).limit(limit)))


def propose_topic(occurrence: MeetingOccurrence, data: TopicData, *, actor: Any,
                  now: datetime | None = None) -> TopicProposal:
    """A logged-in person proposes an agenda topic for an upcoming occurrence."""
    now = now or utcnow()
    if actor is None:
        raise Forbidden(_l("Log in to propose topics."))
    if not proposals_open(occurrence, now):
        raise Conflict(_l("Topics can no longer be proposed for this meeting."), code="closed")
    data = clean_topic(data)
    _check_allowance(occurrence, actor)
    proposal = TopicProposal(occurrence_id=occurrence.id, series_id=occurrence.series_id, title=data.title,
                             description=data.description, proposer_id=actor.id,
                             organization_id=getattr(actor, "organization_id", None), status=TopicStatus.PROPOSED,
                             votes_count=0, created_at=now, updated_at=now)
    db.session.add(proposal)
    db.session.flush()
    audit(actor, "topic.propose", "topic_proposal", proposal.id, occurrence_id=occurrence.id)
    return proposal


DEFAULT_TOPICS_PER_USER_PER_OCCURRENCE = 5


def _check_allowance(occurrence: MeetingOccurrence, actor: Any) -> None:
    """A few proposals per person per meeting: one user must not flood the agenda (staff exempt)."""
    if getattr(actor, "is_staff", False):
        return
    from flask import current_app

    allowed = current_app.config.get("TOPICS_PER_USER_PER_OCCURRENCE", DEFAULT_TOPICS_PER_USER_PER_OCCURRENCE)
    made = db.session.scalar(select(func.count(TopicProposal.id)).where(
        TopicProposal.occurrence_id == occurrence.id, TopicProposal.proposer_id == actor.id))
    if made >= allowed:
        raise Conflict(_l("You have already proposed %(n)d topics for this meeting, the most one person can. "
                          "You can support the other proposals.", n=allowed), field="title", code="limit_reached")


def _check_votable(proposal: TopicProposal, actor: Any, now: datetime) -> None:
    if actor is None:
        raise Forbidden(_l("Log in to support topics."))
    if proposal.status != TopicStatus.PROPOSED:
        raise Conflict(_l("This topic has already been decided on."), code="decided")
    occurrence = proposal.occurrence
    if occurrence is not None and not proposals_open(occurrence, now):
        raise Conflict(_l("Support can no longer be given: the meeting has started."), code="closed")


def vote(proposal: TopicProposal, *, actor: Any, now: datetime | None = None) -> bool:
    """Support a proposal; True when this call added the vote, False when it already existed."""
    now = now or utcnow()
    _check_votable(proposal, actor, now)
    inserted = db.session.execute(
        _insert(TopicVote).values(proposal_id=proposal.id, user_id=actor.id, created_at=now)
        .on_conflict_do_nothing(index_elements=["proposal_id", "user_id"])
        .returning(TopicVote.id)).scalar()
    if inserted is None:
        return False
    db.session.execute(update(TopicProposal).where(TopicProposal.id == proposal.id)
                       .values(votes_count=TopicProposal.votes_count + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(proposal, ["votes_count"])
    return True


def unvote(proposal: TopicProposal, *, actor: Any, now: datetime | None = None) -> bool:
    """Withdraw one's support; True when a vote was removed."""
    now = now or utcnow()
    _check_votable(proposal, actor, now)
    removed = db.session.execute(
        delete(TopicVote).where(TopicVote.proposal_id == proposal.id, TopicVote.user_id == actor.id)
        .returning(TopicVote.id)).scalar()
    if removed is None:
        return False
    db.session.execute(update(TopicProposal).where(TopicProposal.id == proposal.id)
                       .values(votes_count=TopicProposal.votes_count - 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(proposal, ["votes_count"])
    return True


def withdraw_topic(proposal: TopicProposal, *, actor: Any) -> None:
    """The proposer removes a proposal that has not been decided on."""
    if actor is None or (proposal.proposer_id != actor.id and not getattr(actor, "is_admin", False)):
        raise Forbidden(_l("Only the proposer can withdraw a topic."))
    if proposal.status != TopicStatus.PROPOSED:
        raise Conflict(_l("This topic has already been decided on."), code="decided")
    audit(actor, "topic.withdraw", "topic_proposal", proposal.id, title=proposal.title)
    db.session.delete(proposal)
    db.session.flush()


def decide_topic(proposal: TopicProposal, *, status: str, actor: Any, linked_occurrence_id: int | None = None,
                 note: str | None = None, now: datetime | None = None) -> TopicProposal:
    """Staff take a topic up (on an occurrence of the same series), decline it, or reopen it."""
    now = now or utcnow()
    if actor is None or not actor.is_staff:
        raise Forbidden(_l("Only staff can decide on topics."))
    if status not in TOPIC_STATUSES:
        raise ValidationError(_l("Choose a status."), field="status")
    linked = None
    if status == TopicStatus.TAKEN_UP:
        linked_occurrence_id = linked_occurrence_id or proposal.occurrence_id
        linked = db.session.get(MeetingOccurrence, linked_occurrence_id) if linked_occurrence_id else None
        if linked is None or linked.series_id != proposal.series_id:
            raise ValidationError(_l("Choose a meeting of the same series."), field="linked_occurrence_id")
    note = (note or "").strip() or None
    if note and len(note) > 2000:
        raise ValidationError(_l("At most 2000 characters."), field="staff_note")
    proposal.status = status
    proposal.linked_occurrence_id = linked.id if linked else None
    proposal.staff_note = note
    proposal.decided_by_id = actor.id if status != TopicStatus.PROPOSED else None
    proposal.decided_at = now if status != TopicStatus.PROPOSED else None
    proposal.updated_at = now
    db.session.flush()
    audit(actor, "topic.decide", "topic_proposal", proposal.id, status=status,
          linked_occurrence_id=proposal.linked_occurrence_id)
    return proposal


def _occurrence_topics_query(occurrence_id: int):
    return (select(TopicProposal)
            .options(joinedload(TopicProposal.organization), joinedload(TopicProposal.proposer),
                     joinedload(TopicProposal.linked_occurrence))
            .where(TopicProposal.occurrence_id == occurrence_id)
            .order_by(TopicProposal.votes_count.desc(), TopicProposal.created_at, TopicProposal.id))


def occurrence_topics_page(occurrence_id: int, user: Any = None, *, page: int, per_page: int):
    """One page of the occurrence's proposals (most supported first) and the ids the user supports."""
    pagination = db.paginate(_occurrence_topics_query(occurrence_id), page=page, per_page=per_page,
                             error_out=False, max_per_page=100)
    return pagination, _voted(pagination.items, user)


def _voted(proposals: list[TopicProposal], user: Any) -> set[int]:
    voted: set[int] = set()
    if user is not None and getattr(user, "is_authenticated", True) and proposals:
        voted = set(db.session.scalars(
            select(TopicVote.proposal_id).where(TopicVote.user_id == user.id,
                                                TopicVote.proposal_id.in_([p.id for p in proposals]))))
    return voted



def topics_page(*, page: int, per_page: int, status: str | None = None, series_id: int | None = None,
                viewer: Any = None):
    """All proposals ``viewer`` may see with their status, newest first (paginated, eager-loaded)."""
    from app.meetings.models import MeetingSeries
    from app.meetings.visibility import visible_series_clause

    query = (select(TopicProposal)
             .outerjoin(MeetingSeries, MeetingSeries.id == TopicProposal.series_id)
             .where(or_(TopicProposal.series_id.is_(None), visible_series_clause(viewer)))
             .options(joinedload(TopicProposal.organization), joinedload(TopicProposal.series),
                      joinedload(TopicProposal.occurrence), joinedload(TopicProposal.linked_occurrence))
             .order_by(TopicProposal.created_at.desc(), TopicProposal.id.desc()))
    if status in TOPIC_STATUSES:
        query = query.where(TopicProposal.status == status)
    if series_id is not None:
        query = query.where(TopicProposal.series_id == series_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)

