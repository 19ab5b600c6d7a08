"""The cooperation report: participation, reach, attendance, feedback and topic proposals.

Pure functions over the database: no request, no session state. Every figure is aggregated in
SQL (GROUP BY, COUNT DISTINCT, conditional sums) and the number of queries is fixed whatever the
amount of data, so the report stays fast for years of meetings.

Definitions (shown on the page too):
- The period is a range of local dates in Europe/Helsinki, both ends included; an occurrence
  belongs to the period (and to a month) by its start time.
- Registrations are live ones (confirmed or waiting list); cancelled ones are counted apart.
  Anonymised registrations count like the others: only personal data was removed from them.
- Attendees and no-shows are seats of registrations marked present / no-show; the attendance
  rate is attendees / (attendees + no-shows), i.e. among seats whose attendance was recorded.
- Feedback and its response rate belong to the occurrence they are about; the response rate is
  responses / invitations sent. A group (question, theme, series) with fewer than
  ``MIN_GROUP_SIZE`` respondents shows no average, distribution or free texts.
- Topic proposals belong to the period by their creation time, to a series directly or through
  the occurrence they were proposed for.
- An organisation is reached when it has a live registration in the period; it is newly reached
  when its first ever live registration (to any meeting, by the meeting's start) is in the period.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, and_, case, cast, distinct, func, literal, select
from sqlalchemy.orm import Session

from app.accounts.models import Organization
from app.feedback import disclosure
from app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackQuestion, FeedbackResponse, TopicProposal
from app.errors import ValidationError
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, Registration, series_themes
from app.reports.outcomes import OutcomeFigures, outcome_figures
from app.reports.guidance import GuidanceFigures, guidance_figures

REPORT_TZ = ZoneInfo("Europe/Helsinki")
# Groups with fewer respondents than this are never broken down (averages, free texts).
MIN_GROUP_SIZE = disclosure.MIN_RESPONDENTS  # the same rule as the series results and the API
# The longest period one report covers; keeps the month buckets and the page a sensible size.
MAX_PERIOD_MONTHS = 60


# --- the result tree ----------------------------------------------------------------------

@dataclass
class MonthRow:
    """Participation in one calendar month (local time) of the period."""

    month: str  # "YYYY-MM"
    occurrences_held: int = 0
    occurrences_cancelled: int = 0
    occurrences_upcoming: int = 0
    registrations: int = 0
    confirmed_seats: int = 0
    attendees: int = 0
    no_shows: int = 0


@dataclass
class Participation:
    """Per-month rows and the period's totals."""

    months: list[MonthRow]
    occurrences_held: int
    occurrences_cancelled: int
    occurrences_upcoming: int
    registrations: int
    cancelled_registrations: int
    waitlisted_registrations: int
    confirmed_seats: int
    attendees: int
    no_shows: int
    attendance_not_recorded: int  # confirmed seats at held occurrences without a mark
    attendance_rate: float | None  # attendees / (attendees + no_shows); None when nothing was marked
    registrations_without_organisation: int


@dataclass
class DistrictRow:
    """Organisations reached, by the organisation's district (None: no district recorded)."""

    district: str | None
    organisations: int
    new_organisations: int


@dataclass
class Reach:
    organisations: int
    new_organisations: int
    by_district: list[DistrictRow]


@dataclass
class QuestionFeedback:
    """A rating question (the same template question across series is one group)."""

    key: str  # the template key, or "q<id>" for a question staff added to one form
    question: dict[str, str | None]  # fi / sv / en
    suppressed: bool  # fewer than MIN_GROUP_SIZE respondents: nothing below is shown
    respondents: int | None
    average: float | None
    distribution: list[int] | None  # answers giving 1, 2, 3, 4, 5


@dataclass
class ChoiceCount:
    """How many respondents picked one option."""

    key: str
    label: dict[str, str | None]
    count: int
    share: float  # of the question's respondents


@dataclass
class ChoiceQuestionFeedback:
    """A single or multiple choice question (grouped like rating questions)."""

    key: str
    kind: str  # single | multiple
    question: dict[str, str | None]
    suppressed: bool
    respondents: int | None
    options: list[ChoiceCount] | None  # in the form's order, then any others


