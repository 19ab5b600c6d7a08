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
  ``MIN_RESPONDENTS`` respondents (app/core/disclosure.py) shows no average, distribution or free texts.
- Topic proposals belong to the period by their creation time, to a series directly or through
  the occurrence they were proposed for.
- An organisation is reached when it has a live registration in the period; it is newly reached
  when its first ever live registration (to any meeting, by the meeting's start) is in the period.
"""
from __future__ import annotations
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy.orm import Session

from app.core.disclosure import MIN_RESPONDENTS
from app.reports.feedback import feedback_section
from app.reports.figures import (ChoiceCount, ChoiceQuestionFeedback, CooperationReport, DistrictRow, Feedback,
                                 FreeText, MonthRow, Participation, ProposalRow, Proposals, QuestionFeedback, Reach,
                                 SeriesFeedback, ThemeFeedback)
from app.reports.guidance import guidance_figures
from app.reports.outcomes import outcome_figures
from app.reports.participation import participation_section, reach_section
from app.reports.period import (MAX_PERIOD_MONTHS, REPORT_TZ, check_period, default_period, helsinki_today,
                                local_midnight, months_between, period_window)
from app.reports.proposals import proposals_section

__all__ = [
    "ChoiceCount", "ChoiceQuestionFeedback", "CooperationReport", "DistrictRow", "Feedback", "FreeText", "MonthRow",
    "Participation", "ProposalRow", "Proposals", "QuestionFeedback", "Reach", "SeriesFeedback", "ThemeFeedback",
    "MAX_PERIOD_MONTHS", "REPORT_TZ", "check_period", "default_period", "helsinki_today", "local_midnight",
    "months_between", "period_window", "cooperation_report",
]


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
        generated_at=now, min_group_size=MIN_RESPONDENTS,
        participation=participation_section(session, months, start, end, now, series_id, theme_id),
        reach=reach_section(session, start, end, series_id, theme_id),
        feedback=feedback_section(session, start, end, series_id, theme_id, text_limit),
        proposals=proposals_section(session, start, end, series_id, theme_id, proposal_limit),
        outcomes=outcome_figures(session, start, end, series_id, theme_id, MIN_RESPONDENTS),
        guidance=None if series_id is not None else guidance_figures(session, start, end, now, minimum=MIN_RESPONDENTS,
                                                                     theme_id=theme_id),
    )
