"""Meeting materials: upload (type read from the content, at most 20 MB), visibility, library.

The row is flushed first and the file written after it; the storage removes the file again if
the transaction does not commit (``storage.save_with_transaction``), so a failed upload leaves
neither a row nor a file behind.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import contains_eager

from app.core.audit import audit
from app.core.auth import require_staff
from app.core.types import utcnow
from app.errors import ValidationError
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, series_themes
from app.records import filetypes, storage
from app.records.models import MeetingAttachment, MeetingRecord

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HELSINKI = ZoneInfo("Europe/Helsinki")


def max_bytes() -> int:
    return int(current_app.config.get("MATERIALS_MAX_BYTES") or DEFAULT_MAX_BYTES)


def too_large_error() -> filetypes.FileTooLarge:
    limit = max_bytes() // (1024 * 1024)
    return filetypes.FileTooLarge(_l("The file is too large. The largest file accepted is %(n)d MB.", n=limit),
                                  field="file")


@dataclass
class Upload:
    filename: str | None
    data: bytes
    title: str | None = None
    public_before_meeting: bool = False


def upload_attachment(occurrence: MeetingOccurrence, upload: Upload, *, actor: Any,
                      now: datetime | None = None) -> MeetingAttachment:
    """Check and store one file of ``occurrence``; 413 / 415 / 422 errors store nothing."""
    now = now or utcnow()
    require_staff(actor)
    if len(upload.data) > max_bytes():
        raise too_large_error()
    if not upload.data:
        raise ValidationError(_l("Choose a file to upload."), field="file")
    kind = filetypes.detect(upload.data)
    filename = filetypes.clean_filename(upload.filename, kind)
    title = " ".join((upload.title or "").split()) or None
    if title and len(title) > 200:
        raise ValidationError(_l("At most 200 characters."), field="title")
    store = storage.get_storage()
    row = MeetingAttachment(occurrence_id=occurrence.id, title=title, filename=filename, content_type=kind.mime,
                            size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
                            storage_key=storage.new_key(), public_before_meeting=bool(upload.public_before_meeting),
                            uploaded_by_id=actor.id, created_at=now)
    db.session.add(row)
    db.session.flush()  # the row first: a refused row never leaves a file
    storage.save_with_transaction(db.session(), store, row.storage_key, upload.data)
    audit(actor, "attachment.upload", "meeting_attachment", row.id, occurrence_id=occurrence.id,
          filename=filename, size=row.size, content_type=kind.mime)
    return row


def delete_attachment(attachment: MeetingAttachment, *, actor: Any) -> None:
    """Remove the row now and the file once that is committed."""
    require_staff(actor)
    audit(actor, "attachment.delete", "meeting_attachment", attachment.id, occurrence_id=attachment.occurrence_id,
          filename=attachment.filename)
    storage.delete_after_commit(db.session(), storage.get_storage(), attachment.storage_key)
    db.session.delete(attachment)
    db.session.flush()


def open_attachment(attachment: MeetingAttachment):
    """A binary file object of the stored bytes."""
    return storage.get_storage().open(attachment.storage_key)


def attachments_for(occurrence_id: int) -> list[MeetingAttachment]:
    return list(db.session.scalars(select(MeetingAttachment).where(MeetingAttachment.occurrence_id == occurrence_id)
                                   .order_by(MeetingAttachment.id)))


def visible_clause(user: Any):
    """SQL: attachments ``user`` may download (needs the series and the record outer-joined)."""
    if getattr(user, "is_staff", False):
        return true()
    return and_(MeetingSeries.status != "draft",
                or_(MeetingAttachment.public_before_meeting.is_(True), MeetingRecord.published_at.is_not(None)))


def attachment_visible(attachment: MeetingAttachment, user: Any) -> bool:
    """Staff always; others when the meeting is public and the file is public before the meeting
    (agenda, slides) or its record is published."""
    if getattr(user, "is_staff", False):
        return True
    if attachment.occurrence.series.status == "draft":
        return False
    if attachment.public_before_meeting:
        return True
    record = db.session.scalar(select(MeetingRecord).where(MeetingRecord.occurrence_id == attachment.occurrence_id))
    return record is not None and record.is_published


def visible_for_occurrence(occurrence_id: int, user: Any) -> list[MeetingAttachment]:
    return [a for a in attachments_for(occurrence_id) if attachment_visible(a, user)]


def _year_window(year: int) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=HELSINKI), datetime(year + 1, 1, 1, tzinfo=HELSINKI))


def library_page(user: Any, *, page: int, per_page: int, series_id: int | None = None, theme_id: int | None = None,
                 year: int | None = None):
    """Materials across meetings that ``user`` may see, newest meeting first (paginated)."""
    query = (select(MeetingAttachment)
             .join(MeetingOccurrence, MeetingOccurrence.id == MeetingAttachment.occurrence_id)
             .join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
             .outerjoin(MeetingRecord, MeetingRecord.occurrence_id == MeetingOccurrence.id)
             .options(contains_eager(MeetingAttachment.occurrence).contains_eager(MeetingOccurrence.series))
             .where(visible_clause(user))
             .order_by(MeetingOccurrence.starts_at.desc(), MeetingAttachment.id))
    if series_id is not None:
        query = query.where(MeetingSeries.id == series_id)
    if theme_id is not None:
        query = query.where(MeetingSeries.id.in_(select(series_themes.c.series_id)
                                                  .where(series_themes.c.theme_id == theme_id)))
    if year is not None:
        start, end = _year_window(year)
        query = query.where(MeetingOccurrence.starts_at >= start, MeetingOccurrence.starts_at < end)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def library_years() -> list[int]:
    """Years (Helsinki time, roughly) that have materials, newest first."""
    starts = db.session.scalars(
        select(MeetingOccurrence.starts_at).join(MeetingAttachment, MeetingAttachment.occurrence_id
                                                 == MeetingOccurrence.id).distinct())
    return sorted({value.astimezone(HELSINKI).year for value in starts}, reverse=True)


def library_series() -> list[MeetingSeries]:
    """Public series that have materials (for the filter)."""
    return list(db.session.scalars(
        select(MeetingSeries).where(MeetingSeries.status != "draft", MeetingSeries.id.in_(
            select(MeetingOccurrence.series_id).join(MeetingAttachment,
                                                     MeetingAttachment.occurrence_id == MeetingOccurrence.id)))
        .order_by(MeetingSeries.title_fi)))


