"""What a material file really is, read from its bytes (never from its name or the browser's word).

``filetype`` (PyPI) recognises PDFs and images by their signatures. OOXML and OpenDocument files
are ZIP archives, so a renamed ZIP, a macro-enabled document or an archive with some other
content would pass a signature check: they are opened and must contain the parts their type
requires (``[Content_Types].xml`` with the main part; ODF's uncompressed ``mimetype`` entry first).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype
from flask_babel import lazy_gettext as _l

from app.errors import DomainError

# Only the few small entries named below are ever read from an archive.
_MAX_ENTRY_BYTES = 256 * 1024


class FileTooLarge(DomainError):
    """413: the file is over the limit."""

    status = 413
    code = "too_large"


class UnsupportedFileType(DomainError):
    """415: not an accepted type, or the name claims another type than the content."""

    status = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class FileKind:
    mime: str
    extensions: tuple[str, ...]  # the first is the canonical one
    label: str  # short, language-neutral name shown to users ("PDF", "Word", "PNG")


PDF = FileKind("application/pdf", ("pdf",), "PDF")
PNG = FileKind("image/png", ("png",), "PNG")
JPEG = FileKind("image/jpeg", ("jpg", "jpeg", "jpe"), "JPEG")
GIF = FileKind("image/gif", ("gif",), "GIF")
WEBP = FileKind("image/webp", ("webp",), "WebP")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",),
                "PowerPoint")
ODT = FileKind("application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "OpenDocument")
ODP = FileKind("application/vnd.oasis.opendocument.presentation", ("odp",), "OpenDocument")

SIGNATURE_KINDS = {kind.mime: kind for kind in (PDF, PNG, JPEG, GIF, WEBP)}
ODF_KINDS = {kind.mime: kind for kind in (ODT, ODS, ODP)}
# OOXML: the main part that must exist and the content type it must be declared with.
OOXML_KINDS = (
    (DOCX, "word/document.xml", "wordprocessingml.document.main+xml"),
    (XLSX, "xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    (PPTX, "ppt/presentation.xml", "presentationml.presentation.main+xml"),
)
ALL_KINDS = (*SIGNATURE_KINDS.values(), DOCX, XLSX, PPTX, *ODF_KINDS.values())
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for kind in ALL_KINDS for ext in kind.extensions)
KIND_BY_EXTENSION = {ext: kind for kind in ALL_KINDS for ext in kind.extensions}


def _refuse() -> UnsupportedFileType:
    return UnsupportedFileType(_l("This type of file is not accepted. Upload a PDF, an office or OpenDocument "
                                  "file (Word, Excel, PowerPoint, text, spreadsheet, presentation) or an image "
                                  "(PNG, JPEG, GIF, WebP)."), field="file")


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _MAX_ENTRY_BYTES:
        raise _refuse()
    with archive.open(info) as handle:
        return handle.read(_MAX_ENTRY_BYTES + 1)[:_MAX_ENTRY_BYTES]


def _zip_kind(data: bytes) -> FileKind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if names and names[0] == "mimetype":
            mime = _read_entry(archive, "mimetype").decode("ascii", "replace").strip()
            kind = ODF_KINDS.get(mime)
            if kind is not None and "content.xml" in names and "META-INF/manifest.xml" in names:
                return kind
            raise _refuse()
        if "[Content_Types].xml" in names:
            content_types = _read_entry(archive, "[Content_Types].xml").decode("utf-8", "replace")
            # Macro-enabled documents (.docm, .xlsm, .pptm) carry code: never accepted.
            if "vbaProject" in content_types or "macroEnabled" in content_types or any(
                    n.lower().endswith("vbaproject.bin") for n in names):
                raise _refuse()
            for kind, main_part, declared in OOXML_KINDS:
                if main_part in names and declared in content_types:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, ValueError,
            NotImplementedError, EOFError):
        pass
    raise _refuse()


# Beyond the first bytes: the structure a real file of the kind has (a bare signature is not a file).
_STRUCTURE = {
    "application/pdf": lambda d: b"%%EOF" in d[-2048:],
    "image/png": lambda d: len(d) > 33 and d[12:16] == b"IHDR",
    "image/jpeg": lambda d: len(d) > 4 and d[3:4] != b"" and d[2:3] == b"\xff",
    "image/gif": lambda d: len(d) >= 14,
    "image/webp": lambda d: len(d) > 16 and d[8:12] == b"WEBP",
}


def detect(data: bytes) -> FileKind:
    """The accepted kind the bytes are, or :class:`UnsupportedFileType`."""
    guess = filetype.guess(data)
    if guess is None:
        raise _refuse()
    kind = SIGNATURE_KINDS.get(guess.mime)
    if kind is not None:
        if not _STRUCTURE[kind.mime](data):
            raise _refuse()
        return kind
    if data[:4] == b"PK\x03\x04":  # docx / xlsx / pptx / odt / ods / odp, or any other ZIP
        return _zip_kind(data)
    raise _refuse()


def clean_filename(name: str | None, kind: FileKind) -> str:
    """A safe download name that agrees with the content.

    The path and control characters are dropped. A name whose extension names a different type
    (``slides.pdf`` holding a PNG) is a file lying about its type: refused. A name with some
    other extension, or none, gets the right one appended.
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip().strip(".")
    stem, dot, extension = base.rpartition(".")
    extension = extension.lower() if dot else ""
    if dot and extension in kind.extensions:
        cleaned = base
    elif dot and extension in KIND_BY_EXTENSION or extension in {"docm", "xlsm", "pptm", "doc", "xls", "ppt",
                                                                  "svg", "html", "htm", "exe", "js"}:
        raise UnsupportedFileType(
            _l("The file's name says it is a .%(ext)s file, but its content is %(kind)s. Check the file.",
               ext=extension, kind=kind.label), field="file")
    else:
        cleaned = f"{base or 'file'}.{kind.extensions[0]}"
    if len(cleaned) > 200:
        cleaned = cleaned[:190].rstrip() + "." + kind.extensions[0]
    return cleaned
