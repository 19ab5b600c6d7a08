"""The cooperation report's result tree: plain dataclasses the page, the exports and the API read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


from app.reports.outcomes import OutcomeFigures
from app.reports.guidance import GuidanceFigures


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
    suppressed: bool  # fewer than MIN_RESPONDENTS respondents: nothing below is shown
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
    suppressed: bool  # ratings: fewer than MIN_RESPONDENTS respondents
    respondents: int | None
    average: float | None
    texts_suppressed: bool  # free texts: fewer than MIN_RESPONDENTS respondents in the theme
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
    suppressed: bool  # the average: fewer than MIN_RESPONDENTS rating respondents
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
