"""The report's topic proposals section: counts by outcome and the most supported proposals."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.feedback.models import TopicProposal
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.reports.figures import ProposalRow, Proposals
from app.reports.query import count_of, names_by_language, report_date, theme_series
from app.feedback.statuses import TopicStatus


def proposals_section(session: Session, start: datetime, end: datetime, series_id: int | None, theme_id: int | None,
               limit: int | None) -> Proposals:
    """Two queries: counts by outcome, and the most supported proposals with their outcome."""
    prop, occ, series = TopicProposal, MeetingOccurrence, MeetingSeries
    target_series = func.coalesce(prop.series_id, occ.series_id)
    conditions = [prop.created_at >= start, prop.created_at < end]
    if series_id is not None:
        conditions.append(target_series == series_id)
    if theme_id is not None:
        conditions.append(target_series.in_(theme_series(theme_id)))

    def scoped(query):
        return query.select_from(prop).outerjoin(occ, occ.id == prop.occurrence_id).where(*conditions)

    counts = {status: count_of(n) for status, n in session.execute(
        scoped(select(prop.status, func.count(prop.id))).group_by(prop.status)).all()}
    query = (scoped(select(prop.id, prop.title, target_series, series.title_fi, series.title_sv, series.title_en,
                           prop.status, prop.votes_count, prop.created_at))
             .outerjoin(series, series.id == target_series)
             .order_by(prop.votes_count.desc(), prop.created_at, prop.id))
    if limit is not None:
        query = query.limit(limit)
    items = [ProposalRow(id=pid, title=title, series_id=sid, series_title=names_by_language(fi, sv, en), status=status,
                         votes=count_of(votes), created_on=report_date(created))
             for pid, title, sid, fi, sv, en, status, votes, created in session.execute(query).all()]
    return Proposals(total=sum(counts.values()), proposed=counts.get(TopicStatus.PROPOSED, 0),
                     taken_up=counts.get(TopicStatus.TAKEN_UP, 0), declined=counts.get(TopicStatus.DECLINED, 0),
                     items=items)
