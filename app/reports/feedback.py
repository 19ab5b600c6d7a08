"""The report's feedback section: response rates, ratings, choices and free texts.

Every group (series, question, theme) follows the one privacy rule of app/core/disclosure.py: with
fewer than ``MIN_RESPONDENTS`` respondents it shows no average, distribution or free texts.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Text, and_, case, cast, distinct, func, select
from sqlalchemy.orm import Session

from app.core.disclosure import may_show
from app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackQuestion, FeedbackResponse
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme
from app.reports.figures import (ChoiceCount, ChoiceQuestionFeedback, Feedback, FreeText, QuestionFeedback,
                                 SeriesFeedback, ThemeFeedback)
from app.reports.query import occurrence_filter, count_of, ratio_of, rounded_average, names_by_language


def _feedback_by_series(session: Session, occ_filter) -> list[SeriesFeedback]:
    """One query: invitations → responses → rating answers, grouped by series."""
    inv, resp, ans, occ, series = (FeedbackInvitation, FeedbackResponse, FeedbackAnswer, MeetingOccurrence,
                                   MeetingSeries)
    rows = session.execute(
        select(series.id, series.title_fi, series.title_sv, series.title_en,
               func.count(distinct(case((inv.sent_at.is_not(None), inv.id)))),
               func.count(distinct(resp.id)),
               func.count(distinct(case((ans.rating.is_not(None), resp.id)))),
               func.avg(ans.rating))
        .select_from(inv)
        .join(occ, occ.id == inv.occurrence_id)
        .join(series, series.id == occ.series_id)
        .outerjoin(resp, resp.invitation_id == inv.id)
        .outerjoin(ans, and_(ans.response_id == resp.id, ans.rating.is_not(None)))
        .where(occ_filter)
        .group_by(series.id, series.title_fi, series.title_sv, series.title_en)
        .order_by(series.title_fi, series.id)
    ).all()
    result = []
    for sid, fi, sv, en, invitations, responses, raters, average in rows:
        suppressed = not may_show(count_of(raters))
        result.append(SeriesFeedback(
            series_id=sid, title=names_by_language(fi, sv, en), invitations=count_of(invitations), responses=count_of(responses),
            response_rate=ratio_of(count_of(responses), count_of(invitations)), suppressed=suppressed,
            average=None if suppressed else rounded_average(average)))
    return result


def _answers_select(occ_filter, *columns):
    """SELECT columns FROM answers JOIN questions, responses, occurrences of the report."""
    ans, q, resp, occ = FeedbackAnswer, FeedbackQuestion, FeedbackResponse, MeetingOccurrence
    return (select(*columns).select_from(ans)
            .join(q, q.id == ans.question_id)
            .join(resp, resp.id == ans.response_id)
            .join(occ, occ.id == resp.occurrence_id)
            .where(occ_filter))


def _feedback_by_question(session: Session, occ_filter) -> list[QuestionFeedback]:
    """One query: rating answers grouped by question (template key, or the question itself)."""
    ans, q, resp = FeedbackAnswer, FeedbackQuestion, FeedbackResponse
    own_question = case((q.key.is_(None), q.id))
    rows = session.execute(
        _answers_select(occ_filter, q.key, own_question, func.min(q.text_fi), func.min(q.text_sv),
                        func.min(q.text_en), func.min(q.position), func.count(distinct(resp.id)),
                        func.avg(ans.rating),
                        *[func.sum(case((ans.rating == value, 1), else_=0)) for value in range(1, 6)])
        .where(q.kind == "rating", ans.rating.is_not(None))
        .group_by(q.key, own_question)
    ).all()
    result = []
    for row in sorted(rows, key=lambda r: (r[5] or 0, r[2] or "")):
        key, qid, fi, sv, en, _position, respondents, average = row[:8]
        suppressed = not may_show(count_of(respondents))
        result.append(QuestionFeedback(
            key=key or f"q{qid}", question=names_by_language(fi, sv, en), suppressed=suppressed,
            respondents=None if suppressed else count_of(respondents),
            average=None if suppressed else rounded_average(average),
            distribution=None if suppressed else [count_of(v) for v in row[8:13]]))
    return result


def _feedback_by_choice(session: Session, occ_filter) -> list[ChoiceQuestionFeedback]:
    """Two queries: choice answers counted per question and per combination of picked options
    (the JSON list as text, so both databases can group it), then the themes for the labels of
    questions whose options are the themes. Combinations are few, so splitting them is cheap."""
    ans, q = FeedbackAnswer, FeedbackQuestion
    own_question = case((q.key.is_(None), q.id))
    combination = cast(ans.choices, Text)
    rows = session.execute(
        _answers_select(occ_filter, q.key, own_question, func.min(q.kind), func.min(q.text_fi), func.min(q.text_sv),
                        func.min(q.text_en), func.min(q.position), func.max(cast(q.options, Text)),
                        func.max(case((q.options_from_themes, 1), else_=0)), combination, func.count(ans.id))
        .where(q.kind.in_(("single", "multiple")), ans.choices.is_not(None))
        .group_by(q.key, own_question, combination)
    ).all()
    themes = {t.key: names_by_language(t.name_fi, t.name_sv, t.name_en) for t in session.execute(
        select(MeetingTheme.key, MeetingTheme.name_fi, MeetingTheme.name_sv, MeetingTheme.name_en)
        .order_by(MeetingTheme.position, MeetingTheme.id))}
    groups: dict[tuple, dict] = {}
    for key, qid, kind, fi, sv, en, position, options, from_themes, picked, count in rows:
        group = groups.setdefault((key, qid), {
            "key": key or f"q{qid}", "kind": kind, "question": names_by_language(fi, sv, en), "position": position or 0,
            "options": json.loads(options) if options else [], "from_themes": bool(from_themes),
            "respondents": 0, "counts": {}})
        group["respondents"] += count_of(count)
        for option in json.loads(picked) if picked else []:
            group["counts"][option] = group["counts"].get(option, 0) + count_of(count)
    result = []
    for group in sorted(groups.values(), key=lambda g: (g["position"], g["question"]["fi"] or "")):
        suppressed = not may_show(group["respondents"])
        options = None
        if not suppressed:
            labels = dict(themes) if group["from_themes"] else {
                o["key"]: names_by_language(o.get("fi"), o.get("sv"), o.get("en")) for o in group["options"] if "key" in o}
            order = list(labels) + [k for k in group["counts"] if k not in labels]
            options = [ChoiceCount(key=k, label=labels.get(k, names_by_language(k, None, None)), count=group["counts"].get(k, 0),
                                   share=group["counts"].get(k, 0) / group["respondents"]) for k in order]
        result.append(ChoiceQuestionFeedback(
            key=group["key"], kind=group["kind"], question=group["question"], suppressed=suppressed,
            respondents=None if suppressed else group["respondents"], options=options))
    return result


def _has_text():
    return and_(FeedbackAnswer.text.is_not(None), func.trim(FeedbackAnswer.text) != "")


def _feedback_by_theme(session: Session, occ_filter, text_limit: int | None,
                       text_series: list[int]) -> list[ThemeFeedback]:
    """Two queries: per-theme counts and averages; the newest free texts of each theme (a window
    function keeps at most ``text_limit`` per theme).

    A free text names its series, so it is shown only when the series' texts may be shown
    (``text_series``: at least ``MIN_RESPONDENTS`` respondents, the series API's rule) and the
    theme's group has that many respondents too."""
    ans, q, resp, theme, series = FeedbackAnswer, FeedbackQuestion, FeedbackResponse, MeetingTheme, MeetingSeries
    rated = ans.rating.is_not(None)
    shown_text = and_(_has_text(), MeetingOccurrence.series_id.in_(text_series or [0]))
    rows = session.execute(
        _answers_select(occ_filter, q.theme_id, theme.key, theme.name_fi, theme.name_sv, theme.name_en,
                        theme.position, func.count(distinct(case((rated, resp.id)))), func.avg(ans.rating),
                        func.count(distinct(resp.id)), func.count(case((_has_text(), ans.id))),
                        func.count(case((shown_text, ans.id))))
        .outerjoin(theme, theme.id == q.theme_id)
        .group_by(q.theme_id, theme.key, theme.name_fi, theme.name_sv, theme.name_en, theme.position)
    ).all()
    groups: dict[int | None, ThemeFeedback] = {}
    for theme_id, key, fi, sv, en, _position, raters, average, respondents, all_texts, texts in sorted(
            rows, key=lambda r: (r[0] is None, r[5] or 0, r[2] or "")):
        suppressed = not may_show(count_of(raters))
        # Free texts: the group's respondents (anyone who answered in the theme), and only texts of
        # series large enough to show theirs (app/core/disclosure.py).
        texts_suppressed = not may_show(count_of(respondents)) or count_of(all_texts) > count_of(texts) == 0
        groups[theme_id] = ThemeFeedback(
            theme_id=theme_id, theme_key=key, theme_name=names_by_language(fi, sv, en), suppressed=suppressed,
            respondents=None if suppressed else count_of(raters), average=None if suppressed else rounded_average(average),
            texts_suppressed=texts_suppressed, text_answers=None if texts_suppressed else count_of(texts))
    rank = func.row_number().over(partition_by=q.theme_id,
                                  order_by=(resp.submitted_at.desc(), ans.id.desc())).label("rank")
    newest = (
        _answers_select(occ_filter, q.theme_id.label("theme_id"), ans.text.label("text"), q.text_fi.label("q_fi"),
                        q.text_sv.label("q_sv"), q.text_en.label("q_en"), series.id.label("series_id"),
                        series.title_fi.label("s_fi"), series.title_sv.label("s_sv"),
                        series.title_en.label("s_en"), resp.submitted_at.label("submitted_at"), rank)
        .join(series, series.id == MeetingOccurrence.series_id)
        .where(shown_text)
    ).subquery("texts")
    query = select(newest).order_by(newest.c.theme_id, newest.c.rank)
    if text_limit is not None:
        query = query.where(newest.c.rank <= text_limit)
    for row in session.execute(query).mappings():
        group = groups.get(row["theme_id"])
        if group is None or group.texts_suppressed:
            continue
        group.texts.append(FreeText(
            text=row["text"].strip(), question=names_by_language(row["q_fi"], row["q_sv"], row["q_en"]),
            series_id=row["series_id"], series_title=names_by_language(row["s_fi"], row["s_sv"], row["s_en"])))
    return list(groups.values())


def feedback_section(session: Session, start: datetime, end: datetime, series_id: int | None, theme_id: int | None,
              text_limit: int | None) -> Feedback:
    occ_filter = occurrence_filter(start, end, series_id, theme_id)
    by_series = _feedback_by_series(session, occ_filter)
    invitations = sum(s.invitations for s in by_series)
    responses = sum(s.responses for s in by_series)
    return Feedback(invitations=invitations, responses=responses, response_rate=ratio_of(responses, invitations),
                    by_question=_feedback_by_question(session, occ_filter),
                    by_choice=_feedback_by_choice(session, occ_filter),
                    by_theme=_feedback_by_theme(session, occ_filter, text_limit,
                                                [s.series_id for s in by_series if may_show(s.responses)]),
                    by_series=by_series)
