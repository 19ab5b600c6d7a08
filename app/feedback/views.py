"""Feedback pages: the participant's questionnaire (personal link) and staff form editing and results."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user
from sqlalchemy import func, select

from app.core.actions import act
from app.core.paging import bounded_page
from app.core.auth import role_required
from app.core.database import writes
from app.core.i18n import LANGUAGES, current_language
from app.core.types import utcnow
from app.extensions import db
from app.feedback import services
from app.feedback.forms import CreateForm, FormSettingsForm, QuestionForm, question_kind_choices
from app.feedback.models import FeedbackForm, FeedbackQuestion, FeedbackResponse
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

def rating_labels() -> dict[int, str]:
    """Text labels of the 1–5 scale, so that a number is never the only cue."""
    return {1: _("1 – very poor"), 2: _("2 – poor"), 3: _("3 – fair"), 4: _("4 – good"), 5: _("5 – excellent")}


# --------------------------------------------------------------------------- participant

def _use_invitation_language(invitation) -> None:
    """The registrant's language unless they chose another one (?lang= or the language menu)."""
    if request.args.get("lang") in LANGUAGES or session.get("lang") in LANGUAGES:
        return
    session["lang"] = invitation.locale if invitation.locale in LANGUAGES else "fi"
    refresh()


def _raw_from_request(questions) -> dict[int, Any]:
    raw: dict[int, Any] = {}
    for question in questions:
        name = f"q{question.id}"
        raw[question.id] = request.form.getlist(name) if question.kind == "multiple" else request.form.get(name)
    return raw


class _AnswerSheet:
    """Stands in for a form in ``act``: the questionnaire is not a WTForm, it shows the service's
    errors (keyed ``q<id>``) next to its questions itself."""

    form_errors: list[str] = []


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str):
    invitation = services.invitation_for_token(token)  # 404 page for a tampered or unknown link
    _use_invitation_language(invitation)
    now = utcnow()
    occurrence = invitation.occurrence
    context = {"invitation": invitation, "occurrence": occurrence, "series": occurrence.series, "token": token}
    if services.is_closed(invitation, now):
        return render_template("feedback/closed.html", **context), 410
    form = services.load_form(invitation.form_id)
    theme_options = services.active_theme_options()
    response = services.response_for_invitation(invitation)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        raw = _raw_from_request(form.questions)
        result = act(lambda: services.submit_response(invitation, raw, locale=current_language(), now=now),
                     form=_AnswerSheet())
        if result.ok:
            return redirect(url_for("feedback.thanks", token=token))
        if result.error.code == "closed":
            return render_template("feedback/closed.html", **context), 410
        errors = {k: [str(m) for m in v] for k, v in result.error.fields.items()}
        status = result.status
        # The form is re-shown with everything the person entered, valid or not.
        values = raw
    else:
        values = services.answers_as_raw(response)
    questions = [{"q": q, "options": services.effective_options(q, theme_options)} for q in form.questions]
    return render_template("feedback/answer.html", form=form, questions=questions, values=values, errors=errors,
                           already=response is not None, rating_labels=rating_labels(),
                           option_label=services.option_label, **context), status


@bp.get("/<token>/thanks")
def thanks(token: str):
    invitation = services.invitation_for_token(token)
    _use_invitation_language(invitation)
    occurrence = invitation.occurrence
    return render_template("feedback/thanks.html", invitation=invitation, occurrence=occurrence,
                           series=occurrence.series, token=token,
                           closed=services.is_closed(invitation, utcnow()))


# --------------------------------------------------------------------------- staff

