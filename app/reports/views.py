"""The cooperation report page and its CSV / XLSX exports (staff only)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_number, format_percent
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.auth import role_required
from app.core.dates import format_date
from app.core.i18n import current_language, localized
from app.extensions import db
from app.meetings.models import MeetingSeries, MeetingTheme
from app.reports import charts, services
from app.reports.export import table_csv, workbook_bytes
from app.reports.forms import ReportFilterForm
from app.reports.tables import Suppressed, Table, outcome_label, report_tables, suppressed_text
from app.feedback.statuses import TopicStatus

bp = Blueprint("reports", __name__, url_prefix="/reports")

# Free texts and proposals listed on the page; the exports list them all.
PAGE_TEXT_LIMIT = 50
PAGE_PROPOSAL_LIMIT = 50


def _filter_form() -> tuple[ReportFilterForm, bool]:
    """The filter form bound to the query string, its choices loaded; (form, valid)."""
    form = ReportFilterForm(formdata=request.args)
    lang = current_language()
    series = db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.title_fi, MeetingSeries.id)).all()
    themes = db.session.scalars(select(MeetingTheme).order_by(MeetingTheme.position, MeetingTheme.name_fi)).all()
    form.set_choices([(s.id, localized(s, "title", lang)) for s in series],
                     [(t.id, localized(t, "name", lang)) for t in themes])
    return form, form.validate()


def _build(form: ReportFilterForm, *, full: bool) -> services.CooperationReport:
    start, end = form.period(services.helsinki_today())
    return services.cooperation_report(
        db.session, start, end, series_id=form.series.data, theme_id=form.theme.data,
        text_limit=None if full else PAGE_TEXT_LIMIT, proposal_limit=None if full else PAGE_PROPOSAL_LIMIT)


def _query_args(report: services.CooperationReport) -> dict[str, Any]:
    args: dict[str, Any] = {"from": report.period_start.isoformat(), "to": report.period_end.isoformat()}
    if report.series_id is not None:
        args["series"] = report.series_id
    if report.theme_id is not None:
        args["theme"] = report.theme_id
    return args


def format_cell(value: Any, kind: str, minimum: int) -> str:
    """A table value as the page shows it, in the user's locale."""
    if isinstance(value, Suppressed):
        return suppressed_text(minimum)
    if value is None:
        return "–"
    if kind == "month":
        year, month = value.split("-")
        return format_date(date(int(year), int(month), 1), "LLLL yyyy")
    if kind == "date":
        return format_date(value, "short")
    if kind == "decimal":
        return format_decimal(value, "0.00")
    if isinstance(value, float) and kind in ("percent", "auto"):
        return format_percent(value, _percent_pattern())
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def _percent_pattern() -> str:
    """The locale's percent pattern with one decimal ("88.9%" in English, "88,9 %" in Finnish)."""
    pattern = get_locale().percent_formats[None].pattern.split(";")[0]
    return pattern.replace("#,##0", "#,##0.0", 1)


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return format_date(date(int(year), int(number), 1), "LLL yyyy")


