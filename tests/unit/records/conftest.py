"""Helpers for the records and outcomes tests: meetings that took place, sample office files."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def past_occurrence(make):
    """``past_occurrence(days_ago=1, **series_fields)``: the only occurrence of a series that ended."""

    def build(days_ago: int = 1, **fields):
        start = (datetime.now(HELSINKI) - timedelta(days=days_ago)).replace(
            hour=15, minute=0, second=0, microsecond=0, tzinfo=None)
        return make.occurrence(start_local=start, **fields)

    return build


def ooxml(main_part: str = "word/document.xml",
          declared: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
          extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OOXML package (docx by default)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'content-types"><Override PartName="/{main_part}" ContentType="{declared}"/></Types>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odf(mime: str = "application/vnd.oasis.opendocument.text") -> bytes:
    """A minimal OpenDocument package: the uncompressed ``mimetype`` entry first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mime)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()
