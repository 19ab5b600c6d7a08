"""Guidance given, for the cooperation report: by organisation, district and theme (k ≥ 5).

An appointment counts when it is live (not cancelled) and starts in the period; it has been
*given* once it has ended, and is *upcoming* otherwise. Groups with fewer than
``MIN_RESPONDENTS`` (app/core/disclosure.py) appointments are never shown on their own: they are added up into one
"smaller groups" row (whose count is itself withheld when below the minimum), so no single small
organisation, district or theme can be singled out. Two queries whatever the amount of data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organization
from app.guidance.models import GuidanceAppointment, GuidanceHour
from app.meetings.models import MeetingTheme
from app.guidance.statuses import AppointmentStatus


@dataclass
class GroupRow:
    """One group: ``key`` (organisation id, district key or theme id; None = not recorded)."""

    key: int | str | None
    name: dict[str, str | None] | str | None
    appointments: int
    given: int


@dataclass
class GroupBreakdown:
    rows: list[GroupRow] = field(default_factory=list)  # groups of at least the minimum, largest first
    smaller_groups: int = 0  # how many groups were folded together
    smaller_appointments: int | None = None  # their total; None when itself below the minimum


@dataclass
class GuidanceFigures:
    appointments: int
    given: int
    upcoming: int
    cancelled: int
    guidance_hours: int
    organisations: int  # distinct registry organisations that booked
    by_organisation: GroupBreakdown
    by_district: GroupBreakdown
    by_theme: GroupBreakdown


def _fold(rows: list[GroupRow], minimum: int) -> GroupBreakdown:
    shown = sorted((r for r in rows if r.appointments >= minimum), key=lambda r: (-r.appointments, str(r.key)))
    small = [r for r in rows if r.appointments < minimum]
    total = sum(r.appointments for r in small)
    return GroupBreakdown(rows=shown, smaller_groups=len(small),
                          smaller_appointments=total if total >= minimum else (0 if not small else None))


def guidance_figures(session: Session, start: datetime, end: datetime, now: datetime, *, minimum: int,
                     theme_id: int | None = None) -> GuidanceFigures:
    """Appointments starting in ``[start, end)`` (UTC), optionally of one theme's guidance hours."""
    a, h = GuidanceAppointment, GuidanceHour
    where = [a.starts_at >= start, a.starts_at < end]
    if theme_id is not None:
        where.append(h.theme_id == theme_id)
    live = a.status != AppointmentStatus.CANCELLED
    given = case((a.ends_at <= now, 1), else_=0)
    totals = session.execute(
        select(func.count(a.id).filter(live), func.sum(given).filter(live), func.count(a.id).filter(~live),
               func.count(func.distinct(a.guidance_hour_id)).filter(live),
               func.count(func.distinct(a.organization_id)).filter(live))
        .select_from(a).join(h, h.id == a.guidance_hour_id).where(*where)).one()
    # One grouped query; the three breakdowns are sums over its rows.
    rows = session.execute(
        select(a.organization_id, Organization.name, Organization.district, h.theme_id,
               MeetingTheme.name_fi, MeetingTheme.name_sv, MeetingTheme.name_en,
               func.count(a.id), func.sum(given))
        .select_from(a).join(h, h.id == a.guidance_hour_id)
        .outerjoin(Organization, Organization.id == a.organization_id)
        .outerjoin(MeetingTheme, MeetingTheme.id == h.theme_id)
        .where(*where, live)
        .group_by(a.organization_id, Organization.name, Organization.district, h.theme_id,
                  MeetingTheme.name_fi, MeetingTheme.name_sv, MeetingTheme.name_en)).all()
    orgs: dict = {}
    districts: dict = {}
    themes: dict = {}
    for org_id, org_name, district, t_id, t_fi, t_sv, t_en, count, given_count in rows:
        for groups, key, name in ((orgs, org_id, org_name), (districts, district, district),
                                  (themes, t_id, {"fi": t_fi, "sv": t_sv, "en": t_en} if t_id else None)):
            row = groups.setdefault(key, GroupRow(key=key, name=name, appointments=0, given=0))
            row.appointments += count
            row.given += given_count or 0
    appointments, given_total = totals[0] or 0, totals[1] or 0
    return GuidanceFigures(
        appointments=appointments, given=given_total, upcoming=appointments - given_total, cancelled=totals[2] or 0,
        guidance_hours=totals[3] or 0, organisations=totals[4] or 0,
        by_organisation=_fold(list(orgs.values()), minimum), by_district=_fold(list(districts.values()), minimum),
        by_theme=_fold(list(themes.values()), minimum))


def guidance_tables(figures: GuidanceFigures | None, lang: str, minimum: int) -> list:
    """The report tables of guidance given (page, CSV and XLSX); none without figures."""
    from flask_babel import gettext as _

    from app.core.districts import district_name
    from app.reports.tables import SUPPRESSED, Column, Table

    if figures is None:
        return []

    def label(kind: str, row: GroupRow) -> str:
        if kind == "organisation":
            return row.name or _("No registered organisation")
        if kind == "district":
            return district_name(row.key, lang) or _("No district recorded")
        names = row.name or {}
        return names.get(lang) or names.get("fi") or _("No theme")

    def breakdown(key: str, title: str, kind: str, first: str, groups: GroupBreakdown) -> Table:
        rows = [[label(kind, r), r.appointments, r.given] for r in groups.rows]
        if groups.smaller_groups:
            rows.append([_("Smaller groups (%(n)d, fewer than %(min)d appointments each)", n=groups.smaller_groups,
                           min=minimum),
                         SUPPRESSED if groups.smaller_appointments is None else groups.smaller_appointments, None])
        return Table(key, title, [Column(first, "text"), Column(_("Appointments")), Column(_("Given"))], rows,
                     empty_text=_("No guidance appointments in the period."))

    return [
        Table("guidance", _("Guidance hours: key figures"), [Column(_("Figure"), "text"), Column(_("Value"))], [
            [_("Guidance appointments"), figures.appointments],
            [_("Guidance given (appointments held)"), figures.given],
            [_("Guidance appointments still to come"), figures.upcoming],
            [_("Cancelled guidance appointments"), figures.cancelled],
            [_("Guidance hours with appointments"), figures.guidance_hours],
            [_("Organisations guided"), figures.organisations],
        ]),
        breakdown("guidance_organisations", _("Guidance by organisation"), "organisation", _("Organisation"),
                  figures.by_organisation),
        breakdown("guidance_districts", _("Guidance by district"), "district", _("District"), figures.by_district),
        breakdown("guidance_themes", _("Guidance by theme"), "theme", _("Theme"), figures.by_theme),
    ]
