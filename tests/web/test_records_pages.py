"""Record and material pages: staff write and publish, files with 413/415 re-shown, downloads, library."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.records.models import MeetingAttachment, MeetingRecord
from app.records.samples import sample_pdf, sample_png

HELSINKI = ZoneInfo("Europe/Helsinki")


def _past(make, **fields):
    start = (datetime.now(HELSINKI) - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0,
                                                                 tzinfo=None)
    return make.occurrence(start_local=start, **fields)


def _upload(client, occ_id, data, name, **fields):
    return client.post(f"/meetings/occurrences/{occ_id}/materials?lang=en",
                       data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


def test_staff_write_publish_and_registrants_read(app, client, make, login):
    org = make.organization(name="Kontulan Asukkaat ry")
    occ = _past(make)
    make.registration(occ, organization_id=org.id, attendance="present", seats=2, email="reader@example.org")
    make.registration(occ, name="Listattu Lumikki", show_on_participant_list=True, attendance="present")
    staff, reader = make.user("staff"), make.user("ngo", email="someone@example.org")
    assert client.get(f"/meetings/occurrences/{occ.id}/record").status_code == 404  # nothing yet
    login(staff)
    form = client.get(f"/meetings/occurrences/{occ.id}/record/edit").get_data(as_text=True)
    assert 'value="3"' in form and "Kontulan Asukkaat ry" in form  # prefilled from attendance
    refused = client.post(f"/meetings/occurrences/{occ.id}/record/edit",
                          data={"summary_sv": "Bara svenska", "action": "publish"})
    assert refused.status_code == 400 and "Bara svenska" in refused.get_data(as_text=True)
    response = client.post(f"/meetings/occurrences/{occ.id}/record/edit", data={
        "agenda_fi": "1. Avaus", "summary_fi": "Keskusteltiin avustuksista.", "attendees_count": "3",
        "organization_ids": [str(org.id)], "action": "publish"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(MeetingRecord.published_at)) is not None
        assert db.session.scalar(select(func.count(OutboxMessage.id)).filter_by(kind="record_published")) == 2
    client.post("/logout")
    page = client.get(f"/meetings/occurrences/{occ.id}/record?lang=sv").get_data(as_text=True)
    assert "Keskusteltiin avustuksista." in page and 'lang="fi"' in page  # Finnish fallback, marked
    assert "Kontulan Asukkaat ry" in page and "Listattu Lumikki" not in page  # people only for logged-in users
    login(reader)
    assert "Listattu Lumikki" in client.get(f"/meetings/occurrences/{occ.id}/record").get_data(as_text=True)
    assert client.get(f"/meetings/occurrences/{occ.id}/record/edit").status_code == 403


def test_materials_upload_refusals_download_and_delete(app, client, make, login):
    occ = _past(make)
    login(make.user("staff"))
    assert client.get(f"/meetings/occurrences/{occ.id}/materials").status_code == 200
    wrong = _upload(client, occ.id, b"MZ" + b"\x00" * 100, "slides.pdf", title="Kalvot")
    assert wrong.status_code == 415 and "Kalvot" in wrong.get_data(as_text=True)
    lying = _upload(client, occ.id, sample_png(), "slides.pdf")
    assert lying.status_code == 415
    app.config["MATERIALS_MAX_BYTES"] = 1000
    try:
        big = _upload(client, occ.id, sample_pdf() + b" " * 2000, "big.pdf")
    finally:
        app.config["MATERIALS_MAX_BYTES"] = 20 * 1024 * 1024
    assert big.status_code == 413 and 'name="file"' in big.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(MeetingAttachment.id))) == 0
    data = sample_pdf("Kalvot")
    assert _upload(client, occ.id, data, "kalvot.pdf", title="Kalvot", public_before_meeting="y").status_code == 302
    with app.app_context():
        attachment_id = db.session.scalar(select(MeetingAttachment.id))
    client.post("/logout")
    download = client.get(f"/materials/{attachment_id}/download")
    assert download.status_code == 200 and download.data == data
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;") and "kalvot.pdf" in \
        download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    library = client.get("/materials").get_data(as_text=True)
    assert "Kalvot" in library
    login(make.user("staff"))
    assert client.get(f"/materials/{attachment_id}/delete").status_code == 200  # asks first
    assert client.post(f"/materials/{attachment_id}/delete").status_code == 302
    assert client.get(f"/materials/{attachment_id}/download").status_code == 404


def test_oversized_request_body_is_413_with_the_form_again(app, client, make, login):
    occ = _past(make)
    login(make.user("staff"))
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = _upload(client, occ.id, b"x" * 5000, "huge.pdf")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'name="file"' in html and "20 MB" in html


def test_unpublished_files_are_hidden_until_the_record_is_published(app, client, make, login):
    occ = _past(make)
    staff = make.user("staff")
    login(staff)
    _upload(client, occ.id, sample_pdf(), "liite.pdf")
    with app.app_context():
        attachment_id = db.session.scalar(select(MeetingAttachment.id))
    client.post("/logout")
    assert client.get(f"/materials/{attachment_id}/download").status_code == 404
    assert "liite.pdf" not in client.get("/materials").get_data(as_text=True)
    login(staff)
    client.post(f"/meetings/occurrences/{occ.id}/record/edit", data={"summary_fi": "Pöytäkirja", "action": "publish"})
    client.post("/logout")
    assert client.get(f"/materials/{attachment_id}/download").status_code == 200


def test_library_filters_and_bad_filter_values(client, make):
    assert client.get("/materials").status_code == 200
    assert client.get("/materials?year=1999&series=0&theme=0").status_code == 400
    assert client.get("/materials?page=999").status_code == 200


def test_occurrence_page_links_to_the_record_once_there_is_one(client, make, login):
    occ = make.occurrence()
    assert f"/meetings/occurrences/{occ.id}/record" not in client.get(f"/meetings/occurrences/{occ.id}").get_data(
        as_text=True)
    login(make.user("staff"))
    client.post(f"/meetings/occurrences/{occ.id}/record/edit", data={"agenda_fi": "1. Avaus", "action": "save"})
    client.post("/logout")
    html = client.get(f"/meetings/occurrences/{occ.id}").get_data(as_text=True)
    assert f"/meetings/occurrences/{occ.id}/record" in html and "/materials" in html
    assert "1. Avaus" in client.get(f"/meetings/occurrences/{occ.id}/record").get_data(as_text=True)
