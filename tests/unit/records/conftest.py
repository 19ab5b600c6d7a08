"""Helpers for the records tests: sample office files (rows: the ``make`` factory)."""
from __future__ import annotations

import io
import zipfile


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
