"""Feedback of named forms and agenda topics in GDPR requests.

- Feedback: responses are found through the registration's email (so this source erases before
  the registrations); erasure detaches them from the person and removes their free texts, the
  ratings and choices stay (anonymous) so the report's figures do not change.
- Topics: proposals lose their proposer (the topic belongs to the meeting's agenda); the
  person's votes are removed but still counted in ``votes_count``.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.personal_data import PersonalDataSource, Subject, iso, register_source
from app.extensions import db
from app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, TopicProposal, TopicVote
from app.meetings.models import Registration


def _feedback_responses(subject: Subject) -> list[FeedbackResponse]:
    return list(db.session.scalars(
        select(FeedbackResponse)
        .join(Registration, Registration.id == FeedbackResponse.registration_id)
        .where(subject.matches(Registration))
        .options(selectinload(FeedbackResponse.answers).selectinload(FeedbackAnswer.question))
        .order_by(FeedbackResponse.id)))


def _export_feedback(subject: Subject) -> list[dict[str, Any]]:
    return [{"id": r.id, "occurrence_id": r.occurrence_id, "submitted_at": iso(r.submitted_at),
             "answers": [{"question": a.question.text_fi if a.question else None, "rating": a.rating,
                          "choices": a.choices, "text": a.text} for a in r.answers]}
            for r in _feedback_responses(subject)]


def _erase_feedback(subject: Subject, *, actor: Any, now: datetime) -> int:
    """Detach the responses from the person and remove their free texts; the responses, ratings and
    choices stay (anonymous) so the report's figures do not change. The feedback link stops working."""
    rows = _feedback_responses(subject)
    for row in rows:
        for answer in list(row.answers):
            if answer.rating is None and not answer.choices:
                row.answers.remove(answer)  # a text-only answer (an answer is never empty)
            else:
                answer.text = None
        row.registration_id = None
        invitation = db.session.get(FeedbackInvitation, row.invitation_id)
        if invitation is not None:
            invitation.secret = secrets.token_hex(16)
    return len(rows)


def _proposals(subject: Subject) -> list[TopicProposal]:
    if subject.user is None:
        return []
    return list(db.session.scalars(select(TopicProposal).where(
        subject.matches(TopicProposal, user_column="proposer_id")).order_by(TopicProposal.id)))


def _votes(subject: Subject) -> list[TopicVote]:
    if subject.user is None:
        return []
    return list(db.session.scalars(select(TopicVote).where(subject.matches(TopicVote)).order_by(TopicVote.id)))


def _export_topics(subject: Subject) -> dict[str, Any] | None:
    proposals, votes = _proposals(subject), _votes(subject)
    if not proposals and not votes:
        return None
    return {"proposals": [{"id": p.id, "title": p.title, "description": p.description, "status": p.status,
                           "occurrence_id": p.occurrence_id, "created_at": iso(p.created_at)} for p in proposals],
            "votes": [{"proposal_id": v.proposal_id, "created_at": iso(v.created_at)} for v in votes]}


def _erase_topics(subject: Subject, *, actor: Any, now: datetime) -> int:
    """Proposals lose their proposer (the topic itself belongs to the meeting's agenda); the
    person's votes are removed but still counted in ``votes_count``."""
    proposals, votes = _proposals(subject), _votes(subject)
    for proposal in proposals:
        proposal.proposer_id = None
    for vote in votes:
        db.session.delete(vote)
    return len(proposals) + len(votes)


# Before "registrations" (order 10): feedback is found through the registration's email.
register_source(PersonalDataSource("feedback", _export_feedback, _erase_feedback, order=5))
register_source(PersonalDataSource("topics", _export_topics, _erase_topics, order=30))
