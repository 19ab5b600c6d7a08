"""/api/v1 feedback: aggregated answers of a series (staff)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field, model_validator

from app.api import schemas
from app.api.core import endpoint
from app.errors import NotFound
from app.extensions import db
from app.feedback import services
from app.meetings.models import MeetingOccurrence, MeetingSeries


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
    form_id: int
    anonymous: bool
    respondents: int
    texts_shown: bool
    min_respondents_for_texts: int
    questions: list[QuestionSummary]


@endpoint("/series/<int:series_id>/feedback", "GET", summary="Aggregated feedback answers of a series",
          tag="feedback", role="staff", query=FeedbackQuery,
          responses={200: FeedbackSummary, 404: schemas.Error, 422: schemas.Error})
def series_feedback(user, series_id: int, params: FeedbackQuery):
    series = db.session.get(MeetingSeries, series_id)
    if series is None:
        raise NotFound(_l("The meeting series was not found."))
    if params.occurrence_id is not None:
        occurrence = db.session.get(MeetingOccurrence, params.occurrence_id)
        if occurrence is None or occurrence.series_id != series.id:
            raise NotFound(_l("The occurrence was not found in this series."))
    form = services.ensure_form(series, actor=user)  # first use creates the default questions
    summary = services.aggregate_form(form, occurrence_id=params.occurrence_id, start=params.from_, end=params.to,
                                      lang=params.lang)
    return FeedbackSummary.model_validate(summary).model_dump()
