"""The report's participation (per month) and reach (organisations by district) sections."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organization
from app.meetings.models import MeetingOccurrence, Registration
from app.reports.figures import MonthRow, Participation, DistrictRow, Reach
from app.reports.query import month_bucket, occurrence_filter, count_of


def participation_section(session: Session, months: list[date], start: datetime, end: datetime, now: datetime,
                   series_id: int | None, theme_id: int | None) -> Participation:
    """One query: registrations summed per occurrence (a grouped subquery, so no COUNT DISTINCT is
    needed), joined to the period's occurrences and summed again per month bucket."""
    occ, reg = MeetingOccurrence, Registration
    occ_filter = occurrence_filter(start, end, series_id, theme_id)
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
    bucket = month_bucket(occ.starts_at, months).label("bucket")
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
        values = [count_of(v) for v in row[1:]] if row is not None else [0] * 11
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


def reach_section(session: Session, start: datetime, end: datetime, series_id: int | None,
           theme_id: int | None) -> Reach:
    """One query, one pass over the live registrations grouped by organisation: the first ever
    meeting of each one and whether it had one in the report's scope; then counted by district."""
    reg, occ = Registration, MeetingOccurrence
    in_scope = occurrence_filter(start, end, series_id, theme_id)
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
    by_district = sorted((DistrictRow(district=row[0], organisations=count_of(row[1]), new_organisations=count_of(row[2]))
                          for row in rows),
                         key=lambda r: (r.district is None, -r.organisations, r.district or ""))
    return Reach(organisations=sum(r.organisations for r in by_district),
                 new_organisations=sum(r.new_organisations for r in by_district),
                 by_district=by_district)
