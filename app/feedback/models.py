"""Follow-up feedback after meetings, and topic proposals before them.

A series has one ``FeedbackForm`` (created from the default template on first use) with ordered
``FeedbackQuestion``s. After an occurrence ends, every confirmed (or present) registrant gets a
``FeedbackInvitation`` with a personal link; the link opens one ``FeedbackResponse`` (unique per
invitation, so a second submission edits the first) made of ``FeedbackAnswer``s.

``TopicProposal`` / ``TopicVote``: NGO people propose agenda topics and support each other's;
``votes_count`` is kept by an atomic UPDATE next to the unique (proposal, user) vote row.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db
from app.feedback.statuses import TopicStatus

QUESTION_KINDS = ("rating", "single", "multiple", "text")
TOPIC_STATUSES = tuple(TopicStatus)
RATING_MIN, RATING_MAX = 1, 5


class FeedbackForm(db.Model):
    """The feedback questionnaire of one meeting series."""

    __tablename__ = "feedback_forms"
    __table_args__ = (
        CheckConstraint("open_days > 0 AND open_days <= 365", name="open_days_range"),
        CheckConstraint("send_after_hours >= 0 AND send_after_hours <= 720", name="send_after_hours_range"),
        CheckConstraint("remind_after_days > 0 AND remind_after_days <= 60", name="remind_after_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"), unique=True)
    # Anonymous: responses keep no registration and staff never see who answered.
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # The form stays open this many days after the occurrence ends.
    open_days: Mapped[int] = mapped_column(Integer, default=14)
    # Invitations go out this many hours after the occurrence ends.
    send_after_hours: Mapped[int] = mapped_column(Integer, default=2)
    # One reminder this many days after the invitation to those who have not answered.
    remind_after_days: Mapped[int] = mapped_column(Integer, default=3)
    # False: no invitations are sent for this series (the form can still be edited).
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    intro_fi: Mapped[str | None] = mapped_column(Text)
    intro_sv: Mapped[str | None] = mapped_column(Text)
    intro_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    series = relationship("MeetingSeries")
    questions: Mapped[list["FeedbackQuestion"]] = relationship(
        back_populates="form", order_by="[FeedbackQuestion.position, FeedbackQuestion.id]",
        cascade="all, delete-orphan", passive_deletes=True)


class FeedbackQuestion(db.Model):
    """One question: a 1–5 rating, a single or multiple choice, or free text."""

    __tablename__ = "feedback_questions"
    __table_args__ = (
        CheckConstraint("kind IN ('rating', 'single', 'multiple', 'text')", name="kind"),
        CheckConstraint("position >= 0", name="position_nonnegative"),
        Index("ix_feedback_questions_form_position", "form_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("feedback_forms.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))
    # Stable key of a template question ("usefulness", "influence", ...) so the report can
    # group the same question across series; NULL for questions staff added.
    key: Mapped[str | None] = mapped_column(String(50))
    text_fi: Mapped[str] = mapped_column(String(500))
    text_sv: Mapped[str | None] = mapped_column(String(500))
    text_en: Mapped[str | None] = mapped_column(String(500))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Choice questions: [{"key": "a", "fi": "...", "sv": "...", "en": "..."}, ...].
    options: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Choice options come from the active meeting themes (keys are theme keys) instead of ``options``.
    options_from_themes: Mapped[bool] = mapped_column(Boolean, default=False)
    # Groups answers under a cooperation-model theme in the report.
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_themes.id", ondelete="SET NULL"),
                                                 index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    form: Mapped[FeedbackForm] = relationship(back_populates="questions")
    theme = relationship("MeetingTheme")

    def text(self, locale: str) -> str:
        """The question in ``locale``, falling back to Finnish."""
        return getattr(self, f"text_{locale}", None) or self.text_fi


class FeedbackInvitation(db.Model):
    """A registrant's personal invitation to give feedback on one occurrence.

    The link is a signed token carrying (id, secret); the secret has 128 random bits and is
    compared in constant time. The unique (occurrence, registration) pair is what keeps two
    concurrent ``flask feedback send`` runs from inviting anyone twice.
    """

    __tablename__ = "feedback_invitations"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "registration_id", name="uq_feedback_invitation_registration"),
        Index("ix_feedback_invitations_pending", "occurrence_id", "responded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_registrations.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("feedback_forms.id", ondelete="CASCADE"), index=True)
    secret: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(2), default="fi")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The form accepts answers until this instant (occurrence end + open_days).
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    occurrence = relationship("MeetingOccurrence")
    registration = relationship("Registration")
    form: Mapped[FeedbackForm] = relationship()
    response: Mapped["FeedbackResponse | None"] = relationship(back_populates="invitation", uselist=False)


class FeedbackResponse(db.Model):
    """One submitted questionnaire; at most one per invitation (a resubmission edits it)."""

    __tablename__ = "feedback_responses"
    __table_args__ = (
        UniqueConstraint("invitation_id", name="uq_feedback_responses_invitation_id"),
        Index("ix_feedback_responses_form_occurrence", "form_id", "occurrence_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("feedback_invitations.id", ondelete="CASCADE"))
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"),
                                               index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("feedback_forms.id", ondelete="CASCADE"))
    # NULL when the form is anonymous.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_registrations.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(2), default="fi")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    invitation: Mapped[FeedbackInvitation] = relationship(back_populates="response")
    answers: Mapped[list["FeedbackAnswer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True)


class FeedbackAnswer(db.Model):
    """The answer to one question: a rating, a list of choice keys, or text."""

    __tablename__ = "feedback_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_feedback_answer_question"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        CheckConstraint("rating IS NOT NULL OR choices IS NOT NULL OR text IS NOT NULL", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("feedback_responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("feedback_questions.id", ondelete="CASCADE"),
                                             index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    choices: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[FeedbackResponse] = relationship(back_populates="answers")
    question: Mapped[FeedbackQuestion] = relationship()


class TopicProposal(db.Model):
    """An agenda topic an NGO person proposes for an occurrence (or a series in general)."""

    __tablename__ = "topic_proposals"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'taken_up', 'declined')", name="status"),
        CheckConstraint("votes_count >= 0", name="votes_nonnegative"),
        CheckConstraint("occurrence_id IS NOT NULL OR series_id IS NOT NULL", name="has_target"),
        Index("ix_topic_proposals_occurrence_status", "occurrence_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_occurrences.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id", ondelete="CASCADE"),
                                                  index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"),
                                                        index=True)
    status: Mapped[str] = mapped_column(String(10), default=TopicStatus.PROPOSED.value)
    # The occurrence whose agenda took the topic up (may differ from the one it was proposed for).
    linked_occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_occurrences.id", ondelete="SET NULL"), index=True)
    staff_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    votes_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    occurrence = relationship("MeetingOccurrence", foreign_keys=[occurrence_id])
    series = relationship("MeetingSeries")
    linked_occurrence = relationship("MeetingOccurrence", foreign_keys=[linked_occurrence_id])
    proposer = relationship("User", foreign_keys=[proposer_id])
    organization = relationship("Organization")


class TopicVote(db.Model):
    """One person's support for a proposal; the unique pair allows one vote per person."""

    __tablename__ = "topic_votes"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id", name="uq_topic_vote_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("topic_proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
