"""The type of a material file is read from its bytes; names that lie are refused."""
from __future__ import annotations

import pytest

from app.records import filetypes
from app.records.samples import sample_pdf, sample_png
from tests.unit.records.conftest import odf, ooxml, plain_zip


@pytest.mark.parametrize("data, mime", [
    (sample_pdf(), "application/pdf"),
    (sample_png(), "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg"),
    (b"GIF89a" + b"\x00" * 64, "image/gif"),
    (ooxml(), filetypes.DOCX.mime),
    (ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
     filetypes.XLSX.mime),
    (ooxml("ppt/presentation.xml",
           "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"), filetypes.PPTX.mime),
    (odf(), filetypes.ODT.mime),
    (odf("application/vnd.oasis.opendocument.spreadsheet"), filetypes.ODS.mime),
    (odf("application/vnd.oasis.opendocument.presentation"), filetypes.ODP.mime),
])
def test_accepted_types_are_recognised_from_the_content(data, mime):
    assert filetypes.detect(data).mime == mime


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00" + b"\x00" * 200,  # a Windows program
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"<html><script>alert(1)</script></html>",
    b"just some text",
    b"",
    plain_zip(),  # a ZIP that is not an office document
    ooxml(extra={"word/vbaProject.bin": b"macro"}),  # a macro-enabled document
    ooxml(declared="application/vnd.ms-word.document.macroEnabled.main+xml"),
    ooxml("word/other.xml"),  # declares a document that is not there
    odf("application/x-something-else"),
    b"PK\x03\x04" + b"\x00" * 100,  # a broken archive
    sample_pdf()[:0] + b"\x89PNG",  # a signature without an image
])
def test_other_content_is_refused_with_415(data):
    with pytest.raises(filetypes.UnsupportedFileType) as info:
        filetypes.detect(data)
    assert info.value.status == 415


def test_a_name_that_claims_another_type_is_refused():
    with pytest.raises(filetypes.UnsupportedFileType):
        filetypes.clean_filename("slides.pdf", filetypes.PNG)
    with pytest.raises(filetypes.UnsupportedFileType):
        filetypes.clean_filename("virus.exe", filetypes.PDF)
    with pytest.raises(filetypes.UnsupportedFileType):
        filetypes.clean_filename("report.docm", filetypes.DOCX)


@pytest.mark.parametrize("name, kind, expected", [
    ("Esityslista.PDF", filetypes.PDF, "Esityslista.PDF"),
    ("kuva.jpeg", filetypes.JPEG, "kuva.jpeg"),
    ("pöytäkirja", filetypes.DOCX, "pöytäkirja.docx"),
    ("../../etc/passwd.pdf", filetypes.PDF, "passwd.pdf"),
    ('C:\\Users\\x\\"quoted".pdf', filetypes.PDF, "quoted.pdf"),
    ("", filetypes.PNG, "file.png"),
    (None, filetypes.PNG, "file.png"),
    ("notes.final", filetypes.PDF, "notes.final.pdf"),
    ("a" * 300 + ".pdf", filetypes.PDF, "a" * 190 + ".pdf"),
])
def test_clean_filename(name, kind, expected):
    assert filetypes.clean_filename(name, kind) == expected
