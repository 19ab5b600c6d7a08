"""Meeting records: agenda before the meeting, minutes after it, who took part, topics discussed.

Plain functions with explicit ``actor`` and ``now``; they flush and raise ``DomainError``s, the
caller commits. Publishing mails the registrants once: ``notified_at`` is claimed with
``UPDATE ... WHERE notified_at IS NULL`` so two staff members publishing at once send one mail each
registrant, not two.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organization
from app.core.audit import audit
from app.core.auth import require_staff
from app.core.i18n import LANGUAGES
from app.core.types import utcnow
from app.errors import ValidationError
from app.extensions import db
from app.feedback.models import TopicProposal
from app.meetings.models import MeetingOccurrence, Registration
from app.records.models import MeetingRecord
from app.records.notifications import mail_record_published
from app.feedback.statuses import TopicStatus

MAX_TEXT = 20000
MAX_ATTENDEES = 100000


@dataclass
class RecordData:
    """What staff write; ``None`` for a list or the count means "leave as it is"."""

    agenda: dict[str, str | None] = field(default_factory=dict)
    summary: dict[str, str | None] = field(default_factory=dict)
    attendees_count: int | None = None
    organization_ids: list[int] | None = None
    topic_ids: list[int] | None = None
    # Only the languages given are changed (the API's PUT may send the minutes alone).
    set_agenda: bool = True
    set_summary: bool = True


def record_for(occurrence_id: int) -> MeetingRecord | None:
    """The occurrence's record, or None."""
    return db.session.scalar(select(MeetingRecord).where(MeetingRecord.occurrence_id == occurrence_id))


def prefill(occurrence: MeetingOccurrence) -> dict[str, Any]:
    """Suggestions from the attendance list: the attendee count, the organisations present, and
    the topics taken up on this occurrence's agenda. Three queries."""
    rows = db.session.execute(
        select(Registration.attendance, func.coalesce(func.sum(Registration.seats), 0))
        .where(Registration.occurrence_id == occurrence.id, Registration.status == "confirmed")
        .group_by(Registration.attendance)).all()
    seats = {attendance: int(total) for attendance, total in rows}
    marked = any(key is not None for key in seats)
    attendees = seats.get("present", 0) if marked else sum(seats.values())
    org_query = (select(Registration.organization_id).distinct()
                 .where(Registration.occurrence_id == occurrence.id, Registration.status == "confirmed",
                        Registration.organization_id.is_not(None)))
    if marked:
        org_query = org_query.where(Registration.attendance == "present")
    organization_ids = sorted(db.session.scalars(org_query))
    topic_ids = sorted(db.session.scalars(
        select(TopicProposal.id).where(
            TopicProposal.status == TopicStatus.TAKEN_UP,
            or_(TopicProposal.linked_occurrence_id == occurrence.id,
                (TopicProposal.linked_occurrence_id.is_(None)) & (TopicProposal.occurrence_id == occurrence.id)))))
    return {"attendees_count": attendees, "organization_ids": organization_ids, "topic_ids": topic_ids}


def topic_choices(occurrence: MeetingOccurrence) -> list[TopicProposal]:
    """Topics that may be linked: those of the occurrence's series (proposed for it or any date)."""
    return list(db.session.scalars(
        select(TopicProposal).outerjoin(MeetingOccurrence, MeetingOccurrence.id == TopicProposal.occurrence_id)
        .where(func.coalesce(TopicProposal.series_id, MeetingOccurrence.series_id) == occurrence.series_id)
        .order_by(TopicProposal.created_at.desc(), TopicProposal.id.desc()).limit(200)))


def organization_choices(occurrence: MeetingOccurrence, selected: list[int]) -> list[Organization]:
    """Organisations with a confirmed registration to the occurrence, plus those already chosen."""
    registered = select(Registration.organization_id).where(
        Registration.occurrence_id == occurrence.id, Registration.status == "confirmed",
        Registration.organization_id.is_not(None))
    return list(db.session.scalars(
        select(Organization).where(or_(Organization.id.in_(registered), Organization.id.in_(selected or [0])))
        .order_by(Organization.name)))


def _clean_texts(values: dict[str, str | None], label: str, errors: dict[str, list[Any]]) -> dict[str, str | None]:
    cleaned = {}
    for lang in LANGUAGES:
        value = (values.get(lang) or "").replace("\r\n", "\n").strip() or None
        if value and len(value) > MAX_TEXT:
            errors.setdefault(f"{label}_{lang}", []).append(_l("At most %(n)d characters.", n=MAX_TEXT))
        cleaned[lang] = value
    return cleaned


def ensure_record(occurrence: MeetingOccurrence, *, actor: Any, now: datetime) -> MeetingRecord:
    """The occurrence's record, created (prefilled from attendance) on first use.

    Two staff members creating it at once meet at the unique ``occurrence_id``: the loser's
    savepoint is rolled back and it edits the winner's record.
    """
    record = record_for(occurrence.id)
    if record is not None:
        return record
    suggestions = prefill(occurrence)
    try:
        with db.session.begin_nested():
            record = MeetingRecord(occurrence_id=occurrence.id, created_by_id=getattr(actor, "id", None),
                                   created_at=now, updated_at=now)
            if occurrence.starts_at <= now:
                record.attendees_count = suggestions["attendees_count"]
            db.session.add(record)
            db.session.flush()
            record.organizations = list(db.session.scalars(
                select(Organization).where(Organization.id.in_(suggestions["organization_ids"] or [0]))))
            record.topics = list(db.session.scalars(
                select(TopicProposal).where(TopicProposal.id.in_(suggestions["topic_ids"] or [0]))))
            db.session.flush()
    except IntegrityError:
        record = record_for(occurrence.id)
        if record is None:
            raise
    return record


