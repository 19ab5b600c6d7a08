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
- An organisation is reached when it has a live registration in the period; it is newly reached
  when its first ever live registration (to any meeting, by the meeting's start) is in the period.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, literal, select
from sqlalchemy.orm import Session

from app.accounts.models import Organization
from app.errors import ValidationError
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration, series_themes

REPORT_TZ = ZoneInfo("Europe/Helsinki")
# Groups with fewer respondents than this are never broken down (averages, free texts).
MIN_GROUP_SIZE = 5
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
class CooperationReport:
    """Everything the cooperation report page, its exports and the API show."""

    period_start: date
    period_end: date
    series_id: int | None
    theme_id: int | None
    generated_at: datetime
    participation: Participation
    reach: Reach
    min_group_size: int = MIN_GROUP_SIZE
    definitions: dict[str, str] = field(default_factory=dict)


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
        conditions.append(MeetingOccurrence.series_id.in_(
            select(series_themes.c.series_id).where(series_themes.c.theme_id == theme_id)))
    return and_(*conditions)


def _int(value) -> int:
    return int(value or 0)


# --- sections -----------------------------------------------------------------------------

def _participation(session: Session, months: list[date], start: datetime, end: datetime, now: datetime,
                   series_id: int | None, theme_id: int | None) -> Participation:
    """One query: occurrences LEFT JOIN registrations, grouped by month bucket."""
    occ = MeetingOccurrence
    bucketed = (select(occ.id.label("id"), occ.status.label("status"), occ.starts_at.label("starts_at"),
                       _month_bucket(occ.starts_at, months).label("bucket"))
                .where(_occurrence_filter(start, end, series_id, theme_id))
                .subquery("o"))
    reg = Registration
    live = reg.status.in_(("confirmed", "waitlisted"))
    held = and_(bucketed.c.status == "scheduled", bucketed.c.starts_at < now)
    confirmed = reg.status == "confirmed"
    rows = session.execute(
        select(
            bucketed.c.bucket,
            func.count(distinct(case((held, bucketed.c.id)))),
            func.count(distinct(case((bucketed.c.status == "cancelled", bucketed.c.id)))),
            func.count(distinct(case((and_(bucketed.c.status == "scheduled", bucketed.c.starts_at >= now),
                                      bucketed.c.id)))),
            func.count(case((live, reg.id))),
            func.sum(case((confirmed, reg.seats), else_=0)),
            func.sum(case((and_(confirmed, reg.attendance == "present"), reg.seats), else_=0)),
            func.sum(case((and_(confirmed, reg.attendance == "no_show"), reg.seats), else_=0)),
            func.count(case((reg.status == "cancelled", reg.id))),
            func.count(case((reg.status == "waitlisted", reg.id))),
            func.sum(case((and_(confirmed, held, reg.attendance.is_(None)), reg.seats), else_=0)),
            func.count(case((and_(live, reg.organization_id.is_(None)), reg.id))),
        )
        .select_from(bucketed)
        .outerjoin(reg, reg.occurrence_id == bucketed.c.id)
        .group_by(bucketed.c.bucket)
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
    """One query: organisations with a live registration in the period, by district, with the
    instant of each one's first ever live registration (a grouped subquery) to tell the new ones."""
    reg, occ = Registration, MeetingOccurrence
    live = reg.status.in_(("confirmed", "waitlisted"))
    first_seen = (select(reg.organization_id.label("organization_id"), func.min(occ.starts_at).label("first_at"))
                  .join(occ, occ.id == reg.occurrence_id)
                  .where(live, reg.organization_id.is_not(None))
                  .group_by(reg.organization_id)
                  .subquery("first_seen"))
    rows = session.execute(
        select(Organization.district,
               func.count(distinct(Organization.id)),
               func.count(distinct(case((first_seen.c.first_at >= start, Organization.id)))))
        .select_from(reg)
        .join(occ, occ.id == reg.occurrence_id)
        .join(Organization, Organization.id == reg.organization_id)
        .join(first_seen, first_seen.c.organization_id == Organization.id)
        .where(live, _occurrence_filter(start, end, series_id, theme_id))
        .group_by(Organization.district)
    ).all()
    by_district = sorted((DistrictRow(district=row[0], organisations=_int(row[1]), new_organisations=_int(row[2]))
                          for row in rows),
                         key=lambda r: (r.district is None, -r.organisations, r.district or ""))
    return Reach(organisations=sum(r.organisations for r in by_district),
                 new_organisations=sum(r.new_organisations for r in by_district),
                 by_district=by_district)


def cooperation_report(session: Session, period_start: date, period_end: date, series_id: int | None = None,
                       theme_id: int | None = None, *, now: datetime | None = None) -> CooperationReport:
    """Build the cooperation report for the local dates ``[period_start, period_end]``.

    ``series_id`` / ``theme_id`` narrow it to one series or to the series of one theme.
    ``now`` (UTC) separates held occurrences from upcoming ones. Runs a fixed number of queries.
    """
    check_period(period_start, period_end)
    now = now or datetime.now(timezone.utc)
    start, end = period_window(period_start, period_end)
    months = months_between(period_start, period_end)
    return CooperationReport(
        period_start=period_start, period_end=period_end, series_id=series_id, theme_id=theme_id,
        generated_at=now,
        participation=_participation(session, months, start, end, now, series_id, theme_id),
        reach=_reach(session, start, end, series_id, theme_id),
    )
