"""The cooperation report page, its filters, charts and exports."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.reports import services
from tests.unit.reports import data

PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


@pytest.fixture
def staff(make):
    return make.user("staff")


@pytest.fixture
def datasets(app, make, monkeypatch):
    # The page separates held from upcoming occurrences by the real clock: the data is in the past.
    return data.build_all(app, make)


def test_page_requires_staff(client, make, login):
    assert client.get("/reports/cooperation").status_code == 302  # to the login page
    login(make.user("ngo", organization=make.organization()))
    assert client.get("/reports/cooperation").status_code == 403
    assert client.get("/reports/cooperation.csv").status_code == 403
    assert client.get("/reports/cooperation.xlsx").status_code == 403


def test_nav_item_for_staff_only(client, make, login, staff):
    login(staff)
    assert 'href="/reports/cooperation"' in client.get("/").get_data(as_text=True)
    login(make.user("ngo"))
    assert "/reports/cooperation" not in client.get("/").get_data(as_text=True)


def test_page_shows_figures_charts_and_tables(client, login, staff, datasets):
    login(staff)
    response = client.get("/reports/cooperation", query_string={**PERIOD, "lang": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Charts: inline SVG images with a title and a description, patterns, no script.
    svgs = re.findall(r"<svg [^>]*role=\"img\"[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 5  # participation, occurrences, districts, questions, proposals
    for svg in svgs:
        assert "<title id=" in svg and "<desc id=" in svg and "aria-labelledby" in svg
    assert "<pattern" in svgs[0] and "<script" not in html
    assert 'style="' not in "".join(svgs)  # the CSP forbids inline styles
    # The participation table (months in rows, th scope) with the total row.
    table = re.search(r'<table class="report-table" id="table-participation">.*?</table>', html, re.S).group(0)
    assert "<caption id=\"caption-participation\">Participation per month</caption>" in table
    assert '<th scope="col"' in table and '<th scope="row">January 2026</th>' in table
    assert re.sub(r"\s+", "", re.search(r"<tfoot>.*?</tfoot>", table, re.S).group(0)) == re.sub(r"\s+", "", (
        '<tfoot><tr><th scope="row">Total</th><td class="num">6</td><td class="num">1</td>'
        '<td class="num">16</td><td class="num">18</td><td class="num">16</td><td class="num">1</td></tr></tfoot>'))
    # Feedback: the suppressed question and the shown free texts.
    assert "fewer than 5 answers" in html
    assert "Lisää aikaa keskustelulle" in html
    assert "Huono" not in html  # a group of one
    assert "Suosittu aihe" in html and "Taken up" in html


def test_summary_figures_in_page(client, login, staff, datasets):
    login(staff)
    html = client.get("/reports/cooperation", query_string={**PERIOD, "lang": "en"}).get_data(as_text=True)
    summary = re.search(r'id="table-summary">.*?</table>', html, re.S).group(0)
    cells = dict(re.findall(r'<th scope="row">(.*?)</th>\s*<td class="num">(.*?)</td>', summary))
    assert cells["Organisations reached"] == "3"
    assert cells["Organisations reached for the first time"] == "2"
    assert cells["Feedback response rate"] == "88.9%"
    assert cells["Attendance rate"] == "94.1%"  # 16 / 17 seats


@pytest.mark.parametrize("args, message", [
    ({"from": "2026-13-45"}, "Not a valid date value"),
    ({"from": "2026-03-01", "to": "2026-02-01"}, "The end date must not be before the start date."),
    ({"from": "2010-01-01", "to": "2026-02-01"}, "at most 60 months"),
    ({"series": "abc"}, "Choose a series from the list."),
    ({"series": "999999"}, "Choose a series from the list."),
    ({"theme": "999999"}, "Choose a theme from the list."),
])
def test_bad_filters_show_form_errors(client, login, staff, args, message):
    login(staff)
    response = client.get("/reports/cooperation", query_string={**args, "lang": "en"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and message in html
    assert "table-summary" not in html
    assert client.get("/reports/cooperation.csv", query_string=args).status_code == 400


def test_default_period_is_last_12_months(client, login, staff):
    login(staff)
    html = client.get("/reports/cooperation", query_string={"lang": "en"}).get_data(as_text=True)
    start, end = services.default_period(services.helsinki_today())
    assert f"Period {start.isoformat()}–{end.isoformat()}" in html
    table = re.search(r'id="table-participation">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    assert table.count('<th scope="row">') == 12


def test_filters_narrow_the_page(client, login, staff, datasets):
    ds, fb = datasets
    login(staff)
    html = client.get("/reports/cooperation", query_string={**PERIOD, "series": ds.s2, "lang": "en"}).get_data(
        as_text=True)
    assert 'selected value="%d"' % ds.s2 in html or f'value="{ds.s2}" selected' in html
    summary = re.search(r'id="table-summary">.*?</table>', html, re.S).group(0)
    cells = dict(re.findall(r'<th scope="row">(.*?)</th>\s*<td class="num">(.*?)</td>', summary))
    assert cells["Registrations"] == "1" and cells["Topic proposals"] == "1"


def test_csv_export(client, login, staff, datasets):
    login(staff)
    response = client.get("/reports/cooperation.csv", query_string={**PERIOD, "table": "participation",
                                                                     "lang": "en"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel in Finland: BOM, semicolons, decimal comma
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Month", "Occurrences held", "Cancelled occurrences", "Registrations", "Confirmed seats",
                       "Attendees", "No-shows"]
    assert rows[1:] == [["January 2026", "1", "0", "4", "4", "2", "1"], ["February 2026", "2", "1", "2", "4", "4", "0"],
                        ["March 2026", "3", "0", "10", "10", "10", "0"], ["Total", "6", "1", "16", "18", "16", "1"]]


def test_csv_suppression_and_formula_escape(client, login, staff, datasets):
    login(staff)
    rows = list(csv.reader(io.StringIO(client.get("/reports/cooperation.csv", query_string={
        **PERIOD, "table": "feedback_questions", "lang": "en"}).get_data(as_text=True)[1:]), delimiter=";"))
    assert rows[1] == ["Usefulness", "8", "3,38", "1", "1", "2", "2", "2"]
    assert rows[2][1:] == ["fewer than 5 answers"] * 7
    texts = list(csv.reader(io.StringIO(client.get("/reports/cooperation.csv", query_string={
        **PERIOD, "table": "free_texts", "lang": "en"}).get_data(as_text=True)[1:]), delimiter=";"))
    assert texts[0] == ["Theme", "Question", "Series", "Answer"]
    answers = [row[3] for row in texts[1:]]
    assert "'=HYPERLINK(\"x\")" in answers and "Huono" not in answers and len(answers) == 5
    series = list(csv.reader(io.StringIO(client.get("/reports/cooperation.csv", query_string={
        **PERIOD, "table": "feedback_series", "lang": "en"}).get_data(as_text=True)[1:]), delimiter=";"))
    assert series[0][3] == "Response rate (%)"
    assert series[-1] == ["Total", "9", "8", "88,9", ""]
    assert client.get("/reports/cooperation.csv", query_string={"table": "nope"}).status_code == 404


def test_xlsx_export(client, login, staff, datasets):
    login(staff)
    response = client.get("/reports/cooperation.xlsx", query_string={**PERIOD, "lang": "en"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["info", "summary", "participation", "districts", "feedback_questions",
                               "feedback_choices", "feedback_themes", "feedback_series", "free_texts", "proposal_outcomes", "proposals",
                               "guidance", "guidance_organisations", "guidance_districts", "guidance_themes",
                               "outcomes_status", "outcomes_themes", "outcomes_topics"]
    info = {row[0]: row[1] for row in book["info"].iter_rows(values_only=True)}
    assert info["From"].date() == date(2026, 1, 1) and info["Theme"] == "All themes"
    rows = list(book["participation"].iter_rows(values_only=True))
    assert rows[0] == ("Participation per month",) + (None,) * 6
    assert rows[2] == (datetime(2026, 1, 1), 1, 0, 4, 4, 2, 1)  # a month cell: a date shown as "January 2026"
    assert rows[-1] == ("Total", 6, 1, 16, 18, 16, 1)
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(min_row=3, values_only=True)}
    assert summary["Feedback response rate"] == pytest.approx(8 / 9)
    texts = book["free_texts"]
    cells = [row[3] for row in texts.iter_rows(min_row=3)]
    formula_like = next(cell for cell in cells if str(cell.value).startswith("="))
    assert formula_like.data_type == "s" and formula_like.value == '=HYPERLINK("x")'
    questions = list(book["feedback_questions"].iter_rows(min_row=3, values_only=True))
    assert questions[0][:3] == ("Usefulness", 8, pytest.approx(3.38, abs=0.005))
    assert questions[1][1:] == ("fewer than 5 answers",) * 7
    choices = list(book["feedback_choices"].iter_rows(min_row=3, values_only=True))
    assert choices[0] == ("Aiheet", "–", "fewer than 5 answers", "fewer than 5 answers")
    assert choices[1][:3] == ("Format", "On site", 4) and choices[1][3] == pytest.approx(4 / 6)
    assert choices[3][1:3] == ("Hybrid", 0)
    proposals = list(book["proposals"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in proposals] == ["Suosittu aihe", "Avustusneuvonta", "Tilavaraukset", "Hylätty aihe"]