def save_record(occurrence: MeetingOccurrence, data: RecordData, *, actor: Any, publish: bool | None = None,
                now: datetime | None = None) -> MeetingRecord:
    """Save the agenda / minutes; ``publish`` True publishes, False takes it back to draft, None keeps it.

    Publishing needs the Finnish minutes and a meeting that has started; the first publication
    mails the confirmed registrants in their language.
    """
    now = now or utcnow()
    require_staff(actor)
    checked = _check_record(occurrence, data, publish=publish, now=now)
    record = ensure_record(occurrence, actor=actor, now=now)
    _apply_record(record, data, checked)
    was_published = record.is_published
    if publish is True and not was_published:
        record.published_at = now
        record.published_by_id = actor.id
    elif publish is False:
        record.published_at = None
        record.published_by_id = None
    record.updated_at = now
    db.session.flush()
    action = "record.publish" if publish and not was_published else (
        "record.unpublish" if publish is False and was_published else "record.save")
    audit(actor, action, "meeting_record", record.id, occurrence_id=occurrence.id)
    if record.is_published and record.notified_at is None:
        _notify_registrants_once(record, occurrence, now)
    return record


@dataclass
class _CheckedRecord:
    agenda: dict[str, str | None]
    summary: dict[str, str | None]
    organizations: list[Organization] | None
    topics: list[TopicProposal] | None


def _check_record(occurrence: MeetingOccurrence, data: RecordData, *, publish: bool | None,
                  now: datetime) -> _CheckedRecord:
    """Every field error at once (``ValidationError``); the cleaned texts and the chosen rows."""
    errors: dict[str, list[Any]] = {}
    agenda = _clean_texts(data.agenda, "agenda", errors)
    summary = _clean_texts(data.summary, "summary", errors)
    if data.attendees_count is not None and not 0 <= data.attendees_count <= MAX_ATTENDEES:
        errors.setdefault("attendees_count", []).append(
            _l("Enter a number from 0 to %(n)d.", n=MAX_ATTENDEES))
    organizations = topics = None
    if data.organization_ids is not None:
        wanted = set(data.organization_ids)
        organizations = list(db.session.scalars(select(Organization).where(Organization.id.in_(wanted or {0}))))
        if len(organizations) != len(wanted):
            errors.setdefault("organization_ids", []).append(_l("Choose organisations from the list."))
    if data.topic_ids is not None:
        allowed = {t.id: t for t in topic_choices(occurrence)}
        if not set(data.topic_ids) <= set(allowed):
            errors.setdefault("topic_ids", []).append(_l("Choose topics of this meeting series."))
        topics = [allowed[i] for i in data.topic_ids if i in allowed]
    record = record_for(occurrence.id)
    final_summary_fi = summary["fi"] if data.set_summary else (record.summary_fi if record else None)
    if publish and not final_summary_fi:
        errors.setdefault("summary_fi", []).append(_l("Write the minutes in Finnish before publishing."))
    if publish and occurrence.starts_at > now:
        errors.setdefault("summary_fi", []).append(_l("The record can be published once the meeting has started."))
    if errors:
        raise ValidationError(_l("Check the record."), fields=errors)
    return _CheckedRecord(agenda, summary, organizations, topics)


def _apply_record(record: MeetingRecord, data: RecordData, checked: _CheckedRecord) -> None:
    for lang in LANGUAGES:
        if data.set_agenda:
            setattr(record, f"agenda_{lang}", checked.agenda[lang])
        if data.set_summary:
            setattr(record, f"summary_{lang}", checked.summary[lang])
    if data.attendees_count is not None:
        record.attendees_count = data.attendees_count
    if checked.organizations is not None:
        record.organizations = checked.organizations
    if checked.topics is not None:
        record.topics = checked.topics


def _notify_registrants_once(record: MeetingRecord, occurrence: MeetingOccurrence, now: datetime) -> int:
    claimed = db.session.execute(
        update(MeetingRecord).where(MeetingRecord.id == record.id, MeetingRecord.notified_at.is_(None))
        .values(notified_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return 0
    record.notified_at = now
    registrations = db.session.scalars(
        select(Registration).where(Registration.occurrence_id == occurrence.id, Registration.status == "confirmed",
                                   Registration.anonymised_at.is_(None))
        .order_by(Registration.id)).all()
    seen: set[str] = set()
    sent = 0
    for registration in registrations:
        if registration.email in seen:
            continue
        seen.add(registration.email)
        mail_record_published(registration, occurrence)
        sent += 1
    return sent


def public_people(occurrence: MeetingOccurrence) -> list[tuple[str, str]]:
    """(name, organisation) of people who took part and chose to appear on the participant list."""
    from app.meetings.registrations import public_participants

    return public_participants(occurrence)
