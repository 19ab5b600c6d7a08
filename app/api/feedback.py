"""/api/v1 feedback: aggregated answers of a series (staff); agenda topic proposals and votes."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select

from app.core.database import writes
from app.api import schemas
from app.api.core import endpoint
from app.errors import NotFound
from app.extensions import db
from app.feedback import services, topics
from app.feedback.models import TopicProposal, TopicVote
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.feedback.statuses import TopicStatus


TopicStatusValue = Literal[tuple(s.value for s in TopicStatus)]  # the stored values, as in openapi.json


class FeedbackQuery(schemas.ApiModel):
    occurrence_id: int | None = Field(default=None, description="Only this occurrence of the series")
    from_: datetime | None = Field(default=None, alias="from",
                                   description="Occurrences starting at or after this ISO 8601 time (with offset)")
    to: datetime | None = Field(default=None, description="Occurrences starting before this ISO 8601 time (with offset)")
    lang: Literal["fi", "sv", "en"] = Field(default="fi", description="Language of question and option texts")

    @model_validator(mode="after")
    def _aware(self):
        for value in (self.from_, self.to):
            if value is not None and value.tzinfo is None:
                raise ValueError("give times with an offset, e.g. 2026-10-01T00:00:00+03:00")
        return self


class LangQuery(schemas.ApiModel):
    lang: Literal["fi", "sv", "en"] = Field(default="fi", description="Language of question and option texts")


class OptionCount(BaseModel):
    key: str
    label: str
    count: int


class QuestionSummary(BaseModel):
    id: int
    key: str | None = Field(description="Stable key of a default-template question, null for custom ones")
    kind: Literal["rating", "single", "multiple", "text"]
    position: int
    text: str
    theme_id: int | None
    answered: int = Field(description="How many respondents answered this question")
    average: float | None = Field(description="Ratings only: mean of the 1–5 answers")
    distribution: dict[str, int] | None = Field(description="Ratings only: answers per value 1–5")
    options: list[OptionCount] | None = Field(description="Choice questions only: answers per option")
    texts: list[str] | None = Field(description="Free-text questions only, and only with at least "
                                                "min_respondents_for_texts respondents")


class FeedbackSummary(BaseModel):
    series_id: int
    form_id: int | None = Field(description="null: the series has no feedback form yet (no questions, no answers); "
                                            "POST /series/{id}/feedback/form creates it")
    anonymous: bool
    respondents: int
    texts_shown: bool
    min_respondents_for_texts: int
    questions: list[QuestionSummary]


def _series_or_404(series_id: int) -> MeetingSeries:
    series = db.session.get(MeetingSeries, series_id)
    if series is None:
        raise NotFound(_l("The meeting series was not found."))
    return series


def _no_form_yet(series: MeetingSeries) -> dict:
    """The empty state of a series whose feedback form has not been created."""
    return {"series_id": series.id, "form_id": None, "anonymous": False, "respondents": 0, "texts_shown": False,
            "min_respondents_for_texts": services.MIN_RESPONDENTS, "questions": []}


@endpoint("/series/<int:series_id>/feedback", "GET", summary="Aggregated feedback answers of a series",
          tag="feedback", role="staff", query=FeedbackQuery,
          responses={200: FeedbackSummary, 404: schemas.Error, 422: schemas.Error})
def series_feedback(user, series_id: int, params: FeedbackQuery):
    """Looking never creates anything: a series without a form answers with ``form_id`` null."""
    series = _series_or_404(series_id)
    if params.occurrence_id is not None:
        occurrence = db.session.get(MeetingOccurrence, params.occurrence_id)
        if occurrence is None or occurrence.series_id != series.id:
            raise NotFound(_l("The occurrence was not found in this series."))
    form = services.form_for_series(series.id)
    if form is None:
        return FeedbackSummary.model_validate(_no_form_yet(series)).model_dump()
    summary = services.aggregate_form(form, occurrence_id=params.occurrence_id, start=params.from_, end=params.to,
                                      lang=params.lang)
    return FeedbackSummary.model_validate(summary).model_dump()


@endpoint("/series/<int:series_id>/feedback/form", "POST", summary="Create the series' feedback form",
          tag="feedback", role="staff", query=LangQuery,
          responses={200: FeedbackSummary, 201: FeedbackSummary, 404: schemas.Error, 422: schemas.Error})
@writes
def create_feedback_form(user, series_id: int, params: LangQuery):
    """Create the form with the default questions (201); a series that has one already answers 200."""
    series = _series_or_404(series_id)
    existed = services.form_for_series(series.id) is not None
    form = services.ensure_form(series, actor=user)
    summary = services.aggregate_form(form, lang=params.lang)
    return FeedbackSummary.model_validate(summary).model_dump(), 200 if existed else 201


# --------------------------------------------------------------------------- topic proposals

class TopicIn(schemas.ApiModel):
    title: str = Field(min_length=3, max_length=200, description="The proposed agenda topic")
    description: str | None = Field(default=None, max_length=2000)


class TopicDecisionIn(schemas.ApiModel):
    status: TopicStatusValue
    linked_occurrence_id: int | None = Field(
        default=None, description="taken_up: the occurrence (same series) whose agenda takes it up; "
                                  "default the one it was proposed for")
    staff_note: str | None = Field(default=None, max_length=2000)


class Topic(BaseModel):
    id: int
    occurrence_id: int | None
    series_id: int | None
    title: str
    description: str | None
    organization: str | None = Field(description="The proposer's organisation")
    status: TopicStatusValue
    linked_occurrence_id: int | None
    staff_note: str | None
    votes_count: int
    voted: bool = Field(description="Whether the caller supports the topic")


def topic_json(proposal: TopicProposal, voted: bool) -> dict:
    """The API representation of a proposal."""
    return Topic(id=proposal.id, occurrence_id=proposal.occurrence_id, series_id=proposal.series_id,
                 title=proposal.title, description=proposal.description,
                 organization=proposal.organization.name if proposal.organization else None,
                 status=proposal.status, linked_occurrence_id=proposal.linked_occurrence_id,
                 staff_note=proposal.staff_note, votes_count=proposal.votes_count, voted=voted).model_dump()


def _occurrence_or_404(occurrence_id: int) -> MeetingOccurrence:
    occurrence = db.session.get(MeetingOccurrence, occurrence_id)
    if occurrence is None:
        raise NotFound(_l("The occurrence was not found."))
    return occurrence


def _proposal_or_404(proposal_id: int) -> TopicProposal:
    proposal = db.session.get(TopicProposal, proposal_id)
    if proposal is None:
        raise NotFound(_l("The topic was not found."))
    return proposal


def _has_voted(proposal: TopicProposal, user) -> bool:
    return db.session.scalar(select(TopicVote.id).where(TopicVote.proposal_id == proposal.id,
                                                        TopicVote.user_id == user.id)) is not None


class TopicsQuery(schemas.ApiModel):
    page: int = Field(default=1, ge=1, le=1_000_000, description="Page number, from 1")
    per_page: int = Field(default=100, ge=1, le=100, description="Topics per page (at most 100)")


@endpoint("/occurrences/<int:occurrence_id>/topics", "GET", summary="Agenda topics proposed for an occurrence",
          tag="topics", role="ngo", query=TopicsQuery, responses={200: list[Topic], 404: schemas.Error,
                                                                  422: schemas.Error})
def list_topics(user, occurrence_id: int, params: TopicsQuery):
    """Most supported first, one page at a time."""
    _occurrence_or_404(occurrence_id)
    pagination, voted = topics.occurrence_topics_page(occurrence_id, user, page=params.page,
                                                      per_page=params.per_page)
    return [topic_json(p, p.id in voted) for p in pagination.items]


@endpoint("/occurrences/<int:occurrence_id>/topics", "POST", summary="Propose an agenda topic", tag="topics",
          role="ngo", body=TopicIn, responses={201: Topic, 404: schemas.Error, 409: schemas.Error, 422: schemas.Error})
# 409 ``limit_reached``: the caller has proposed TOPICS_PER_USER_PER_OCCURRENCE topics for it already.
def propose_topic(user, occurrence_id: int, data: TopicIn):
    occurrence = _occurrence_or_404(occurrence_id)
    proposal = topics.propose_topic(occurrence, topics.TopicData(data.title, data.description), actor=user)
    return topic_json(proposal, False), 201


@endpoint("/topics/<int:proposal_id>/votes", "POST", summary="Support a topic (once per person)", tag="topics",
          role="ngo", responses={200: Topic, 404: schemas.Error, 409: schemas.Error})
def vote_topic(user, proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    topics.vote(proposal, actor=user)
    return topic_json(proposal, True)


@endpoint("/topics/<int:proposal_id>/votes", "DELETE", summary="Withdraw one's support", tag="topics",
          role="ngo", responses={200: Topic, 404: schemas.Error, 409: schemas.Error})
def unvote_topic(user, proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    topics.unvote(proposal, actor=user)
    return topic_json(proposal, False)


@endpoint("/topics/<int:proposal_id>", "PATCH", summary="Take a topic up or decline it", tag="topics",
          role="staff", body=TopicDecisionIn, responses={200: Topic, 404: schemas.Error, 422: schemas.Error})
def decide_topic(user, proposal_id: int, data: TopicDecisionIn):
    proposal = _proposal_or_404(proposal_id)
    topics.decide_topic(proposal, status=data.status, actor=user, linked_occurrence_id=data.linked_occurrence_id,
                        note=data.staff_note)
    return topic_json(proposal, _has_voted(proposal, user))
