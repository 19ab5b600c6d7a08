"""CSV and XLSX exports of the report's tables (numbers stay numbers, dates stay dates).

Free texts come from the public: a cell starting with ``= + - @`` (or a tab / carriage return) would
be run as a formula by spreadsheet programs, so CSV cells get a leading apostrophe (OWASP "CSV
injection") and XLSX cells are written as plain strings, never formulas.
"""
from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.spreadsheet import excel_csv_text
from app.core.dates import format_date
from app.reports.tables import Suppressed, Table, suppressed_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any, kind: str, minimum: int) -> Any:
    if isinstance(value, Suppressed):
        return suppressed_text(minimum)
    if value is None:
        return ""
    if isinstance(value, float) and kind in ("percent", "auto"):
        return round(value * 100, 1)
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, date):
        return human_date(value)
    if kind == "month" and isinstance(value, str):
        return month_label(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _header(table: Table) -> list[str]:
    return [f"{c.label} (%)" if c.kind == "percent" else c.label for c in table.columns]


def table_csv(table: Table, minimum: int) -> str:
    """One table as CSV text for Excel in Finland (BOM, ``;``-separated, decimal comma, header row;
    ratios as percentages with one decimal)."""
    kinds = [c.kind for c in table.columns]
    rows = [_header(table)] + [[_csv_value(v, k, minimum) for v, k in zip(row, kinds)]
                               for row in table.rows + ([table.footer] if table.footer else [])]
    return excel_csv_text(rows)


def workbook_bytes(tables: list[Table], minimum: int, info: list[tuple[str, Any]]) -> bytes:
    """Every table on a sheet of its own, after an information sheet (period, filters).

    Written in openpyxl's write-only mode: rows stream out, which keeps large exports fast.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet, value: Any, kind: str = "text", strong: bool = False) -> WriteOnlyCell:
        result = WriteOnlyCell(sheet, value=_xlsx_value(value, minimum, kind))
        if kind == "month" and isinstance(value, str) and value[:4].isdigit():
            result.number_format = "mmmm yyyy"
        elif isinstance(value, str) or isinstance(value, Suppressed):
            result.data_type = TYPE_STRING  # a text answer "=…" stays text, never a formula
        elif isinstance(value, float):
            result.number_format = "0.0%" if kind in ("percent", "auto") else "0.00"
        elif isinstance(value, (date, datetime)):
            # Finland's conventions, as on the page: 4.12.2026 and 17.00.
            result.number_format = "d.m.yyyy" if kind == "date" or not isinstance(value, datetime) \
                else 'd.m.yyyy h"."mm'
        if strong:
            result.font = bold
        return result

    sheet = workbook.create_sheet("info")
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 40
    for label, value in info:
        sheet.append([cell(sheet, label, strong=True), cell(sheet, value)])
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 40 if column.kind == "text" else 16
        sheet.freeze_panes = "A3"
        sheet.append([cell(sheet, table.title, strong=True)])
        sheet.append([cell(sheet, c.label, strong=True) for c in table.columns])
        kinds = [c.kind for c in table.columns]
        for row in table.rows:
            sheet.append([cell(sheet, v, k) for v, k in zip(row, kinds)])
        if table.footer:
            sheet.append([cell(sheet, v, k, strong=True) for v, k in zip(table.footer, kinds)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any, minimum: int, kind: str = "text") -> Any:
    if isinstance(value, Suppressed):
        return suppressed_text(minimum)
    if kind == "month" and isinstance(value, str) and value[:4].isdigit():
        # A real date (the month's first day) shown as "January 2026": it sorts and filters as a month.
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    return value


def human_date(value: date) -> str:
    """4.12.2026 (a spreadsheet in Finland reads it as a date; ISO dates are not shown to people)."""
    return f"{value.day}.{value.month}.{value.year}"


def month_label(value: str) -> str:
    """``"2026-12"`` → ``joulukuu 2026`` in the page's language."""
    year, _sep, month = value.partition("-")
    if not (year.isdigit() and month.isdigit()):
        return value  # the footer's "Total"
    return format_date(date(int(year), int(month), 1), "LLLL yyyy")
