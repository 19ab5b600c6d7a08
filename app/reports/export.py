"""CSV and XLSX exports of the report's tables (numbers stay numbers, dates stay dates).

Free texts come from the public: a cell starting with ``= + - @`` (or a tab / carriage return) would
be run as a formula by spreadsheet programs, so CSV cells get a leading apostrophe (OWASP "CSV
injection") and XLSX cells are written as plain strings, never formulas.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _header(table: Table) -> list[str]:
    return [f"{c.label} (%)" if c.kind == "percent" else c.label for c in table.columns]


def table_csv(table: Table, minimum: int) -> str:
    """One table as CSV text (comma-separated, header row; ratios as percentages with one decimal)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header(table))
    kinds = [c.kind for c in table.columns]
    for row in table.rows + ([table.footer] if table.footer else []):
        writer.writerow([_csv_value(v, k, minimum) for v, k in zip(row, kinds)])
    return out.getvalue()


def workbook_bytes(tables: list[Table], minimum: int, info: list[tuple[str, Any]]) -> bytes:
    """Every table on a sheet of its own, after an information sheet (period, filters)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "info"
    for label, value in info:
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 40
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = bold
        sheet.append([c.label for c in table.columns])
        for cell in sheet[2]:
            cell.font = bold
        kinds = [c.kind for c in table.columns]
        row_number = 2  # openpyxl's max_row scans every cell: count the rows here
        for row in table.rows + ([table.footer] if table.footer else []):
            row_number += 1
            for column_number, (value, kind) in enumerate(zip(row, kinds), start=1):
                cell = sheet.cell(row=row_number, column=column_number, value=_xlsx_value(value, minimum))
                if isinstance(value, str):
                    cell.data_type = TYPE_STRING  # a text answer "=…" stays text
                elif isinstance(value, float):
                    cell.number_format = "0.0%" if kind in ("percent", "auto") else "0.00"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
        if table.footer:
            for cell in sheet[row_number]:
                cell.font = bold
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 40 if column.kind == "text" else 16
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any, minimum: int) -> Any:
    if isinstance(value, Suppressed):
        return suppressed_text(minimum)
    return value
