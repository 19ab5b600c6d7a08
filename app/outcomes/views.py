"""Outcome pages ("What came of it"): public list and page, follow / unfollow, staff editing."""
from __future__ import annotations

from app.core.actions import act
from app.core.forms import db_id
from app.core.paging import bounded_page

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from app.core.auth import role_required
from app.core.i18n import localized
from app.core.types import utcnow
from app.extensions import db
from app.feedback.models import TopicProposal
from app.meetings.models import MeetingOccurrence, MeetingTheme
from app.outcomes import services
from app.outcomes.forms import FollowForm, OutcomeForm, OutcomeUpdateForm, status_choices
from app.outcomes.statuses import status_label
from app.outcomes.models import OUTCOME_STATUSES, Outcome
from app.feedback.statuses import TopicStatus
from app.outcomes.statuses import OutcomeStatus

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    # Topic pages and meeting records (lower layers) show outcomes through these template helpers.
    return {"outcome_status_label": status_label, "outcomes_for_topics": services.outcomes_for_topics,
            "outcomes_for_occurrence": services.outcomes_for_occurrence}


def _themes() -> list[MeetingTheme]:
    return list(db.session.scalars(select(MeetingTheme).where(MeetingTheme.active.is_(True))
                                   .order_by(MeetingTheme.position)))


@bp.get("/")
def index():
    """Every outcome, most recently changed first; filter by status and theme."""
    status = request.args.get("status")
    status = status if status in OUTCOME_STATUSES else None
    theme_id = request.args.get("theme", type=db_id) or None
    page = bounded_page(request.args.get("page"))
    pagination = services.outcomes_page(page=page, per_page=current_app.config["PAGE_SIZE"], status=status,
                                        theme_id=theme_id)
    return render_template("outcomes/index.html", pagination=pagination, status=status, theme_id=theme_id,
                           statuses=OUTCOME_STATUSES, themes=_themes())


def _outcome_or_404(outcome_id: int) -> Outcome:
    outcome = services.load_outcome(outcome_id)
    if outcome is None:
        abort(404)
    return outcome


def _render_detail(outcome: Outcome, update_form: OutcomeUpdateForm | None = None, status: int = 200):
    if update_form is None and getattr(current_user, "is_staff", False):
        update_form = OutcomeUpdateForm()
        update_form.status.choices = status_choices()
        update_form.status.data = outcome.status
    return render_template("outcomes/detail.html", outcome=outcome, following=services.is_following(
        outcome.id, current_user), followers=services.followers_count(outcome.id), follow_form=FollowForm(),
        update_form=update_form), status


@bp.get("/<int:outcome_id>")
def detail(outcome_id: int):
    """The outcome with its status, timeline, topics and meetings."""
    return _render_detail(_outcome_or_404(outcome_id))


@bp.post("/<int:outcome_id>/follow")
@login_required
def follow(outcome_id: int):
    outcome = _outcome_or_404(outcome_id)
    if not FollowForm().validate_on_submit():
        abort(400)
    if act(lambda: services.follow(outcome, actor=current_user)).ok:
        flash(_("You follow this outcome. We will email you when it changes."), "success")
    return redirect(url_for("outcomes.detail", outcome_id=outcome.id))


@bp.post("/<int:outcome_id>/unfollow")
@login_required
def unfollow(outcome_id: int):
    outcome = _outcome_or_404(outcome_id)
    if not FollowForm().validate_on_submit():
        abort(400)
    if act(lambda: services.unfollow(outcome, actor=current_user)).ok:
        flash(_("You no longer follow this outcome."), "success")
    return redirect(url_for("outcomes.detail", outcome_id=outcome.id))


