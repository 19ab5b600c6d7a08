"""Record pages: the public record of a meeting (agenda, minutes, who took part, materials),
and the staff editor (draft → publish)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from app.core.actions import act
from app.core.auth import role_required
from app.core.i18n import current_language
from app.core.types import utcnow
from app.extensions import db
from app.meetings.models import MeetingOccurrence
from app.records import materials, services
from app.records.filetypes import KIND_BY_EXTENSION, SIGNATURE_KINDS
from app.records.forms import RecordForm
from app.records.statuses import RecordStatus

bp = Blueprint("records", __name__)

KIND_LABELS = {kind.mime: kind.label for kind in KIND_BY_EXTENSION.values()} | {
    mime: kind.label for mime, kind in SIGNATURE_KINDS.items()}


def text_in_language(obj: Any, field: str) -> tuple[str, str]:
    """(text, language it is in): the reader's language, else Finnish (marked with lang= on the page)."""
    lang = current_language()
    value = getattr(obj, f"{field}_{lang}", None)
    if value:
        return value, lang
    return getattr(obj, f"{field}_fi", None) or "", "fi"


def file_size(size: int) -> str:
    """1,2 Mt / 1,2 MB / 340 kt, in the reader's locale."""
    if size >= 1024 * 1024:
        return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(n)s kB", n=format_decimal(max(1, round(size / 1024))))


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"text_in_language": text_in_language, "file_size": file_size,
            "file_kind": lambda mime: KIND_LABELS.get(mime, mime), "record_available": record_available,
            "RecordStatus": RecordStatus}


def record_available(occurrence: MeetingOccurrence) -> bool:
    """Whether the record page has something to show this visitor (so the meeting page links to it)."""
    if getattr(current_user, "is_staff", False):
        return True
    row = services.record_for(occurrence.id)
    if row is not None and (row.is_published or row.agenda_fi):
        return True
    return bool(materials.visible_for_occurrence(occurrence.id, current_user))


def visible_occurrence(occurrence_id: int) -> MeetingOccurrence:
    """The occurrence, 404 when it does not exist or its series is a draft (for non-staff)."""
    occurrence = db.get_or_404(MeetingOccurrence, occurrence_id)
    if occurrence.series.status == "draft" and not getattr(current_user, "is_staff", False):
        abort(404)
    return occurrence


@bp.get("/meetings/occurrences/<int:occurrence_id>/record")
def record(occurrence_id: int):
    """The meeting's record: agenda before it, minutes and who took part once published."""
    occurrence = visible_occurrence(occurrence_id)
    row = services.record_for(occurrence.id)
    is_staff = getattr(current_user, "is_staff", False)
    published = row is not None and row.is_published
    files = materials.visible_for_occurrence(occurrence.id, current_user)
    has_agenda = row is not None and bool(row.agenda_fi)
    if not (is_staff or published or has_agenda or files):
        abort(404)
    suggestions = services.prefill(occurrence) if row is None else None
    topics = list(row.topics) if row is not None else _topics(suggestions["topic_ids"])
    people = services.public_people(occurrence) if published and current_user.is_authenticated else None
    return render_template("records/record.html", occurrence=occurrence, series=occurrence.series, record=row,
                           published=published, files=files, topics=topics, people=people,
                           started=occurrence.starts_at <= utcnow())


def _topics(ids: list[int]):
    from sqlalchemy import select

    from app.feedback.models import TopicProposal

    return list(db.session.scalars(select(TopicProposal).where(TopicProposal.id.in_(ids or [0]))
                                   .order_by(TopicProposal.title)))


@bp.route("/meetings/occurrences/<int:occurrence_id>/record/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(occurrence_id: int):
    """Write the agenda and the minutes; save as a draft, publish, or take back to draft."""
    occurrence = visible_occurrence(occurrence_id)
    row = services.record_for(occurrence.id)
    form = RecordForm(obj=row)
    suggestions = services.prefill(occurrence)
    if not form.is_submitted():
        if row is None:
            form.organization_ids.data = suggestions["organization_ids"]
            form.topic_ids.data = suggestions["topic_ids"]
            if occurrence.starts_at <= utcnow():
                form.attendees_count.data = suggestions["attendees_count"]
        else:
            form.organization_ids.data = [o.id for o in row.organizations]
            form.topic_ids.data = [t.id for t in row.topics]
    selected_orgs = list(form.organization_ids.data or [])
    form.organization_ids.choices = [(o.id, o.name) for o in services.organization_choices(occurrence, selected_orgs)]
    form.topic_ids.choices = [(t.id, t.title) for t in services.topic_choices(occurrence)]
    if form.validate_on_submit():
        action = request.form.get("action", "save")
        publish = {"publish": True, "unpublish": False}.get(action)
        data = services.RecordData(
            agenda={lang: getattr(form, f"agenda_{lang}").data for lang in ("fi", "sv", "en")},
            summary={lang: getattr(form, f"summary_{lang}").data for lang in ("fi", "sv", "en")},
            attendees_count=form.attendees_count.data, organization_ids=form.organization_ids.data or [],
            topic_ids=form.topic_ids.data or [])
        result = act(lambda: services.save_record(occurrence, data, actor=current_user, publish=publish), form=form)
        if result.ok:
            saved = result.value
            if publish is True:
                flash(_("The record was published. Registrants were told by email."), "success")
            elif publish is False:
                flash(_("The record was taken back to draft."), "success")
            else:
                flash(_("The record was saved.") if not saved.is_published else _("The published record was updated."),
                      "success")
            return redirect(url_for("records.record", occurrence_id=occurrence.id))
    status = 400 if form.is_submitted() else 200
    return render_template("records/edit.html", occurrence=occurrence, series=occurrence.series, record=row,
                           form=form, started=occurrence.starts_at <= utcnow(),
                           files=materials.attachments_for(occurrence.id)), status
