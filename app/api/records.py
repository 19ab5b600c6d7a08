"""/api/v1 meeting records and materials (CONTRACT.md "Meeting records and materials")."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import schemas
from app.api.core import bp, endpoint
from app.errors import BadRequest, NotFound
from app.extensions import db
from app.meetings.models import MeetingOccurrence
from app.outcomes import services as outcome_services
from app.core.personal_data import iso
from app.records import materials, services
from app.records.filetypes import UnsupportedFileType
from app.records.models import MeetingAttachment, MeetingRecord
from app.core.urls import external_url


class RequiredText(schemas.ApiModel):
    fi: str = Field(min_length=1, max_length=services.MAX_TEXT, description="Finnish (required)")
    sv: str | None = Field(default=None, max_length=services.MAX_TEXT, description="Swedish (falls back to Finnish)")
    en: str | None = Field(default=None, max_length=services.MAX_TEXT, description="English (falls back to Finnish)")


class OptionalText(schemas.ApiModel):
    fi: str | None = Field(default=None, max_length=services.MAX_TEXT)
    sv: str | None = Field(default=None, max_length=services.MAX_TEXT)
    en: str | None = Field(default=None, max_length=services.MAX_TEXT)


class RecordIn(schemas.ApiModel):
    summary: RequiredText = Field(description="The minutes")
    attendees_count: int | None = Field(default=None, ge=0, le=services.MAX_ATTENDEES,
                                        description="Default: filled in from the attendance list")
    published: bool = Field(default=False, description="true publishes (registrants are mailed once); "
                                                       "false keeps or takes the record back to draft")
    agenda: OptionalText | None = Field(default=None, description="The agenda shown before the meeting")
    organization_ids: list[int] | None = Field(default=None, description="Attending organisations "
                                                                          "(default: from the attendance list)")
    topic_ids: list[int] | None = Field(default=None, description="Topics discussed (default: those taken up)")


class Named(BaseModel):
    id: int
    name: str


class TopicRef(BaseModel):
    id: int
    title: str
    status: str


class AttachmentOut(BaseModel):
    id: int
    filename: str
    title: str | None = None
    content_type: str
    size: int
    url: str = Field(description="Downloads the exact bytes (Content-Disposition: attachment)")
    public_before_meeting: bool = False
    created_at: str | None = None


class OutcomeRef(BaseModel):
    id: int
    title: dict[str, str | None]
    status: str


class RecordOut(BaseModel):
    occurrence_id: int
    summary: dict[str, str | None]
    agenda: dict[str, str | None]
    attendees_count: int | None
    attending_organizations: list[Named]
    attachments: list[AttachmentOut]
    topics: list[TopicRef]
    outcomes: list[OutcomeRef]
    published: bool
    published_at: str | None


def _texts(obj: Any, field: str) -> dict[str, str | None]:
    return {lang: getattr(obj, f"{field}_{lang}", None) for lang in ("fi", "sv", "en")}


def attachment_json(row: MeetingAttachment) -> dict[str, Any]:
    return {"id": row.id, "filename": row.filename, "title": row.title, "content_type": row.content_type,
            "size": row.size, "url": external_url("records.download", attachment_id=row.id),
            "public_before_meeting": row.public_before_meeting, "created_at": iso(row.created_at)}


def record_json(record: MeetingRecord, user: Any) -> dict[str, Any]:
    topics = list(record.topics)
    outcomes = outcome_services.outcomes_for_occurrence(record.occurrence_id, [t.id for t in topics])
    return {"occurrence_id": record.occurrence_id, "summary": _texts(record, "summary"),
            "agenda": _texts(record, "agenda"), "attendees_count": record.attendees_count,
            "attending_organizations": [{"id": o.id, "name": o.name} for o in record.organizations],
            "attachments": [attachment_json(a) for a in materials.visible_for_occurrence(record.occurrence_id, user)],
            "topics": [{"id": t.id, "title": t.title, "status": t.status} for t in topics],
            "outcomes": [{"id": o.id, "title": _texts(o, "title"), "status": o.status} for o in outcomes],
            "published": record.is_published, "published_at": iso(record.published_at)}


def _occurrence(occurrence_id: int) -> MeetingOccurrence:
    occurrence = db.session.get(MeetingOccurrence, occurrence_id)
    if occurrence is None:
        raise NotFound(_l("The meeting was not found."))
    return occurrence


@endpoint("/occurrences/<int:occurrence_id>/record", "PUT", summary="Write (and publish) an occurrence's record",
          tag="records", role="staff", body=RecordIn, responses={200: RecordOut, 404: schemas.Error, 422: schemas.Error})
def put_record(user, occurrence_id: int, data: RecordIn):
    occurrence = _occurrence(occurrence_id)
    record = services.save_record(occurrence, services.RecordData(
        agenda=data.agenda.model_dump() if data.agenda else {}, summary=data.summary.model_dump(),
        attendees_count=data.attendees_count, organization_ids=data.organization_ids, topic_ids=data.topic_ids,
        set_agenda=data.agenda is not None), actor=user, publish=data.published)
    return record_json(record, user)


@endpoint("/occurrences/<int:occurrence_id>/record", "GET", summary="An occurrence's record (public once published)",
          tag="records", responses={200: RecordOut, 404: schemas.Error})
def get_record(user, occurrence_id: int):
    occurrence = _occurrence(occurrence_id)
    record = services.record_for(occurrence.id)
    is_staff = getattr(user, "is_staff", False)
    if record is None or not (is_staff or (record.is_published and occurrence.series.status != "draft")):
        raise NotFound(_l("The meeting has no published record."))
    return record_json(record, user)


UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "PDF, docx/xlsx/pptx, odt/ods/odp, PNG, JPEG, GIF or WebP; at most 20 MB; "
                                "the type is read from the content"},
        "title": {"type": "string", "maxLength": 200},
        "public_before_meeting": {"type": "boolean", "description": "Agenda, slides: public before the meeting"}}}}}}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@endpoint("/occurrences/<int:occurrence_id>/attachments", "POST", summary="Upload a material file",
          tag="records", role="staff", request_body=UPLOAD_BODY,
          responses={201: AttachmentOut, 400: schemas.Error, 404: schemas.Error, 413: schemas.Error,
                     415: schemas.Error, 422: schemas.Error})
def upload_attachment(user, occurrence_id: int):
    occurrence = _occurrence(occurrence_id)
    if request.mimetype != "multipart/form-data":
        raise UnsupportedFileType(_l("Send the file as multipart/form-data in a field named “file”."))
    try:
        upload = request.files.get("file")
        form = request.form
    except RequestEntityTooLarge:
        raise materials.too_large_error() from None
    if upload is None:
        raise BadRequest(_l("Send the file in a field named “file”."), field="file")
    row = materials.upload_attachment(occurrence, materials.Upload(
        filename=upload.filename, data=upload.read(materials.max_bytes() + 1), title=form.get("title"),
        public_before_meeting=_flag(form.get("public_before_meeting"))), actor=user)
    return attachment_json(row), 201


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body over MAX_CONTENT_LENGTH is refused before it is read; an upload is told the file limit."""
    from flask import jsonify

    from app.errors import _http_message

    if request.endpoint == "api.records_upload_attachment":
        return jsonify(materials.too_large_error().to_json()), 413
    return jsonify({"error": "too_large", "message": _http_message(413)}), 413


@endpoint("/attachments/<int:attachment_id>", "DELETE", summary="Delete a material file", tag="records",
          role="staff", responses={204: None, 404: schemas.Error})
def delete_attachment(user, attachment_id: int):
    row = db.session.get(MeetingAttachment, attachment_id)
    if row is None:
        raise NotFound(_l("The file was not found."))
    materials.delete_attachment(row, actor=user)
    return None, 204


