"""The report's figures as plain tables: one source for the page's tables, CSV and XLSX.

A ``Table`` holds raw values (numbers, dates, text); formatting is left to the page (numbers in
the user's locale) and the exporters (numbers stay numbers). Labels are translated when the
tables are built, so call ``report_tables`` inside a request (or ``force_locale``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.core.districts import district_name
from app.feedback.statuses import TopicStatus
from app.reports.guidance import guidance_tables
from app.reports.services import CooperationReport


class Suppressed:
    """A value withheld because its group has fewer than the minimum number of respondents."""

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = Suppressed()

# Column kinds: text, month ("YYYY-MM"), int, percent (a 0–1 ratio), decimal (an average), date,
# auto (int as a number, float as a percentage).


@dataclass
class Column:
    label: str
    kind: str = "int"


@dataclass
class Table:
    key: str  # stable identifier: export file names, ?table=, sheet order
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    footer: list[Any] | None = None  # a totals row
    empty_text: str = ""


def suppressed_text(minimum: int) -> str:
    """What a withheld value reads as."""
    return _("fewer than %(n)d answers", n=minimum)


def _pick(names: dict[str, str | None], lang: str) -> str:
    return names.get(lang) or names.get("fi") or ""


def _or_suppressed(value: Any, suppressed: bool) -> Any:
    return SUPPRESSED if suppressed else value


def outcome_label(status: str) -> str:
    """A topic proposal's outcome in words."""
    return TopicStatus.label_of(status)


def report_tables(report: CooperationReport, lang: str) -> list[Table]:
    """Every table of the report, in page order."""
    p, reach, fb, props = report.participation, report.reach, report.feedback, report.proposals
    tables = [
        Table("summary", _("Key figures"), [Column(_("Figure"), "text"), Column(_("Value"), "auto")], [
            [_("Occurrences held"), p.occurrences_held],
            [_("Occurrences cancelled"), p.occurrences_cancelled],
            [_("Occurrences still to come"), p.occurrences_upcoming],
            [_("Registrations"), p.registrations],
            [_("Waiting-list registrations"), p.waitlisted_registrations],
            [_("Cancelled registrations"), p.cancelled_registrations],
            [_("Registrations without a registered organisation"), p.registrations_without_organisation],
            [_("Confirmed seats"), p.confirmed_seats],
            [_("Attendees"), p.attendees],
            [_("No-shows"), p.no_shows],
            [_("Confirmed seats without an attendance mark"), p.attendance_not_recorded],
            [_("Attendance rate"), p.attendance_rate],
            [_("Organisations reached"), reach.organisations],
            [_("Organisations reached for the first time"), reach.new_organisations],
            [_("Feedback invitations sent"), fb.invitations],
            [_("Feedback responses"), fb.responses],
            [_("Feedback response rate"), fb.response_rate],
            [_("Topic proposals"), props.total],
        ]),
        Table("participation", _("Participation per month"), [
            Column(_("Month"), "month"), Column(_("Occurrences held")), Column(_("Cancelled occurrences")),
            Column(_("Registrations")), Column(_("Confirmed seats")), Column(_("Attendees")),
            Column(_("No-shows"))],
            [[m.month, m.occurrences_held, m.occurrences_cancelled, m.registrations, m.confirmed_seats,
              m.attendees, m.no_shows] for m in p.months],
            footer=[_("Total"), p.occurrences_held, p.occurrences_cancelled, p.registrations, p.confirmed_seats,
                    p.attendees, p.no_shows]),
        Table("districts", _("Organisations reached by district"), [
            Column(_("District"), "text"), Column(_("Organisations reached")),
            Column(_("Reached for the first time"))],
            [[district_name(r.district, lang) or _("No district recorded"), r.organisations, r.new_organisations]
             for r in reach.by_district],
            footer=[_("Total"), reach.organisations, reach.new_organisations],
            empty_text=_("No organisation registered in the period.")),
        Table("feedback_questions", _("Feedback by question (ratings 1–5)"), [
            Column(_("Question"), "text"), Column(_("Respondents")), Column(_("Average (1–5)"), "decimal"),
            *[Column(_("Answers %(n)d", n=n)) for n in range(1, 6)]],
            [[_pick(q.question, lang), _or_suppressed(q.respondents, q.suppressed),
              _or_suppressed(q.average, q.suppressed),
              *([SUPPRESSED] * 5 if q.suppressed else q.distribution)] for q in fb.by_question],
            empty_text=_("No rating answers in the period.")),
        Table("feedback_choices", _("Feedback by question (choices)"), [
            Column(_("Question"), "text"), Column(_("Option"), "text"), Column(_("Respondents who chose it")),
            Column(_("Share of respondents"), "percent")],
            [row for c in fb.by_choice for row in (
                [[_pick(c.question, lang), "–", SUPPRESSED, SUPPRESSED]] if c.suppressed else
                [[_pick(c.question, lang), _pick(o.label, lang) or o.key, o.count, o.share] for o in c.options])],
            empty_text=_("No choice answers in the period.")),
        Table("feedback_themes", _("Feedback by theme"), [
            Column(_("Theme"), "text"), Column(_("Respondents (ratings)")), Column(_("Average (1–5)"), "decimal"),
            Column(_("Free-text answers"))],
            [[_pick(t.theme_name, lang) or _("Questions without a theme"),
              _or_suppressed(t.respondents, t.suppressed), _or_suppressed(t.average, t.suppressed),
              _or_suppressed(t.text_answers, t.texts_suppressed)] for t in fb.by_theme],
            empty_text=_("No feedback in the period.")),
        Table("feedback_series", _("Feedback by meeting series"), [
            Column(_("Series"), "text"), Column(_("Invitations sent")), Column(_("Responses")),
            Column(_("Response rate"), "percent"), Column(_("Average of all ratings (1–5)"), "decimal")],
            [[_pick(s.title, lang), s.invitations, s.responses, s.response_rate,
              _or_suppressed(s.average, s.suppressed)] for s in fb.by_series],
            footer=[_("Total"), fb.invitations, fb.responses, fb.response_rate, None],
            empty_text=_("No feedback invitations in the period.")),
        Table("free_texts", _("Free-text answers by theme"), [
            Column(_("Theme"), "text"), Column(_("Question"), "text"), Column(_("Series"), "text"),
            Column(_("Answer"), "text")],
            [[_pick(t.theme_name, lang) or _("Questions without a theme"), _pick(text.question, lang),
              _pick(text.series_title, lang), text.text]
             for t in fb.by_theme for text in t.texts],
            empty_text=_("No free-text answers to show.")),
        Table("proposal_outcomes", _("Topic proposals by outcome"), [
            Column(_("Outcome"), "text"), Column(_("Proposals"))], [
            [TopicStatus.PROPOSED.label, props.proposed],
            [TopicStatus.TAKEN_UP.label, props.taken_up],
            [TopicStatus.DECLINED.label, props.declined]],
            footer=[_("Total"), props.total]),
        Table("proposals", _("Topic proposals"), [
            Column(_("Topic"), "text"), Column(_("Series"), "text"), Column(_("Proposed on"), "date"),
            Column(_("Supporters")), Column(_("Outcome"), "text")],
            [[item.title, _pick(item.series_title, lang), item.created_on, item.votes, outcome_label(item.status)]
             for item in props.items],
            empty_text=_("No topic proposals in the period.")),
    ]
    tables += guidance_tables(report.guidance, lang, report.min_group_size)
    from app.reports.outcomes import outcome_tables

    return tables + outcome_tables(report.outcomes, lang)

