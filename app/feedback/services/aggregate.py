"""The answers of a form aggregated in SQL for the series results and the API."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, true

from app.core.database import is_postgresql
from app.core.disclosure import MIN_RESPONDENTS, may_show
from app.extensions import db
from app.feedback.models import (RATING_MAX, RATING_MIN, FeedbackAnswer, FeedbackForm,
                                 FeedbackQuestion, FeedbackResponse)
from app.feedback.services.questions import active_theme_options, effective_options, option_label
from app.meetings.models import MeetingOccurrence


def _choice_elements():
    """A table-valued function over ``feedback_answers.choices`` (json_each / json_array_elements_text)."""
    if is_postgresql():
        return func.json_array_elements_text(FeedbackAnswer.choices).table_valued("value").lateral("choice")
    return func.json_each(FeedbackAnswer.choices).table_valued("value").alias("choice")


def _response_filter(form_ids: list[int] | None, occurrence_id: int | None, start: datetime | None,
                     end: datetime | None):
    conditions = []
    if form_ids is not None:
        conditions.append(FeedbackResponse.form_id.in_(form_ids))
    if occurrence_id is not None:
        conditions.append(FeedbackResponse.occurrence_id == occurrence_id)
    if start is not None or end is not None:
        occ = select(MeetingOccurrence.id)
        if start is not None:
            occ = occ.where(MeetingOccurrence.starts_at >= start)
        if end is not None:
            occ = occ.where(MeetingOccurrence.starts_at < end)
        conditions.append(FeedbackResponse.occurrence_id.in_(occ.scalar_subquery()))
    return and_(true(), *conditions)


def aggregate_form(form: FeedbackForm, *, occurrence_id: int | None = None, start: datetime | None = None,
                   end: datetime | None = None, lang: str = "fi") -> dict[str, Any]:
    """Answers per question aggregated in SQL: counts, rating averages and distributions, option counts.

    Free texts are included only with at least ``MIN_RESPONDENTS`` (app/core/disclosure.py) respondents.
    A fixed number of queries whatever the amount of data.
    """
    questions = list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.form_id == form.id)
                                        .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))
    where = _response_filter([form.id], occurrence_id, start, end)
    respondents = db.session.scalar(select(func.count(FeedbackResponse.id)).where(where)) or 0
    answered = dict(db.session.execute(
        select(FeedbackAnswer.question_id, func.count(FeedbackAnswer.id))
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(where).group_by(FeedbackAnswer.question_id)).all())
    ratings: dict[int, dict[int, int]] = {}
    for question_id, rating, count in db.session.execute(
            select(FeedbackAnswer.question_id, FeedbackAnswer.rating, func.count(FeedbackAnswer.id))
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .where(where, FeedbackAnswer.rating.is_not(None))
            .group_by(FeedbackAnswer.question_id, FeedbackAnswer.rating)):
        ratings.setdefault(question_id, {})[rating] = count
    choice = _choice_elements()
    option_counts: dict[int, dict[str, int]] = {}
    for question_id, key, count in db.session.execute(
            select(FeedbackAnswer.question_id, choice.c.value, func.count())
            .select_from(FeedbackAnswer)
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .join(choice, true())
            .where(where, FeedbackAnswer.choices.is_not(None))
            .group_by(FeedbackAnswer.question_id, choice.c.value)):
        option_counts.setdefault(question_id, {})[str(key)] = count
    texts: dict[int, list[str]] = {}
    show_texts = may_show(respondents)
    if show_texts:
        for question_id, text in db.session.execute(
                select(FeedbackAnswer.question_id, FeedbackAnswer.text)
                .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
                .where(where, FeedbackAnswer.text.is_not(None))
                .order_by(FeedbackAnswer.question_id, FeedbackResponse.submitted_at, FeedbackAnswer.id)):
            texts.setdefault(question_id, []).append(text)
    theme_options = active_theme_options() if any(q.options_from_themes for q in questions) else None
    result_questions = []
    for question in questions:
        item: dict[str, Any] = {
            "id": question.id, "key": question.key, "kind": question.kind, "position": question.position,
            "text": question.text(lang), "theme_id": question.theme_id, "answered": answered.get(question.id, 0),
            "average": None, "distribution": None, "options": None, "texts": None}
        if question.kind == "rating":
            dist = {str(n): ratings.get(question.id, {}).get(n, 0) for n in range(RATING_MIN, RATING_MAX + 1)}
            total = sum(dist.values())
            item["distribution"] = dist
            item["average"] = round(sum(int(k) * v for k, v in dist.items()) / total, 2) if total else None
        elif question.kind in ("single", "multiple"):
            counts = option_counts.get(question.id, {})
            options = effective_options(question, theme_options)
            known = {o["key"] for o in options}
            # Options removed (or themes retired) after people chose them still count.
            options = options + [{"key": k} for k in sorted(counts) if k not in known]
            item["options"] = [{"key": o["key"], "label": option_label(o, lang), "count": counts.get(o["key"], 0)}
                               for o in options]
        elif question.kind == "text":
            item["texts"] = texts.get(question.id, []) if show_texts else None
        result_questions.append(item)
    return {"form_id": form.id, "series_id": form.series_id, "anonymous": form.anonymous,
            "respondents": respondents, "texts_shown": show_texts,
            "min_respondents_for_texts": MIN_RESPONDENTS, "questions": result_questions}