@bp.get("/")
@role_required("staff")
def index():
    """Series with their feedback forms and response counts."""
    page = bounded_page(request.args.get("page"))
    responses = (select(func.count(FeedbackResponse.id)).join(FeedbackForm, FeedbackForm.id == FeedbackResponse.form_id)
                 .where(FeedbackForm.series_id == MeetingSeries.id).correlate(MeetingSeries).scalar_subquery())
    query = (select(MeetingSeries, FeedbackForm, responses.label("responses"))
             .outerjoin(FeedbackForm, FeedbackForm.series_id == MeetingSeries.id)
             .where(MeetingSeries.status != "cancelled")
             .order_by(MeetingSeries.start_local.desc(), MeetingSeries.id.desc()))
    total = db.session.scalar(select(func.count(MeetingSeries.id)).where(MeetingSeries.status != "cancelled")) or 0
    per_page = current_app.config["PAGE_SIZE"]
    page = max(page, 1)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    pages = max((total + per_page - 1) // per_page, 1)
    return render_template("feedback/index.html", rows=rows, page=page, pages=pages, total=total)


def _series_or_404(series_id: int) -> MeetingSeries:
    return db.get_or_404(MeetingSeries, series_id)


def _theme_choices() -> list[tuple[int, str]]:
    from app.core.i18n import localized

    themes = db.session.scalars(select(MeetingTheme).order_by(MeetingTheme.position, MeetingTheme.id))
    return [(0, _("No theme"))] + [(t.id, localized(t, "name")) for t in themes]


@bp.route("/series/<int:series_id>", methods=["GET", "POST"])
@role_required("staff")
@writes  # the explicit "Create the feedback form" button (POST); a GET never creates it
def edit_form(series_id: int):
    """The form editor: settings and the list of questions."""
    series = _series_or_404(series_id)
    form = services.form_for_series(series.id)
    if form is None:
        # Looking (GET) never creates anything; the explicit "Create the feedback form" button does.
        if request.method == "POST" and CreateForm().validate_on_submit():
            if act(lambda: services.ensure_form(series, actor=current_user)).ok:
                flash(_("The feedback form was created with the default questions."), "success")
            return redirect(url_for("feedback.edit_form", series_id=series.id))
        status = 400 if request.method == "POST" else 200
        return render_template("feedback/no_form.html", series=series, create_form=CreateForm()), status
    settings = FormSettingsForm(obj=form)
    if settings.validate_on_submit():
        result = act(lambda: services.update_form_settings(form, services.FormSettings(
            anonymous=settings.anonymous.data, enabled=settings.enabled.data,
            open_days=settings.open_days.data, send_after_hours=settings.send_after_hours.data,
            remind_after_days=settings.remind_after_days.data,
            intro={lang: getattr(settings, f"intro_{lang}").data for lang in LANGUAGES}), actor=current_user),
            form=settings)
        if result.ok:
            flash(_("The feedback settings were saved."), "success")
            return redirect(url_for("feedback.edit_form", series_id=series.id))
    form = services.load_form(form.id)
    status = 400 if settings.is_submitted() else 200
    return render_template("feedback/edit_form.html", series=series, form=form, settings=settings,
                           kinds=dict(question_kind_choices())), status


def _question_form(question: FeedbackQuestion | None = None) -> QuestionForm:
    qform = QuestionForm(obj=question) if question is not None else QuestionForm()
    qform.kind.choices = question_kind_choices()
    qform.theme_id.choices = _theme_choices()
    if question is not None and not qform.is_submitted():
        qform.options.data = services.options_as_text(question.options)
        qform.theme_id.data = question.theme_id or 0
    return qform


def _question_data(qform: QuestionForm) -> services.QuestionData:
    return services.QuestionData(
        kind=qform.kind.data, text={lang: getattr(qform, f"text_{lang}").data for lang in LANGUAGES},
        required=qform.required.data, options=services.parse_options_text(qform.options.data or ""),
        options_from_themes=qform.options_from_themes.data, theme_id=qform.theme_id.data or None)


@bp.route("/series/<int:series_id>/questions/new", methods=["GET", "POST"])
@role_required("staff")
def new_question(series_id: int):
    series = _series_or_404(series_id)
    form = services.form_for_series(series.id)
    if form is None:
        return redirect(url_for("feedback.edit_form", series_id=series.id))
    qform = _question_form()
    if qform.validate_on_submit() and act(lambda: services.add_question(form, _question_data(qform),
                                                                       actor=current_user), form=qform).ok:
        flash(_("The question was added."), "success")
        return redirect(url_for("feedback.edit_form", series_id=series.id))
    status = 400 if qform.is_submitted() else 200
    return render_template("feedback/question_form.html", series=series, qform=qform, question=None), status


def _question_or_404(question_id: int) -> FeedbackQuestion:
    return db.get_or_404(FeedbackQuestion, question_id)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit_question(question_id: int):
    question = _question_or_404(question_id)
    series = question.form.series
    qform = _question_form(question)
    if qform.validate_on_submit() and act(lambda: services.update_question(question, _question_data(qform),
                                                                          actor=current_user), form=qform).ok:
        flash(_("The question was saved."), "success")
        return redirect(url_for("feedback.edit_form", series_id=series.id))
    status = 400 if qform.is_submitted() else 200
    return render_template("feedback/question_form.html", series=series, qform=qform, question=question), status


@bp.post("/questions/<int:question_id>/move")
@role_required("staff")
def move_question(question_id: int):
    question = _question_or_404(question_id)
    series_id = question.form.series_id
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        abort(400)
    act(lambda: services.move_question(question, direction, actor=current_user))
    return redirect(url_for("feedback.edit_form", series_id=series_id) + f"#question-{question_id}")


@bp.post("/questions/<int:question_id>/delete")
@role_required("staff")
def delete_question(question_id: int):
    """Remove a question; when people have answered it, a confirmation page comes first."""
    question = _question_or_404(question_id)
    series_id = question.form.series_id
    answers = services.answer_count(question)
    if request.form.get("confirm") not in ("yes", "1"):  # always confirmed first (issue 17)
        return render_template("feedback/confirm_delete.html", question=question, series=question.form.series,
                               answers=answers)
    act(lambda: services.delete_question(question, actor=current_user))
    flash(_("The question was removed."), "success")
    return redirect(url_for("feedback.edit_form", series_id=series_id))


@bp.get("/series/<int:series_id>/results")
@role_required("staff")
def results(series_id: int):
    """Aggregated answers of the series (or of one of its occurrences)."""
    series = _series_or_404(series_id)
    form = services.form_for_series(series.id)
    occurrences = list(db.session.scalars(select(MeetingOccurrence).where(MeetingOccurrence.series_id == series.id,
                                                                          MeetingOccurrence.starts_at <= utcnow())
                                          .order_by(MeetingOccurrence.starts_at.desc())))
    occurrence_id = request.args.get("occurrence", type=int)
    if occurrence_id is not None and occurrence_id not in {o.id for o in occurrences}:
        abort(404)
    summary = services.aggregate_form(form, occurrence_id=occurrence_id, lang=current_language()) if form else None
    return render_template("feedback/results.html", series=series, form=form, summary=summary,
                           occurrences=occurrences, occurrence_id=occurrence_id)


@bp.get("/occurrences/<int:occurrence_id>")
@role_required("staff")
def occurrence_status(occurrence_id: int):
    """Who was invited, how many answered and (named forms) who has not answered yet."""
    occurrence = db.get_or_404(MeetingOccurrence, occurrence_id)
    state = services.occurrence_status(occurrence)
    return render_template("feedback/occurrence_status.html", occurrence=occurrence, series=occurrence.series,
                           state=state, now=utcnow())