@dataclass
class FreeText:
    """One free-text answer: no respondent data and no date, which could single out one meeting."""

    text: str
    question: dict[str, str | None]
    series_id: int
    series_title: dict[str, str | None]


@dataclass
class ThemeFeedback:
    """Answers to the questions of one cooperation-model theme (None: questions without a theme)."""

    theme_id: int | None
    theme_key: str | None
    theme_name: dict[str, str | None]
    suppressed: bool  # ratings: fewer than MIN_GROUP_SIZE respondents
    respondents: int | None
    average: float | None
    texts_suppressed: bool  # free texts: fewer than MIN_GROUP_SIZE respondents in the theme
    text_answers: int | None  # how many free texts there are in all
    texts: list[FreeText] = field(default_factory=list)  # the newest ``text_limit`` of them


@dataclass
class SeriesFeedback:
    """Feedback on the occurrences of one series."""

    series_id: int
    title: dict[str, str | None]
    invitations: int
    responses: int
    response_rate: float | None
    suppressed: bool  # the average: fewer than MIN_GROUP_SIZE rating respondents
    average: float | None


@dataclass
class Feedback:
    invitations: int  # sent
    responses: int
    response_rate: float | None
    by_question: list[QuestionFeedback]
    by_choice: list[ChoiceQuestionFeedback]
    by_theme: list[ThemeFeedback]
    by_series: list[SeriesFeedback]


@dataclass
class ProposalRow:
    id: int
    title: str
    series_id: int | None
    series_title: dict[str, str | None]
    status: str  # proposed | taken_up | declined
    votes: int
    created_on: date  # local date


@dataclass
class Proposals:
    total: int
    proposed: int
    taken_up: int
    declined: int
    items: list[ProposalRow]  # most supported first, at most ``proposal_limit``


@dataclass
class CooperationReport:
    """Everything the cooperation report page, its exports and the API show."""

    period_start: date
    period_end: date
    series_id: int | None
    theme_id: int | None
    generated_at: datetime
    min_group_size: int
    participation: Participation
    reach: Reach
    feedback: Feedback
    proposals: Proposals
    outcomes: "OutcomeFigures | None" = None  # "what came of it" (app/reports/outcomes.py)
    guidance: GuidanceFigures | None = None  # guidance hours (app/reports/guidance.py); not per series


# --- helpers ------------------------------------------------------------------------------

