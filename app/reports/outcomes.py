""""What came of it" in the cooperation report: outcomes by status and theme, the share of topic
proposals that got an outcome, and the median days from a proposal to its (first) outcome.

Three queries whatever the amount of data. Scope: outcomes recorded in the period; proposals
made in the period (as in the report's "Topic proposals"). A series narrows to outcomes linked to
its occurrences or topics; a theme to outcomes with that theme and to the series of that theme.
The share and the median describe people's proposals: with fewer than ``MIN_RESPONDENTS`` (app/core/disclosure.py)
proposals (or proposals with an outcome) they are withheld, like every other small group.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.feedback.models import TopicProposal
from app.meetings.models import MeetingOccurrence, MeetingTheme, series_themes
from app.outcomes.statuses import OutcomeStatus
from app.outcomes.models import OUTCOME_STATUSES, Outcome, outcome_occurrences, outcome_themes, outcome_topics


@dataclass
class OutcomeThemeRow:
    theme_id: int | None  # None: outcomes without a theme
    theme_name: dict[str, str | None]
    counts: dict[str, int]  # per status
    total: int


@dataclass
class OutcomeFigures:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_theme: list[OutcomeThemeRow] = field(default_factory=list)
    topics_proposed: int = 0
    topics_with_outcome: int = 0
    share_suppressed: bool = True
    topic_share: float | None = None  # topics with an outcome / topics proposed
    median_suppressed: bool = True
    median_days_to_outcome: float | None = None


def _series_outcomes(series_id: int):
    """Ids of outcomes linked to an occurrence or a topic of the series."""
    via_occurrence = (select(outcome_occurrences.c.outcome_id)
                      .join(MeetingOccurrence, MeetingOccurrence.id == outcome_occurrences.c.occurrence_id)
                      .where(MeetingOccurrence.series_id == series_id))
    via_topic = (select(outcome_topics.c.outcome_id)
                 .join(TopicProposal, TopicProposal.id == outcome_topics.c.proposal_id)
                 .outerjoin(MeetingOccurrence, MeetingOccurrence.id == TopicProposal.occurrence_id)
                 .where(func.coalesce(TopicProposal.series_id, MeetingOccurrence.series_id) == series_id))
    return via_occurrence.union(via_topic)


def outcome_figures(session: Session, start: datetime, end: datetime, series_id: int | None, theme_id: int | None,
                    min_group_size: int) -> OutcomeFigures:
    """The figures for ``[start, end)`` (UTC instants), narrowed like the rest of the report."""
    conditions = [Outcome.created_at >= start, Outcome.created_at < end]
    if series_id is not None:
        conditions.append(Outcome.id.in_(_series_outcomes(series_id)))
    if theme_id is not None:
        conditions.append(Outcome.id.in_(select(outcome_themes.c.outcome_id).where(outcome_themes.c.theme_id == theme_id)))

    by_status = {status: 0 for status in OUTCOME_STATUSES}
    for status, count in session.execute(select(Outcome.status, func.count(Outcome.id)).where(*conditions)
                                         .group_by(Outcome.status)).all():
        by_status[status] = int(count)

    rows: dict[int | None, OutcomeThemeRow] = {}
    theme_query = (select(MeetingTheme.id, MeetingTheme.name_fi, MeetingTheme.name_sv, MeetingTheme.name_en,
                          MeetingTheme.position, Outcome.status, func.count(distinct(Outcome.id)))
                   .select_from(Outcome)
                   .outerjoin(outcome_themes, outcome_themes.c.outcome_id == Outcome.id)
                   .outerjoin(MeetingTheme, MeetingTheme.id == outcome_themes.c.theme_id)
                   .where(*conditions)
                   .group_by(MeetingTheme.id, MeetingTheme.name_fi, MeetingTheme.name_sv, MeetingTheme.name_en,
                             MeetingTheme.position, Outcome.status)
                   .order_by(MeetingTheme.position, MeetingTheme.id))
    for tid, fi, sv, en, _position, status, count in session.execute(theme_query).all():
        row = rows.setdefault(tid, OutcomeThemeRow(tid, {"fi": fi, "sv": sv, "en": en},
                                                   {s: 0 for s in OUTCOME_STATUSES}, 0))
        row.counts[status] = int(count)
        row.total += int(count)
    by_theme = [r for key, r in rows.items() if key is not None] + ([rows[None]] if None in rows else [])

    # Proposals of the period and when each first got an outcome (any time up to now).
    target_series = func.coalesce(TopicProposal.series_id, MeetingOccurrence.series_id)
    topic_conditions = [TopicProposal.created_at >= start, TopicProposal.created_at < end]
    if series_id is not None:
        topic_conditions.append(target_series == series_id)
    if theme_id is not None:
        topic_conditions.append(target_series.in_(select(series_themes.c.series_id)
                                                  .where(series_themes.c.theme_id == theme_id)))
    topic_rows = session.execute(
        select(TopicProposal.id, TopicProposal.created_at, func.min(Outcome.created_at))
        .select_from(TopicProposal)
        .outerjoin(MeetingOccurrence, MeetingOccurrence.id == TopicProposal.occurrence_id)
        .outerjoin(outcome_topics, outcome_topics.c.proposal_id == TopicProposal.id)
        .outerjoin(Outcome, Outcome.id == outcome_topics.c.outcome_id)
        .where(*topic_conditions)
        .group_by(TopicProposal.id, TopicProposal.created_at)).all()
    days = []
    for _id, proposed_at, first_outcome_at in topic_rows:
        if first_outcome_at is not None:
            days.append(max((_aware(first_outcome_at) - _aware(proposed_at)).total_seconds() / 86400, 0.0))
    figures = OutcomeFigures(total=sum(by_status.values()), by_status=by_status, by_theme=by_theme,
                             topics_proposed=len(topic_rows), topics_with_outcome=len(days))
    figures.share_suppressed = figures.topics_proposed < min_group_size
    if not figures.share_suppressed:
        figures.topic_share = figures.topics_with_outcome / figures.topics_proposed
    figures.median_suppressed = len(days) < min_group_size
    if not figures.median_suppressed:
        figures.median_days_to_outcome = round(statistics.median(days), 1)
    return figures


def _aware(value: datetime) -> datetime:
    from datetime import timezone

    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)




def status_name(status: str) -> str:
    return OutcomeStatus.label_of(status)


def outcome_tables(figures: OutcomeFigures | None, lang: str) -> list:
    """The report's "What came of it" tables (page, CSV and XLSX)."""
    from app.reports.tables import SUPPRESSED, Column, Table

    if figures is None:
        return []

    def pick(names: dict[str, str | None]) -> str:
        return names.get(lang) or names.get("fi") or ""

    return [
        Table("outcomes_status", _("Outcomes by status"), [Column(_("Status"), "text"), Column(_("Outcomes"))],
              [[status_name(s), figures.by_status.get(s, 0)] for s in OUTCOME_STATUSES],
              footer=[_("Total"), figures.total]),
        Table("outcomes_themes", _("Outcomes by theme"), [
            Column(_("Theme"), "text"), *[Column(status_name(s)) for s in OUTCOME_STATUSES], Column(_("Total"))],
            [[pick(r.theme_name) if r.theme_id is not None else _("No theme"),
              *[r.counts.get(s, 0) for s in OUTCOME_STATUSES], r.total] for r in figures.by_theme],
            empty_text=_("No outcomes recorded in the period.")),
        Table("outcomes_topics", _("What came of the topic proposals"), [
            Column(_("Topic proposals")), Column(_("Proposals with an outcome")),
            Column(_("Share of proposals with an outcome"), "percent"),
            Column(_("Median days from proposal to outcome"), "decimal")], [[
                figures.topics_proposed, figures.topics_with_outcome,
                SUPPRESSED if figures.share_suppressed else figures.topic_share,
                SUPPRESSED if figures.median_suppressed else figures.median_days_to_outcome]]),
    ]
