"""The participant list of a date as CSV or an Excel workbook."""
from __future__ import annotations

import io
from typing import Any

from flask_babel import lazy_gettext as _l

from app.meetings.models import MeetingOccurrence
from app.meetings.registrations.listings import occurrence_registrations
from app.meetings.statuses import Attendance, RegistrationStatus


def _export_headers() -> list[str]:
    return [str(_l("Status")), str(_l("Name")), str(_l("Email")), str(_l("Organisation")), str(_l("Seats")),
            str(_l("Accessibility or dietary needs")), str(_l("On the participant list")),
            str(_l("Attendance")), str(_l("Registered at"))]


def export_rows(occurrence: MeetingOccurrence) -> list[list[Any]]:
    """Header + one row per live registration (confirmed, then the waiting list)."""
    from app.core.dates import format_datetime

    rows: list[list[Any]] = [_export_headers()]
    for r in occurrence_registrations(occurrence):
        rows.append([RegistrationStatus.label_of(r.status), r.name, r.email,
                     r.organization.name if r.organization else (r.organization_name or ""), r.seats,
                     r.needs or "", str(_l("Yes")) if r.show_on_participant_list else str(_l("No")),
                     Attendance.label_of(r.attendance) if r.attendance else "",
                     format_datetime(r.created_at)])
    return rows


def _safe_cell(value: Any) -> Any:
    # Spreadsheet formula injection (OWASP "CSV injection"): text starting with = + - @ is inert.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(occurrence: MeetingOccurrence) -> bytes:
    """The participant list as CSV that Excel opens right in Finland (``;``, UTF-8 with BOM)."""
    from app.core.spreadsheet import excel_csv

    return excel_csv(export_rows(occurrence))


def export_xlsx(occurrence: MeetingOccurrence) -> bytes:
    """The participant list as an Excel workbook (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_l("Participants"))[:31]
    for index, row in enumerate(export_rows(occurrence)):
        sheet.append([_safe_cell(v) for v in row])
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