def _charts(report: services.CooperationReport, tables: dict[str, Table]) -> dict[str, Any]:
    """The SVG charts of the page (the same numbers are in the tables next to them)."""
    p, minimum = report.participation, report.min_group_size
    period = _("%(start)s–%(end)s", start=format_date(report.period_start, "short"),
               end=format_date(report.period_end, "short"))
    months = [_month_label(m.month) for m in p.months]
    result = {
        "participation": charts.column_chart(
            "chart-participation", _("Participation per month"),
            _("Bar chart of registrations, confirmed seats and attendees per month, %(period)s. "
              "Totals: %(r)d registrations, %(c)d confirmed seats, %(a)d attendees. "
              "The table below the chart has the same figures.",
              period=period, r=p.registrations, c=p.confirmed_seats, a=p.attendees),
            months, [charts.Series(_("Registrations"), [m.registrations for m in p.months]),
                     charts.Series(_("Confirmed seats"), [m.confirmed_seats for m in p.months]),
                     charts.Series(_("Attendees"), [m.attendees for m in p.months])]),
        "occurrences": charts.column_chart(
            "chart-occurrences", _("Occurrences per month"),
            _("Bar chart of occurrences held and cancelled per month, %(period)s: %(h)d held, %(c)d cancelled.",
              period=period, h=p.occurrences_held, c=p.occurrences_cancelled),
            months, [charts.Series(_("Occurrences held"), [m.occurrences_held for m in p.months]),
                     charts.Series(_("Cancelled occurrences"), [m.occurrences_cancelled for m in p.months])]),
    }
    districts = tables["districts"].rows
    if districts:
        result["districts"] = charts.bar_chart(
            "chart-districts", _("Organisations reached by district"),
            _("Horizontal bar chart: %(n)d organisations reached in all, by district.", n=report.reach.organisations),
            [(row[0], row[1], _("%(n)d (%(new)d new)", n=row[1], new=row[2])) for row in districts])
    questions = report.feedback.by_question
    if questions:
        result["questions"] = charts.bar_chart(
            "chart-questions", _("Average rating by question"),
            _("Horizontal bar chart of average ratings on a scale of 1 to 5; questions with fewer than "
              "%(n)d respondents show no average.", n=minimum),
            [(row[0], None if isinstance(row[2], Suppressed) else row[2],
              suppressed_text(minimum) if isinstance(row[2], Suppressed)
              else _("%(avg)s (%(n)d respondents)", avg=format_decimal(row[2], "0.00"), n=row[1]))
             for row in tables["feedback_questions"].rows], maximum=5)
    props = report.proposals
    if props.total:
        result["proposals"] = charts.bar_chart(
            "chart-proposals", _("Topic proposals by outcome"),
            _("Horizontal bar chart: %(p)d proposed, %(t)d taken up, %(d)d declined.",
              p=props.proposed, t=props.taken_up, d=props.declined),
            [(outcome_label(status), getattr(props, status), format_number(getattr(props, status)))
             for status in TopicStatus])
    return result


@bp.get("/")
@role_required("staff")
def index():
    return redirect(url_for("reports.cooperation"))


@bp.get("/cooperation")
@role_required("staff")
def cooperation():
    form, valid = _filter_form()
    if not valid:
        return render_template("reports/cooperation.html", form=form, report=None), 400
    report = _build(form, full=False)
    form.from_date.data, form.to_date.data = report.period_start, report.period_end  # show the defaults
    tables = {t.key: t for t in report_tables(report, current_language())}
    args = _query_args(report)
    return render_template(
        "reports/cooperation.html", form=form, report=report, tables=tables, charts=_charts(report, tables),
        format_cell=format_cell, localized_name=lambda names: names.get(current_language()) or names.get("fi") or "",
        args=args, exports=export_links(report, tables), text_limit=PAGE_TEXT_LIMIT, proposal_limit=PAGE_PROPOSAL_LIMIT,
        series_name=dict(form.series.choices).get(report.series_id),
        theme_name=dict(form.theme.choices).get(report.theme_id))


def _export_name(report: services.CooperationReport, suffix: str) -> str:
    return f"kohtaamo-cooperation-{report.period_start.isoformat()}-{report.period_end.isoformat()}{suffix}"


@bp.get("/cooperation.csv")
@role_required("staff")
def cooperation_csv():
    form, valid = _filter_form()
    if not valid:
        return render_template("reports/cooperation.html", form=form, report=None), 400
    report = _build(form, full=True)
    tables = {t.key: t for t in report_tables(report, current_language())}
    table = tables.get(request.args.get("table", "participation"))
    if table is None:
        abort(404)
    # The BOM lets spreadsheet programs recognise UTF-8 (ä, ö, å).
    body = table_csv(table, report.min_group_size)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{_export_name(report, "-" + table.key + ".csv")}"'})


@bp.get("/cooperation.xlsx")
@role_required("staff")
def cooperation_xlsx():
    form, valid = _filter_form()
    if not valid:
        return render_template("reports/cooperation.html", form=form, report=None), 400
    report = _build(form, full=True)
    tables = report_tables(report, current_language())
    info = [(_("Cooperation report"), "Kohtaamo"), (_("From"), report.period_start), (_("To"), report.period_end),
            (_("Meeting series"), dict(form.series.choices).get(report.series_id) or _("All series")),
            (_("Theme"), dict(form.theme.choices).get(report.theme_id) or _("All themes")),
            (_("Smallest group shown"), _("%(n)d respondents", n=report.min_group_size)),
            (_("Created"), report.generated_at.astimezone(services.REPORT_TZ).replace(tzinfo=None))]
    body = workbook_bytes(tables, report.min_group_size, info)
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_export_name(report, ".xlsx")}"'})


def export_links(report: services.CooperationReport, tables: dict[str, Table]) -> list[tuple[str, str]]:
    """(title, url) of each table's CSV."""
    args = _query_args(report)
    return [(t.title, url_for("reports.cooperation_csv", table=key, **args)) for key, t in tables.items()]
