"""Material pages: staff upload and delete; everyone downloads what they may see; the library."""
from __future__ import annotations

from app.core.paging import bounded_page

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.core.actions import act
from app.core.auth import role_required
from app.core.forms import populate_errors
from app.errors import DomainError
from app.extensions import db
from app.meetings.models import MeetingTheme
from app.records import materials
from app.records.filetypes import ACCEPT_ATTRIBUTE
from app.records.forms import AttachmentForm, ConfirmForm, LibraryFilterForm
from app.records.models import MeetingAttachment
from app.records.views import bp, visible_occurrence


def _render_materials(occurrence, form, status: int = 200):
    return render_template("records/materials.html", occurrence=occurrence, series=occurrence.series, form=form,
                           files=materials.attachments_for(occurrence.id), accept=ACCEPT_ATTRIBUTE,
                           delete_form=ConfirmForm(formdata=None)), status


def _show_error(form: AttachmentForm, error: DomainError) -> None:
    """The message next to the field, and once (not twice) in the summary at the top."""
    populate_errors(form, error)
    _once(form)


def _once(form: AttachmentForm) -> None:
    """A message placed next to a field is not repeated in the summary at the top."""
    placed = {str(m) for f in form for m in f.errors}
    form.form_errors = [m for m in form.form_errors if m not in placed]


@bp.route("/meetings/occurrences/<int:occurrence_id>/materials", methods=["GET", "POST"])
@role_required("staff")
def manage_materials(occurrence_id: int):
    """Upload files to a meeting; wrong type → 415, too large → 413, the form shown again."""
    occurrence = visible_occurrence(occurrence_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        result = act(lambda: materials.upload_attachment(occurrence, materials.Upload(
            filename=upload.filename if upload else None, data=data, title=form.title.data,
            public_before_meeting=form.public_before_meeting.data), actor=current_user), form=form)
        if not result.ok:
            _once(form)
            return _render_materials(occurrence, form, result.error.status)  # 413, 415 or 400
        flash(_("The file “%(name)s” was added.", name=result.value.label), "success")
        return redirect(url_for("records.manage_materials", occurrence_id=occurrence.id))
    return _render_materials(occurrence, form, 400 if form.is_submitted() else 200)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body over MAX_CONTENT_LENGTH is refused before it is read: show the form again with the limit."""
    if request.endpoint == "records.manage_materials":
        occurrence_id = (request.view_args or {}).get("occurrence_id")
        if occurrence_id is not None and getattr(current_user, "is_staff", False):
            occurrence = visible_occurrence(occurrence_id)
            form = AttachmentForm(formdata=None)
            _show_error(form, materials.too_large_error())
            return _render_materials(occurrence, form, 413)
    return render_template("errors/error.html", status=413, message=str(materials.too_large_error().message)), 413


@bp.route("/materials/<int:attachment_id>/delete", methods=["GET", "POST"])
@role_required("staff")
def delete_attachment(attachment_id: int):
    """Ask, then delete a file (the file itself goes once the deletion is committed)."""
    row = db.get_or_404(MeetingAttachment, attachment_id)
    occurrence = row.occurrence
    form = ConfirmForm()
    if form.validate_on_submit():
        name = row.label
        if act(lambda: materials.delete_attachment(row, actor=current_user)).ok:
            flash(_("The file “%(name)s” was deleted.", name=name), "success")
        return redirect(url_for("records.manage_materials", occurrence_id=occurrence.id))
    return render_template("records/delete_attachment.html", attachment=row, occurrence=occurrence,
                           series=occurrence.series, form=form)


@bp.get("/materials/<int:attachment_id>/download")
def download(attachment_id: int):
    """The exact bytes, always as a download; 404 for whoever may not see the file yet."""
    row = db.session.get(MeetingAttachment, attachment_id)
    if row is None or not materials.attachment_visible(row, current_user):
        abort(404)
    try:
        with materials.open_attachment(row) as handle:  # at most 20 MB: read whole, nothing left open
            data = handle.read()
    except (OSError, ValueError):
        current_app.logger.error("material file %s of attachment %s is missing", row.storage_key, row.id)
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=row.content_type, as_attachment=True,
                         download_name=row.filename, conditional=False, max_age=0)
    response.headers["Content-Length"] = str(len(data))
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Even if a browser displayed it, the file could run nothing and reach nothing.
    response.headers["Content-Security-Policy"] = ("default-src 'none'; script-src 'none'; object-src 'none'; "
                                                   "frame-ancestors 'none'; base-uri 'self'; sandbox")
    response.headers["Cache-Control"] = "private, no-store" if current_user.is_authenticated else "no-cache"
    return response


@bp.get("/materials")
def library():
    """Materials across meetings, filterable by series, theme and year (paginated)."""
    form = LibraryFilterForm(request.args)
    series = materials.library_series()
    themes = db.session.scalars(db.select(MeetingTheme).where(MeetingTheme.active.is_(True))
                                .order_by(MeetingTheme.position)).all()
    from app.core.i18n import localized

    form.series.choices = [(0, _("All series"))] + [(s.id, localized(s, "title")) for s in series]
    form.theme.choices = [(0, _("All themes"))] + [(t.id, localized(t, "name")) for t in themes]
    years = materials.library_years()
    form.year.choices = [(0, _("All years"))] + [(y, str(y)) for y in years]
    valid = form.validate()
    series_id = form.series.data if valid and form.series.data else None
    theme_id = form.theme.data if valid and form.theme.data else None
    year = form.year.data if valid and form.year.data else None
    page = bounded_page(request.args.get("page"))
    pagination = materials.library_page(current_user, page=page, per_page=current_app.config["PAGE_SIZE"],
                                        series_id=series_id, theme_id=theme_id, year=year)
    return render_template("records/library.html", form=form, pagination=pagination,
                           args={"series": series_id or "", "theme": theme_id or "", "year": year or ""}), (
        200 if valid else 400)


