"""Meeting records and materials in GDPR requests.

What a staff member wrote or uploaded belongs to the meeting, not to the person, so erasure removes
only the link to the person (``created_by`` / ``published_by`` / ``uploaded_by``). Attendees appear
in a record only as an organisation or, when they opted in, through their registration (erased there).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update

from app.core.personal_data import PersonalDataSource, Subject, iso, register_source
from app.extensions import db
from app.records.models import MeetingAttachment, MeetingRecord


def _export_records(subject: Subject) -> dict[str, Any] | None:
    if subject.user is None:
        return None
    uid = subject.user.id
    records = db.session.scalars(select(MeetingRecord).where(
        or_(MeetingRecord.created_by_id == uid, MeetingRecord.published_by_id == uid)).order_by(MeetingRecord.id)).all()
    files = db.session.scalars(select(MeetingAttachment).where(MeetingAttachment.uploaded_by_id == uid)
                               .order_by(MeetingAttachment.id)).all()
    if not records and not files:
        return None
    return {"records": [{"id": r.id, "occurrence_id": r.occurrence_id, "created_by_me": r.created_by_id == uid,
                         "published_by_me": r.published_by_id == uid, "published_at": iso(r.published_at)}
                        for r in records],
            "materials_uploaded": [{"id": f.id, "occurrence_id": f.occurrence_id, "filename": f.filename,
                                    "created_at": iso(f.created_at)} for f in files]}


def _erase_records(subject: Subject, *, actor: Any, now: datetime) -> int:
    if subject.user is None:
        return 0
    uid = subject.user.id
    changed = 0
    for column in (MeetingRecord.created_by_id, MeetingRecord.published_by_id):
        changed += db.session.execute(update(MeetingRecord).where(column == uid).values({column.key: None})
                                      .execution_options(synchronize_session=False)).rowcount or 0
    changed += db.session.execute(update(MeetingAttachment).where(MeetingAttachment.uploaded_by_id == uid)
                                  .values(uploaded_by_id=None)
                                  .execution_options(synchronize_session=False)).rowcount or 0
    return changed


register_source(PersonalDataSource("meeting_records", _export_records, _erase_records, order=40))
