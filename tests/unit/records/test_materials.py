"""Materials: stored outside the web root, nothing stored half-way, visibility with the record."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import User
from app.errors import ValidationError
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.records import filetypes, materials, services, storage
from app.records.models import MeetingAttachment
from app.records.samples import sample_pdf, sample_png


def _files(app) -> list:
    from pathlib import Path

    root = Path(app.config["MATERIALS_DIR"])
    return [p for p in root.rglob("*") if p.is_file()]


def test_upload_stores_exact_bytes_under_a_random_key(app, make, ctx):
    staff_id, occ_id = make.user("staff").id, make.past_occurrence().id  # rows first: ctx then holds the lock
    staff = ctx.get(User, staff_id)
    occ = ctx.get(MeetingOccurrence, occ_id)
    data = sample_pdf("hello")
    row = materials.upload_attachment(occ, materials.Upload("Esityslista.pdf", data, title=" Esityslista ",
                                                            public_before_meeting=True), actor=staff)
    ctx.commit()
    assert (row.filename, row.title, row.content_type, row.size) == ("Esityslista.pdf", "Esityslista",
                                                                     "application/pdf", len(data))
    assert len(row.storage_key) == 32 and row.storage_key not in row.filename
    with materials.open_attachment(row) as handle:
        assert handle.read() == data
    assert not str(app.config["MATERIALS_DIR"]).startswith(str(app.static_folder))


@pytest.mark.parametrize("data, name, error, status", [
    (b"MZ" + b"\x00" * 300, "slides.pdf", filetypes.UnsupportedFileType, 415),
    (sample_png(), "slides.pdf", filetypes.UnsupportedFileType, 415),
    (b"", "empty.pdf", ValidationError, 422),
])
def test_refused_uploads_store_nothing(app, make, ctx, data, name, error, status):
    staff_id, occ_id = make.user("staff").id, make.past_occurrence().id  # rows first: ctx then holds the lock
    staff = ctx.get(User, staff_id)
    occ = ctx.get(MeetingOccurrence, occ_id)
    before = len(_files(app))
    with pytest.raises(error) as info:
        materials.upload_attachment(occ, materials.Upload(name, data), actor=staff)
    assert info.value.status == status
    ctx.rollback()
    assert ctx.scalar(select(func.count(MeetingAttachment.id))) == 0
    assert len(_files(app)) == before


def test_too_large_is_413_with_the_limit_in_the_message(app, make, ctx):
    staff_id, occ_id = make.user("staff").id, make.past_occurrence().id  # rows first: ctx then holds the lock
    staff = ctx.get(User, staff_id)
    occ = ctx.get(MeetingOccurrence, occ_id)
    current_app.config["MATERIALS_MAX_BYTES"] = 1000
    try:
        with pytest.raises(filetypes.FileTooLarge) as info:
            materials.upload_attachment(occ, materials.Upload("big.pdf", sample_pdf() + b" " * 1000), actor=staff)
    finally:
        current_app.config["MATERIALS_MAX_BYTES"] = 20 * 1024 * 1024
    assert info.value.status == 413
    from flask_babel import force_locale

    with force_locale("en"):
        assert "0 MB" in str(info.value.message)


def test_rolled_back_upload_removes_its_file(app, make, ctx):
    staff_id, occ_id = make.user("staff").id, make.past_occurrence().id  # rows first: ctx then holds the lock
    staff = ctx.get(User, staff_id)
    occ = ctx.get(MeetingOccurrence, occ_id)
    before = len(_files(app))
    row = materials.upload_attachment(occ, materials.Upload("a.pdf", sample_pdf()), actor=staff)
    assert storage.get_storage().exists(row.storage_key)  # written after the row was flushed
    ctx.rollback()  # e.g. the commit failed, or a later step of the request raised
    assert len(_files(app)) == before
    assert ctx.scalar(select(func.count(MeetingAttachment.id))) == 0


def test_deleted_file_goes_only_after_the_commit(app, make, ctx):
    staff_id, occ_id = make.user("staff").id, make.past_occurrence().id  # rows first: ctx then holds the lock
    staff = ctx.get(User, staff_id)
    occ = ctx.get(MeetingOccurrence, occ_id)
    row = materials.upload_attachment(occ, materials.Upload("a.pdf", sample_pdf()), actor=staff)
    ctx.commit()
    key = row.storage_key
    materials.delete_attachment(row, actor=staff)
    ctx.rollback()  # changed their mind: the file stays
    assert storage.get_storage().exists(key)
    materials.delete_attachment(ctx.get(MeetingAttachment, row.id), actor=staff)
    ctx.commit()
    assert not storage.get_storage().exists(key)


def test_visibility_before_and_after_publishing(make, ctx):
    staff_id, ngo_id, occ_id = make.user("staff").id, make.user("ngo").id, make.past_occurrence().id
    staff, ngo = ctx.get(User, staff_id), ctx.get(User, ngo_id)
    occ = ctx.get(MeetingOccurrence, occ_id)
    slides = materials.upload_attachment(occ, materials.Upload("s.pdf", sample_pdf(), public_before_meeting=True),
                                         actor=staff)
    appendix = materials.upload_attachment(occ, materials.Upload("a.pdf", sample_pdf()), actor=staff)
    ctx.commit()
    assert materials.attachment_visible(slides, None) and materials.attachment_visible(slides, ngo)
    assert not materials.attachment_visible(appendix, None) and materials.attachment_visible(appendix, staff)
    services.save_record(occ, services.RecordData(summary={"fi": "x"}), actor=staff, publish=True)
    ctx.commit()
    assert materials.attachment_visible(appendix, None)
    ctx.get(MeetingSeries, occ.series_id).status = "draft"
    ctx.commit()
    assert not materials.attachment_visible(slides, None) and materials.attachment_visible(slides, staff)


def test_library_filters_and_hides_what_is_not_public(make, ctx):
    theme = make.theme(key="t-lib", name_fi="Teema")
    staff_id = make.user("staff").id
    a_id = make.past_occurrence(days_ago=2, themes=[theme]).id
    b_id = make.past_occurrence(days_ago=400).id
    staff = ctx.get(User, staff_id)
    a = ctx.get(MeetingOccurrence, a_id)
    b = ctx.get(MeetingOccurrence, b_id)
    public = materials.upload_attachment(a, materials.Upload("p.pdf", sample_pdf(), public_before_meeting=True),
                                         actor=staff)
    hidden = materials.upload_attachment(a, materials.Upload("h.pdf", sample_pdf()), actor=staff)
    old = materials.upload_attachment(b, materials.Upload("o.pdf", sample_pdf(), public_before_meeting=True),
                                      actor=staff)
    ctx.commit()

    def ids(user, **filters):
        return [r.id for r in materials.library_page(user, page=1, per_page=25, **filters).items]

    assert ids(None) == [public.id, old.id]
    assert set(ids(staff)) == {public.id, hidden.id, old.id}
    assert ids(None, theme_id=theme.id) == [public.id]
    assert ids(None, series_id=b.series_id) == [old.id]
    assert ids(None, year=a.starts_at.year) == ([public.id, old.id] if b.starts_at.year == a.starts_at.year
                                                else [public.id])
    assert a.starts_at.year in materials.library_years()
