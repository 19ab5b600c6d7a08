"""CSV that Excel opens right in Finland (one rule for every CSV export).

Finnish (and Swedish) Excel splits CSV on semicolons, not commas, reads the file as UTF-8 only
with a byte-order mark, and expects a decimal comma. Cells that start like a formula are made
inert with a leading apostrophe (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

DELIMITER = ";"
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """One value as Excel in Finland reads it: decimal comma, inert formulas, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", ",") if value != int(value) else str(int(value))
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def excel_csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows → CSV text with a BOM, ``;`` between cells and CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return BOM + out.getvalue()


def excel_csv(rows: Iterable[Iterable[Any]]) -> bytes:
    """The same as UTF-8 bytes (for a download)."""
    return excel_csv_text(rows).encode("utf-8")


def read_excel_csv(data: bytes | str) -> list[list[str]]:
    """Parse such a file back (tests, imports)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=DELIMITER))