def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` starts in Helsinki."""
    return datetime.combine(day, time(), REPORT_TZ).astimezone(timezone.utc)


def period_window(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """The half-open UTC interval ``[start, end)`` covering the local dates, both included."""
    return local_midnight(period_start), local_midnight(period_end + timedelta(days=1))


def months_between(period_start: date, period_end: date) -> list[date]:
    """First days of the months the period touches, in order."""
    months = []
    current = period_start.replace(day=1)
    while current <= period_end:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def helsinki_today() -> date:
    """Today's date in Helsinki."""
    return datetime.now(REPORT_TZ).date()


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months: from the first day of the month 11 months back until ``today``."""
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), today


def check_period(period_start: date, period_end: date) -> None:
    """Refuse an inverted or overly long period (a ValidationError naming the ``to`` field)."""
    if period_end < period_start:
        raise ValidationError(_l("The end date must not be before the start date."), field="to")
    if len(months_between(period_start, period_end)) > MAX_PERIOD_MONTHS:
        raise ValidationError(_l("The period can be at most %(n)d months long.", n=MAX_PERIOD_MONTHS),
                              field="to")


def _month_bucket(column, months: list[date]):
    """A CASE giving the index of the local month ``column`` falls in (boundaries computed in Python,
    so daylight saving time is right on SQLite too, which has no time zones)."""
    whens = []
    for index, first in enumerate(months):
        next_first = (first + timedelta(days=32)).replace(day=1)
        whens.append((column < local_midnight(next_first), literal(index)))
    return case(*whens, else_=literal(len(months) - 1))


def _occurrence_filter(start: datetime, end: datetime, series_id: int | None, theme_id: int | None):
    """WHERE clause selecting the occurrences the report covers."""
    conditions = [MeetingOccurrence.starts_at >= start, MeetingOccurrence.starts_at < end]
    if series_id is not None:
        conditions.append(MeetingOccurrence.series_id == series_id)
    if theme_id is not None:
        conditions.append(MeetingOccurrence.series_id.in_(_theme_series(theme_id)))
    return and_(*conditions)


def _int(value) -> int:
    return int(value or 0)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _avg(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _names(fi, sv, en) -> dict[str, str | None]:
    return {"fi": fi, "sv": sv, "en": en}


def _local_date(value: datetime) -> date:
    return value.astimezone(REPORT_TZ).date()


def _theme_series(theme_id: int):
    return select(series_themes.c.series_id).where(series_themes.c.theme_id == theme_id)


# --- sections -----------------------------------------------------------------------------

def _participation(session: Session, months: list[date], start: datetime, end: datetime, now: datetime,
                   series_id: int | None, theme_id: int | None) -> Participation:
    """One query: registrations summed per occurrence (a grouped subquery, so no COUNT DISTINCT is
    needed), joined to the period's occurrences and summed again per month bucket."""
    occ, reg = MeetingOccurrence, Registration
    occ_filter = _occurrence_filter(start, end, series_id, theme_id)
    live = reg.status.in_(("confirmed", "waitlisted"))
    confirmed = reg.status == "confirmed"
    held_occurrence = and_(occ.status == "scheduled", occ.starts_at < now)
    per_occurrence = (
        select(reg.occurrence_id.label("occurrence_id"),
               func.count(case((live, reg.id))).label("registrations"),
               func.sum(case((confirmed, reg.seats), else_=0)).label("seats"),
               func.sum(case((and_(confirmed, reg.attendance == "present"), reg.seats), else_=0)).label("present"),
               func.sum(case((and_(confirmed, reg.attendance == "no_show"), reg.seats), else_=0)).label("no_show"),
               func.count(case((reg.status == "cancelled", reg.id))).label("cancelled"),
               func.count(case((reg.status == "waitlisted", reg.id))).label("waitlisted"),
               func.sum(case((and_(confirmed, reg.attendance.is_(None)), reg.seats), else_=0)).label("unmarked"),
               func.count(case((and_(live, reg.organization_id.is_(None)), reg.id))).label("no_org"))
        .where(reg.occurrence_id.in_(select(occ.id).where(occ_filter)))
        .group_by(reg.occurrence_id)
        .subquery("r"))
    r = per_occurrence.c
    bucket = _month_bucket(occ.starts_at, months).label("bucket")
    bucketed = (
        select(bucket,
               case((held_occurrence, 1), else_=0).label("held"),
               case((occ.status == "cancelled", 1), else_=0).label("cancelled_occ"),
               case((and_(occ.status == "scheduled", occ.starts_at >= now), 1), else_=0).label("upcoming"),
               # Marks on a date that has not begun are not attendance (issue 17): held dates only.
               r.registrations, r.seats, case((held_occurrence, r.present), else_=0).label("present"),
               case((held_occurrence, r.no_show), else_=0).label("no_show"), r.cancelled, r.waitlisted,
               case((held_occurrence, r.unmarked), else_=0).label("unmarked"), r.no_org)
        .select_from(occ)
        .outerjoin(per_occurrence, r.occurrence_id == occ.id)
        .where(occ_filter)
        .subquery("o"))
    o = bucketed.c
    rows = session.execute(
        select(o.bucket, *[func.sum(column) for column in (
            o.held, o.cancelled_occ, o.upcoming, o.registrations, o.seats, o.present, o.no_show, o.cancelled,
            o.waitlisted, o.unmarked, o.no_org)])
        .group_by(o.bucket)
    ).all()
    by_bucket = {int(row[0]): row for row in rows}
    month_rows = []
    totals = [0] * 11
    for index, first in enumerate(months):
        row = by_bucket.get(index)
        values = [_int(v) for v in row[1:]] if row is not None else [0] * 11
        totals = [a + b for a, b in zip(totals, values)]
        month_rows.append(MonthRow(month=first.strftime("%Y-%m"), occurrences_held=values[0],
                                   occurrences_cancelled=values[1], occurrences_upcoming=values[2],
                                   registrations=values[3], confirmed_seats=values[4], attendees=values[5],
                                   no_shows=values[6]))
    marked = totals[5] + totals[6]
    return Participation(
        months=month_rows, occurrences_held=totals[0], occurrences_cancelled=totals[1],
        occurrences_upcoming=totals[2], registrations=totals[3], confirmed_seats=totals[4],
        attendees=totals[5], no_shows=totals[6], cancelled_registrations=totals[7],
        waitlisted_registrations=totals[8], attendance_not_recorded=totals[9],
        attendance_rate=(totals[5] / marked) if marked else None,
        registrations_without_organisation=totals[10])


def _reach(session: Session, start: datetime, end: datetime, series_id: int | None,
           theme_id: int | None) -> Reach:
    """One query, one pass over the live registrations grouped by organisation: the first ever
    meeting of each one and whether it had one in the report's scope; then counted by district."""
    reg, occ = Registration, MeetingOccurrence
    in_scope = _occurrence_filter(start, end, series_id, theme_id)
    per_org = (select(reg.organization_id.label("organization_id"),
                      func.min(occ.starts_at).label("first_at"),
                      func.max(case((in_scope, 1), else_=0)).label("reached"))
               .join(occ, occ.id == reg.occurrence_id)
               .where(reg.status.in_(("confirmed", "waitlisted")), reg.organization_id.is_not(None))
               .group_by(reg.organization_id)
               .subquery("per_org"))
    rows = session.execute(
        select(Organization.district, func.count(per_org.c.organization_id),
               func.sum(case((per_org.c.first_at >= start, 1), else_=0)))
        .join(Organization, Organization.id == per_org.c.organization_id)
        .where(per_org.c.reached == 1)
        .group_by(Organization.district)
    ).all()
    by_district = sorted((DistrictRow(district=row[0], organisations=_int(row[1]), new_organisations=_int(row[2]))
                          for row in rows),
                         key=lambda r: (r.district is None, -r.organisations, r.district or ""))
    return Reach(organisations=sum(r.organisations for r in by_district),
                 new_organisations=sum(r.new_organisations for r in by_district),
                 by_district=by_district)


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
        suppressed = _int(raters) < MIN_GROUP_SIZE
        result.append(SeriesFeedback(
            series_id=sid, title=_names(fi, sv, en), invitations=_int(invitations), responses=_int(responses),
            response_rate=_ratio(_int(responses), _int(invitations)), suppressed=suppressed,
            average=None if suppressed else _avg(average)))
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
        suppressed = _int(respondents) < MIN_GROUP_SIZE
        result.append(QuestionFeedback(
            key=key or f"q{qid}", question=_names(fi, sv, en), suppressed=suppressed,
            respondents=None if suppressed else _int(respondents),
            average=None if suppressed else _avg(average),
            distribution=None if suppressed else [_int(v) for v in row[8:13]]))
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
    themes = {t.key: _names(t.name_fi, t.name_sv, t.name_en) for t in session.execute(
        select(MeetingTheme.key, MeetingTheme.name_fi, MeetingTheme.name_sv, MeetingTheme.name_en)
        .order_by(MeetingTheme.position, MeetingTheme.id))}
    groups: dict[tuple, dict] = {}
    for key, qid, kind, fi, sv, en, position, options, from_themes, picked, count in rows:
        group = groups.setdefault((key, qid), {
            "key": key or f"q{qid}", "kind": kind, "question": _names(fi, sv, en), "position": position or 0,
            "options": json.loads(options) if options else [], "from_themes": bool(from_themes),
            "respondents": 0, "counts": {}})
        group["respondents"] += _int(count)
        for option in json.loads(picked) if picked else []:
            group["counts"][option] = group["counts"].get(option, 0) + _int(count)
    result = []
    for group in sorted(groups.values(), key=lambda g: (g["position"], g["question"]["fi"] or "")):
        suppressed = group["respondents"] < MIN_GROUP_SIZE
        options = None
        if not suppressed:
            labels = dict(themes) if group["from_themes"] else {
                o["key"]: _names(o.get("fi"), o.get("sv"), o.get("en")) for o in group["options"] if "key" in o}
            order = list(labels) + [k for k in group["counts"] if k not in labels]
            options = [ChoiceCount(key=k, label=labels.get(k, _names(k, None, None)), count=group["counts"].get(k, 0),
                                   share=group["counts"].get(k, 0) / group["respondents"]) for k in order]
        result.append(ChoiceQuestionFeedback(
            key=group["key"], kind=group["kind"], question=group["question"], suppressed=suppressed,
            respondents=None if suppressed else group["respondents"], options=options))
    return result


def _has_text():
    return and_(FeedbackAnswer.text.is_not(None), func.trim(FeedbackAnswer.text) != "")


def _feedback_by_theme(session: Session, occ_filter, text_limit: int | None) -> list[ThemeFeedback]:
    """Two queries: per-theme counts and averages; the newest free texts of each theme (a window
    function keeps at most ``text_limit`` per theme)."""
    ans, q, resp, theme, series = FeedbackAnswer, FeedbackQuestion, FeedbackResponse, MeetingTheme, MeetingSeries
    rated = ans.rating.is_not(None)
    rows = session.execute(
        _answers_select(occ_filter, q.theme_id, theme.key, theme.name_fi, theme.name_sv, theme.name_en,
                        theme.position, func.count(distinct(case((rated, resp.id)))), func.avg(ans.rating),
                        func.count(distinct(resp.id)), func.count(case((_has_text(), ans.id))))
        .outerjoin(theme, theme.id == q.theme_id)
        .group_by(q.theme_id, theme.key, theme.name_fi, theme.name_sv, theme.name_en, theme.position)
    ).all()
    groups: dict[int | None, ThemeFeedback] = {}
    for theme_id, key, fi, sv, en, _position, raters, average, respondents, texts in sorted(
            rows, key=lambda r: (r[0] is None, r[5] or 0, r[2] or "")):
        suppressed = not disclosure.may_show(_int(raters))
        # Free texts: the group's respondents (anyone who answered in the theme), as in the series results.
        texts_suppressed = not disclosure.may_show(_int(respondents))
        groups[theme_id] = ThemeFeedback(
            theme_id=theme_id, theme_key=key, theme_name=_names(fi, sv, en), suppressed=suppressed,
            respondents=None if suppressed else _int(raters), average=None if suppressed else _avg(average),
            texts_suppressed=texts_suppressed, text_answers=None if texts_suppressed else _int(texts))
    rank = func.row_number().over(partition_by=q.theme_id,
                                  order_by=(resp.submitted_at.desc(), ans.id.desc())).label("rank")
    newest = (
        _answers_select(occ_filter, q.theme_id.label("theme_id"), ans.text.label("text"), q.text_fi.label("q_fi"),
                        q.text_sv.label("q_sv"), q.text_en.label("q_en"), series.id.label("series_id"),
                        series.title_fi.label("s_fi"), series.title_sv.label("s_sv"),
                        series.title_en.label("s_en"), resp.submitted_at.label("submitted_at"), rank)
        .join(series, series.id == MeetingOccurrence.series_id)
        .where(_has_text())
    ).subquery("texts")
    query = select(newest).order_by(newest.c.theme_id, newest.c.rank)
    if text_limit is not None:
        query = query.where(newest.c.rank <= text_limit)
    for row in session.execute(query).mappings():
        group = groups.get(row["theme_id"])
        if group is None or group.texts_suppressed:
            continue
        group.texts.append(FreeText(
            text=row["text"].strip(), question=_names(row["q_fi"], row["q_sv"], row["q_en"]),
            series_id=row["series_id"], series_title=_names(row["s_fi"], row["s_sv"], row["s_en"])))
    return list(groups.values())


def _feedback(session: Session, start: datetime, end: datetime, series_id: int | None, theme_id: int | None,
              text_limit: int | None) -> Feedback:
    occ_filter = _occurrence_filter(start, end, series_id, theme_id)
    by_series = _feedback_by_series(session, occ_filter)
    invitations = sum(s.invitations for s in by_series)
    responses = sum(s.responses for s in by_series)
    return Feedback(invitations=invitations, responses=responses, response_rate=_ratio(responses, invitations),
                    by_question=_feedback_by_question(session, occ_filter),
                    by_choice=_feedback_by_choice(session, occ_filter),
                    by_theme=_feedback_by_theme(session, occ_filter, text_limit),
                    by_series=by_series)


def _proposals(session: Session, start: datetime, end: datetime, series_id: int | None, theme_id: int | None,
               limit: int | None) -> Proposals:
    """Two queries: counts by outcome, and the most supported proposals with their outcome."""
    prop, occ, series = TopicProposal, MeetingOccurrence, MeetingSeries
    target_series = func.coalesce(prop.series_id, occ.series_id)
    conditions = [prop.created_at >= start, prop.created_at < end]
    if series_id is not None:
        conditions.append(target_series == series_id)
    if theme_id is not None:
        conditions.append(target_series.in_(_theme_series(theme_id)))

    def scoped(query):
        return query.select_from(prop).outerjoin(occ, occ.id == prop.occurrence_id).where(*conditions)

    counts = {status: _int(n) for status, n in session.execute(
        scoped(select(prop.status, func.count(prop.id))).group_by(prop.status)).all()}
    query = (scoped(select(prop.id, prop.title, target_series, series.title_fi, series.title_sv, series.title_en,
                           prop.status, prop.votes_count, prop.created_at))
             .outerjoin(series, series.id == target_series)
             .order_by(prop.votes_count.desc(), prop.created_at, prop.id))
    if limit is not None:
        query = query.limit(limit)
    items = [ProposalRow(id=pid, title=title, series_id=sid, series_title=_names(fi, sv, en), status=status,
                         votes=_int(votes), created_on=_local_date(created))
             for pid, title, sid, fi, sv, en, status, votes, created in session.execute(query).all()]
    return Proposals(total=sum(counts.values()), proposed=counts.get("proposed", 0),
                     taken_up=counts.get("taken_up", 0), declined=counts.get("declined", 0), items=items)


def cooperation_report(session: Session, period_start: date, period_end: date, series_id: int | None = None,
                       theme_id: int | None = None, *, now: datetime | None = None, text_limit: int | None = 50,
                       proposal_limit: int | None = 50) -> CooperationReport:
    """Build the cooperation report for the local dates ``[period_start, period_end]``.

    ``series_id`` / ``theme_id`` narrow it to one series or to the series of one theme.
    ``now`` (UTC) separates held occurrences from upcoming ones. ``text_limit`` caps the free
    texts listed per theme and ``proposal_limit`` the proposals listed (None: all, for exports).
    Runs a fixed number of queries (thirteen, plus two for guidance hours) whatever the amount of data.
    """
    check_period(period_start, period_end)
    now = now or datetime.now(timezone.utc)
    start, end = period_window(period_start, period_end)
    months = months_between(period_start, period_end)
    return CooperationReport(
        period_start=period_start, period_end=period_end, series_id=series_id, theme_id=theme_id,
        generated_at=now, min_group_size=MIN_GROUP_SIZE,
        participation=_participation(session, months, start, end, now, series_id, theme_id),
        reach=_reach(session, start, end, series_id, theme_id),
        feedback=_feedback(session, start, end, series_id, theme_id, text_limit),
        proposals=_proposals(session, start, end, series_id, theme_id, proposal_limit),
        outcomes=outcome_figures(session, start, end, series_id, theme_id, MIN_GROUP_SIZE),
        guidance=None if series_id is not None else guidance_figures(session, start, end, now, minimum=MIN_GROUP_SIZE,
                                                                     theme_id=theme_id),
    )
