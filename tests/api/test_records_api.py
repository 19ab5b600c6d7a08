"""Records and materials over the API (CONTRACT.md "Meeting records and materials")."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.records.samples import sample_pdf, sample_png

HELSINKI = ZoneInfo("Europe/Helsinki")


def _past(make):
    start = (datetime.now(HELSINKI) - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0,
                                                                 tzinfo=None)
    return make.occurrence(start_local=start)


def test_put_get_record_and_attachments(client, make):
    occ = _past(make)
    org = make.organization(name="Malmin Nuoret ry")
    make.registration(occ, organization_id=org.id, attendance="present")
    staff, ngo = make.auth("staff"), make.auth("ngo")
    url = f"/api/v1/occurrences/{occ.id}/record"
    assert client.put(url, json={"summary": {"fi": "x"}}, headers=ngo).status_code == 403
    assert client.put(url, json={"summary": {"sv": "bara"}}, headers=staff).status_code == 422
    draft = client.put(url, json={"summary": {"fi": "Pöytäkirja"}}, headers=staff)
    assert draft.status_code == 200 and draft.json["published"] is False
    assert draft.json["attendees_count"] == 1
    assert draft.json["attending_organizations"] == [{"id": org.id, "name": "Malmin Nuoret ry"}]
    assert client.get(url).status_code == 404  # not published yet
    slides = client.post(f"/api/v1/occurrences/{occ.id}/attachments", headers=staff,
                         data={"file": (io.BytesIO(sample_pdf()), "slides.pdf"), "title": "Kalvot",
                               "public_before_meeting": "true"}, content_type="multipart/form-data")
    assert slides.status_code == 201
    body = slides.json
    assert body["content_type"] == "application/pdf" and body["size"] == len(sample_pdf())
    assert body["url"].endswith(f"/materials/{body['id']}/download")
    download = client.get(body["url"].replace("http://kohtaamo.test", ""))
    assert download.data == sample_pdf() and download.headers["Content-Disposition"].startswith("attachment")
    published = client.put(url, json={"summary": {"fi": "Pöytäkirja", "en": "Minutes"}, "attendees_count": 12,
                                      "published": True}, headers=staff)
    assert published.status_code == 200 and published.json["published_at"]
    public = client.get(url)
    assert public.status_code == 200
    assert public.json["summary"]["en"] == "Minutes" and public.json["attendees_count"] == 12
    assert [a["id"] for a in public.json["attachments"]] == [body["id"]]
    assert client.delete(f"/api/v1/attachments/{body['id']}", headers=staff).status_code == 204
    assert client.delete(f"/api/v1/attachments/{body['id']}", headers=staff).status_code == 404


def test_upload_refusals(client, make, app):
    occ = _past(make)
    staff = make.auth("staff")
    url = f"/api/v1/occurrences/{occ.id}/attachments"

    def post(data, name):
        return client.post(url, headers=staff, data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")

    wrong = post(b"MZ" + b"\x00" * 100, "a.pdf")
    assert wrong.status_code == 415 and wrong.json["error"] == "unsupported_media_type"
    assert post(sample_png(), "a.pdf").status_code == 415
    assert client.post(url, headers=staff, json={"file": "x"}).status_code == 415
    assert client.post(url, headers=staff, data={"other": "x"}, content_type="multipart/form-data").status_code == 400
    app.config["MATERIALS_MAX_BYTES"] = 500
    try:
        big = post(sample_pdf() + b" " * 600, "a.pdf")
    finally:
        app.config["MATERIALS_MAX_BYTES"] = 20 * 1024 * 1024
    assert big.status_code == 413 and big.json["error"] == "too_large" and big.json["fields"]["file"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        huge = post(b"x" * 5000, "a.pdf")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert huge.status_code == 413 and huge.json["error"] == "too_large" and huge.json["fields"]["file"]
    assert client.post("/api/v1/occurrences/999999/attachments", headers=staff,
                       data={"file": (io.BytesIO(sample_pdf()), "a.pdf")},
                       content_type="multipart/form-data").status_code == 404


def test_openapi_describes_the_new_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    upload = spec["paths"]["/occurrences/{occurrence_id}/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "413", "415"} <= set(upload["responses"])
    assert {"get", "put"} <= set(spec["paths"]["/occurrences/{occurrence_id}/record"])
    assert {"post", "delete"} <= set(spec["paths"]["/outcomes/{outcome_id}/followers"])
