"""/api/v1/reports/cooperation: the figures of the cooperation report page, as JSON."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.api.core import endpoint
from app.api.schemas import ApiModel, Error
from app.errors import ValidationError
from app.extensions import db
from app.meetings.models import MeetingSeries, MeetingTheme
from app.reports import services


class CooperationReportQuery(ApiModel):
    from_: date | None = Field(default=None, alias="from",
                               description="First day of the period (Helsinki date, YYYY-MM-DD); "
                                           "default: the first day of the month 11 months before `to`")
    to: date | None = Field(default=None, description="Last day of the period, included; default: today")
    series: int | None = Field(default=None, description="Only this meeting series")
    theme: int | None = Field(default=None, description="Only the series of this theme")

    @field_validator("from_", "to", "series", "theme", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        return None if value == "" else value

    @model_validator(mode="after")
    def _period(self):
        end = self.to or services.helsinki_today()
        start = self.from_ or services.default_period(end)[0]
        services.check_period(start, end)  # a DomainError: 422 with the field
        return self


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Names = dict[str, str | None]


class MonthOut(_Out):
    month: str = Field(description="YYYY-MM, Helsinki time")
    occurrences_held: int
    occurrences_cancelled: int
    occurrences_upcoming: int
    registrations: int = Field(description="Confirmed and waiting-list registrations")
    confirmed_seats: int
    attendees: int = Field(description="Seats of registrations marked present")
    no_shows: int


class ParticipationOut(_Out):
    months: list[MonthOut]
    occurrences_held: int
    occurrences_cancelled: int
    occurrences_upcoming: int
    registrations: int
    cancelled_registrations: int
    waitlisted_registrations: int
    confirmed_seats: int
    attendees: int
    no_shows: int
    attendance_not_recorded: int = Field(description="Confirmed seats at held occurrences without an attendance mark")
    attendance_rate: float | None = Field(description="attendees / (attendees + no_shows); null when none marked")
    registrations_without_organisation: int


class DistrictOut(_Out):
    district: str | None = Field(description="District key of the organisation; null: none recorded")
    organisations: int
    new_organisations: int


class ReachOut(_Out):
    organisations: int = Field(description="Organisations with a live registration in the period")
    new_organisations: int = Field(description="… whose first ever registration is in the period")
    by_district: list[DistrictOut]


class QuestionOut(_Out):
    key: str
    question: Names
    suppressed: bool = Field(description="Fewer than min_group_size respondents: no figures given")
    respondents: int | None
    average: float | None
    distribution: list[int] | None = Field(description="Answers giving 1, 2, 3, 4, 5")


class ChoiceCountOut(_Out):
    key: str
    label: Names
    count: int
    share: float = Field(description="count / respondents")


class ChoiceQuestionOut(_Out):
    key: str
    kind: str = Field(description="single | multiple")
    question: Names
    suppressed: bool = Field(description="Fewer than min_group_size respondents: no figures given")
    respondents: int | None
    options: list[ChoiceCountOut] | None


class FreeTextOut(_Out):
    text: str
    question: Names
    series_id: int
    series_title: Names


class ThemeOut(_Out):
    theme_id: int | None
    theme_key: str | None
    theme_name: Names
    suppressed: bool
    respondents: int | None
    average: float | None
    texts_suppressed: bool
    text_answers: int | None
    texts: list[FreeTextOut] = Field(description="The newest 50 free texts of the theme")


class SeriesFeedbackOut(_Out):
    series_id: int
    title: Names
    invitations: int
    responses: int
    response_rate: float | None
    suppressed: bool
    average: float | None


class FeedbackOut(_Out):
    invitations: int
    responses: int
    response_rate: float | None
    by_question: list[QuestionOut]
    by_choice: list[ChoiceQuestionOut]
    by_theme: list[ThemeOut]
    by_series: list[SeriesFeedbackOut]


class ProposalOut(_Out):
    id: int
    title: str
    series_id: int | None
    series_title: Names
    status: str = Field(description="proposed | taken_up | declined")
    votes: int
    created_on: date


class ProposalsOut(_Out):
    total: int
    proposed: int
    taken_up: int
    declined: int
    items: list[ProposalOut] = Field(description="The 50 most supported proposals")


class OutcomeThemeOut(_Out):
    theme_id: int | None = Field(description="null: outcomes without a theme")
    theme_name: Names
    counts: dict[str, int] = Field(description="Outcomes per status")
    total: int


class OutcomesOut(_Out):
    total: int = Field(description="Outcomes recorded in the period")
    by_status: dict[str, int]
    by_theme: list[OutcomeThemeOut]
    topics_proposed: int
    topics_with_outcome: int
    share_suppressed: bool
    topic_share: float | None = Field(description="Share of the period's proposals with an outcome (0–1); "
                                                  "null when fewer than min_group_size proposals")
    median_suppressed: bool
    median_days_to_outcome: float | None = Field(description="Median days from a proposal to its first outcome")
class GuidanceGroupOut(_Out):
    key: int | str | None = Field(description="Organisation id, district key or theme id; null = not recorded")
    name: dict[str, str | None] | str | None
    appointments: int
    given: int


class GuidanceBreakdownOut(_Out):
    rows: list[GuidanceGroupOut] = Field(description="Groups with at least min_group_size appointments")
    smaller_groups: int = Field(description="Groups folded together because each is below the minimum")
    smaller_appointments: int | None = Field(description="Their total; null when itself below the minimum")


class GuidanceOut(_Out):
    appointments: int
    given: int = Field(description="Appointments that have ended (guidance given)")
    upcoming: int
    cancelled: int
    guidance_hours: int
    organisations: int
    by_organisation: GuidanceBreakdownOut
    by_district: GuidanceBreakdownOut
    by_theme: GuidanceBreakdownOut


class CooperationReportOut(_Out):
    period_start: date
    period_end: date
    series_id: int | None
    theme_id: int | None
    generated_at: datetime
    min_group_size: int = Field(description="Groups with fewer respondents are not broken down")
    participation: ParticipationOut
    reach: ReachOut
    feedback: FeedbackOut
    proposals: ProposalsOut
    outcomes: OutcomesOut | None = Field(default=None, description="What came of it")
    guidance: GuidanceOut | None = Field(default=None, description="Guidance hours (null when narrowed to a series)")


@endpoint("/reports/cooperation", "GET", summary="Cooperation report figures", tag="reports", role="staff",
          query=CooperationReportQuery, responses={200: CooperationReportOut, 422: Error})
def cooperation_report(user, params: CooperationReportQuery):
    if params.series is not None and db.session.get(MeetingSeries, params.series) is None:
        raise ValidationError(_l("No such meeting series."), field="series")
    if params.theme is not None and db.session.get(MeetingTheme, params.theme) is None:
        raise ValidationError(_l("No such theme."), field="theme")
    end = params.to or services.helsinki_today()
    start = params.from_ or services.default_period(end)[0]
    report = services.cooperation_report(db.session, start, end, series_id=params.series, theme_id=params.theme)
    return CooperationReportOut.model_validate(report).model_dump(mode="json")

