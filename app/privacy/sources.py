"""The merged features' part in GDPR requests: booking requests, named feedback, agenda topics, and
the meetings feature's cancellation (waiting-list promotion) for erasures of upcoming registrations.

Imported once at start-up (``app._register_blueprints``); registering is idempotent (by name).
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.guidance import privacy as guidance_privacy
from app.subscriptions import privacy as subscriptions_privacy
from app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, TopicProposal, TopicVote
from app.meetings.models import Registration
from app.privacy.registry import PersonalDataSource, Subject, iso, register_source
from app.privacy.services import _default_canceller, set_registration_canceller
from app.spaces.models import BookingRequest

ERASED_TITLE = "–"


# --- cancelling an upcoming registration on erasure -----------------------------------------------

def cancel_for_erasure(row: Registration, *, actor: Any, now: datetime) -> None:
    """Cancel like the person would (frees the seats, promotes the waiting list and mails the
    promoted), but without mailing the person being erased. A meeting that is already under way
    cannot be cancelled by its registrant, so then only the seats are given back."""
    from app.meetings.registrations import cancel_registration

    if row.occurrence.starts_at <= now:
        _default_canceller(row, actor=actor, now=now)
        return
    cancel_registration(row, actor=actor, now=now, by_token=True, notify=False)


# --- booking requests -----------------------------------------------------------------------------

def _booking_requests(subject: Subject) -> list[BookingRequest]:
    if subject.user is None:
        return []
    return list(db.session.scalars(
        select(BookingRequest).options(selectinload(BookingRequest.space))
        .where(subject.matches(BookingRequest, user_column="requester_id")).order_by(BookingRequest.id)))


def _export_booking_requests(subject: Subject) -> list[dict[str, Any]]:
    return [{"id": r.id, "space": r.space.name, "title": r.title, "purpose": r.purpose, "headcount": r.headcount,
             "starts_at": iso(r.starts_at), "ends_at": iso(r.ends_at), "status": r.status,
             "decision_reason": r.decision_reason, "created_at": iso(r.created_at)}
            for r in _booking_requests(subject)]


def _erase_booking_requests(subject: Subject, *, actor: Any, now: datetime) -> int:
    """Detach the requester and clear what they wrote; the space, time, headcount, status and the
    organisation stay (the space's use and the report). A pending request is withdrawn: nobody is
    left to answer."""
    rows = _booking_requests(subject)
    for row in rows:
        if row.status == "pending":
            row.status = "withdrawn"
        row.requester_id = None
        row.title = ERASED_TITLE
        row.purpose = ""
        row.decision_reason = None
        row.updated_at = now
    return len(rows)


# --- feedback of named forms ----------------------------------------------------------------------

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


# --- agenda topics --------------------------------------------------------------------------------

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


def register() -> None:
    set_registration_canceller(cancel_for_erasure)
    # Before "registrations" (order 10): feedback is found through the registration's email.
    register_source(PersonalDataSource("feedback", _export_feedback, _erase_feedback, order=5))
    register_source(PersonalDataSource("booking_requests", _export_booking_requests, _erase_booking_requests,
                                       order=20))
    register_source(PersonalDataSource("topics", _export_topics, _erase_topics, order=30))
    register_source(PersonalDataSource("guidance_appointments", guidance_privacy.export, guidance_privacy.erase,
                                       order=15))
    register_source(PersonalDataSource("subscriptions", subscriptions_privacy.export, subscriptions_privacy.erase,
                                       order=40))


register()