@bp.post("/<int:outcome_id>/update")
@role_required("staff")
def add_update(outcome_id: int):
    """Staff add a timeline entry: a new status and / or a note; followers get one mail."""
    outcome = _outcome_or_404(outcome_id)
    form = OutcomeUpdateForm()
    form.status.choices = status_choices()
    if form.validate_on_submit():
        note = {lang: getattr(form, f"note_{lang}").data for lang in ("fi", "sv", "en")}
        result = act(lambda: services.update_outcome(
            outcome, services.OutcomeData(status=form.status.data, note=note), actor=current_user), form=form)
        if result.ok and result.value is not None:
            flash(_("The update was saved and followers were told by email."), "success")
            return redirect(url_for("outcomes.detail", outcome_id=outcome.id))
        if result.ok:  # nothing changed (nothing was written either)
            form.form_errors = [_("Choose a new status or write a note.")]
        outcome = _outcome_or_404(outcome_id)
    return _render_detail(outcome, form, 400)


def _choices(form: OutcomeForm, outcome: Outcome | None) -> None:
    form.status.choices = status_choices()
    linked_topics = [t.id for t in outcome.topics] if outcome else []
    linked_occ = [o.id for o in outcome.occurrences] if outcome else []
    wanted_topics = set(linked_topics) | set(form.topic_ids.data or []) | set(
        request.args.getlist("topic", type=db_id))
    topics = db.session.scalars(
        select(TopicProposal).where(or_(TopicProposal.status == TopicStatus.TAKEN_UP, TopicProposal.id.in_(wanted_topics or {0})))
        .order_by(TopicProposal.created_at.desc()).limit(200)).all()
    form.topic_ids.choices = [(t.id, t.title) for t in topics]
    since = utcnow() - timedelta(days=400)
    occurrences = db.session.scalars(
        select(MeetingOccurrence).where(or_(MeetingOccurrence.id.in_(set(linked_occ) | set(form.occurrence_ids.data or [])
                                                                       or {0}),
                                            (MeetingOccurrence.starts_at >= since)
                                            & (MeetingOccurrence.starts_at <= utcnow())))
        .order_by(MeetingOccurrence.starts_at.desc()).limit(200)).all()
    form.occurrence_ids.choices = [(o.id, f"{localized(o.series, 'title')}, {format_datetime(o.starts_at, 'short')}")
                                   for o in occurrences]
    form.theme_ids.choices = [(t.id, localized(t, "name")) for t in _themes()]


def _data(form: OutcomeForm) -> services.OutcomeData:
    return services.OutcomeData(
        title={lang: getattr(form, f"title_{lang}").data for lang in ("fi", "sv", "en")},
        description={lang: getattr(form, f"description_{lang}").data for lang in ("fi", "sv", "en")},
        status=form.status.data, topic_ids=form.topic_ids.data or [], occurrence_ids=form.occurrence_ids.data or [],
        theme_ids=form.theme_ids.data or [])


@bp.route("/new", methods=["GET", "POST"])
@role_required("staff")
def create():
    """Record an outcome (``?topic=<id>`` preselects a topic)."""
    form = OutcomeForm()
    if not form.is_submitted():
        form.topic_ids.data = request.args.getlist("topic", type=db_id)
        form.occurrence_ids.data = request.args.getlist("occurrence", type=db_id)
        form.status.data = OutcomeStatus.OPEN
    _choices(form, None)
    if form.validate_on_submit():
        result = act(lambda: services.create_outcome(_data(form), actor=current_user), form=form)
        if result.ok:
            flash(_("The outcome was saved."), "success")
            return redirect(url_for("outcomes.detail", outcome_id=result.value.id))
    return render_template("outcomes/form.html", form=form, outcome=None), 400 if form.is_submitted() else 200


@bp.route("/<int:outcome_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(outcome_id: int):
    """Change the title, description and links (a status change here is also a timeline entry)."""
    outcome = _outcome_or_404(outcome_id)
    form = OutcomeForm(obj=outcome)
    if not form.is_submitted():
        form.topic_ids.data = [t.id for t in outcome.topics]
        form.occurrence_ids.data = [o.id for o in outcome.occurrences]
        form.theme_ids.data = [t.id for t in outcome.themes]
    _choices(form, outcome)
    if form.validate_on_submit():
        if act(lambda: services.update_outcome(outcome, _data(form), actor=current_user), form=form).ok:
            flash(_("The outcome was saved."), "success")
            return redirect(url_for("outcomes.detail", outcome_id=outcome.id))
    return render_template("outcomes/form.html", form=form, outcome=outcome), 400 if form.is_submitted() else 200
