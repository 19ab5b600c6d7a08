"""Topic proposal pages: propose and support before a meeting, staff decide, everyone sees the status."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.actions import act
from app.core.auth import role_required
from app.core.paging import bounded_page
from app.core.confirm import Confirmation, confirm_page, confirmed
from app.core.forms import db_id
from app.core.types import utcnow
from app.extensions import db
from app.feedback import topics
from app.feedback.forms import DecideTopicForm, TopicForm, topic_status_choices
from app.feedback.models import TOPIC_STATUSES, TopicProposal
from app.meetings.models import MeetingOccurrence
from app.feedback.statuses import TopicStatus

bp = Blueprint("topics", __name__, url_prefix="/topics")
bp.add_app_template_global(TopicStatus, "TopicStatus")  # the status labels, for every page that lists topics


def _back(proposal: TopicProposal):
    target = proposal.occurrence_id
    if target is None:
        return redirect(url_for("topics.index"))
    return redirect(url_for("topics.occurrence", occurrence_id=target) + f"#topic-{proposal.id}")


@bp.get("/")
def index():
    """Every proposal with its status (filterable, paginated), and the way to propose one: choose
    the meeting (logged in) or log in first. Everyone sees the status of the proposals."""
    status = request.args.get("status")
    status = status if status in TOPIC_STATUSES else None
    page = bounded_page(request.args.get("page"))
    pagination = topics.topics_page(page=page, per_page=current_app.config["PAGE_SIZE"], status=status,
                                    viewer=current_user)
    meetings = topics.open_occurrences(utcnow()) if current_user.is_authenticated else []
    return render_template("topics/index.html", pagination=pagination, status=status, statuses=TOPIC_STATUSES,
                           meetings=meetings)


@bp.get("/propose")
@login_required
def propose():
    """The chooser on the topics page: to the chosen meeting's proposal form."""
    occurrence_id = request.args.get("occurrence_id", type=db_id)
    if occurrence_id is None or db.session.get(MeetingOccurrence, occurrence_id) is None:
        flash(_("Choose the meeting the topic is for."), "error")
        return redirect(url_for("topics.index") + "#propose-heading")
    return redirect(url_for("topics.occurrence", occurrence_id=occurrence_id) + "#propose-heading")


@bp.route("/occurrences/<int:occurrence_id>", methods=["GET", "POST"])
@login_required
def occurrence(occurrence_id: int):
    """The occurrence's proposals, most supported first, and the form to propose one."""
    occ = db.get_or_404(MeetingOccurrence, occurrence_id)
    form = TopicForm()
    is_open = topics.proposals_open(occ, utcnow())
    if form.validate_on_submit():
        result = act(lambda: topics.propose_topic(occ, topics.TopicData(form.title.data, form.description.data),
                                                  actor=current_user), form=form)
        if result.ok:
            flash(_("Your topic was proposed. Others can now support it."), "success")
            return redirect(url_for("topics.occurrence", occurrence_id=occ.id) + f"#topic-{result.value.id}")
    page = bounded_page(request.args.get("page"))
    pagination, voted = topics.occurrence_topics_page(occ.id, current_user, page=page,
                                                      per_page=current_app.config["PAGE_SIZE"])
    status = 400 if form.is_submitted() else 200
    return render_template("topics/occurrence.html", occurrence=occ, series=occ.series, form=form,
                           proposals=pagination.items, pagination=pagination, voted=voted,
                           is_open=is_open), status


def _proposal_or_404(proposal_id: int) -> TopicProposal:
    return db.get_or_404(TopicProposal, proposal_id)


@bp.post("/<int:proposal_id>/vote")
@login_required
def vote(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    result = act(lambda: topics.vote(proposal, actor=current_user))
    if result.ok:
        flash(_("You support the topic “%(title)s”.", title=proposal.title) if result.value
              else _("You already support this topic."), "success")
    return _back(proposal)


@bp.post("/<int:proposal_id>/unvote")
@login_required
def unvote(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    if act(lambda: topics.unvote(proposal, actor=current_user)).ok:
        flash(_("Your support was withdrawn."), "success")
    return _back(proposal)


@bp.route("/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    occurrence_id = proposal.occurrence_id
    if proposal.proposer_id != current_user.id and not current_user.is_admin:
        abort(403)  # the service allows the proposer (and an admin on their behalf)
    if not confirmed():
        back = (url_for("topics.occurrence", occurrence_id=occurrence_id) if occurrence_id
                else url_for("topics.index"))
        return confirm_page(Confirmation(
            title=_("Withdraw your topic proposal?"), action=url_for("topics.withdraw", proposal_id=proposal.id),
            back=back, button=_("Withdraw the proposal"), facts=[(_("Topic"), proposal.title)],
            consequences=[_("The proposal and the support it has gathered are removed. This cannot be undone.")],
            back_label=_("Keep the proposal")))
    if not act(lambda: topics.withdraw_topic(proposal, actor=current_user)).ok:
        return _back(proposal)
    flash(_("Your proposal was withdrawn."), "success")
    if occurrence_id is None:
        return redirect(url_for("topics.index"))
    return redirect(url_for("topics.occurrence", occurrence_id=occurrence_id))


@bp.route("/<int:proposal_id>/decide", methods=["GET", "POST"])
@role_required("staff")
def decide(proposal_id: int):
    """Staff take a topic up on a meeting's agenda or decline it."""
    proposal = _proposal_or_404(proposal_id)
    occurrences = list(db.session.scalars(select(MeetingOccurrence)
                                          .where(MeetingOccurrence.series_id == proposal.series_id,
                                                 MeetingOccurrence.status == "scheduled")
                                          .order_by(MeetingOccurrence.starts_at)))
    form = DecideTopicForm(obj=proposal)
    form.status.choices = topic_status_choices()
    from app.core.dates import format_datetime

    form.linked_occurrence_id.choices = [(0, _("The meeting it was proposed for"))] + [
        (o.id, format_datetime(o.starts_at, "short")) for o in occurrences]
    if not form.is_submitted():
        form.linked_occurrence_id.data = proposal.linked_occurrence_id or 0
        if proposal.status == TopicStatus.PROPOSED:
            form.status.data = TopicStatus.TAKEN_UP
    if form.validate_on_submit() and act(lambda: topics.decide_topic(
            proposal, status=form.status.data, actor=current_user,
            linked_occurrence_id=form.linked_occurrence_id.data or None, note=form.staff_note.data), form=form).ok:
        flash(_("The decision was saved."), "success")
        return _back(proposal)
    status = 400 if form.is_submitted() else 200
    return render_template("topics/decide.html", proposal=proposal, form=form), status
