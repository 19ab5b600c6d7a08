"""Topic proposals: proposing, one vote per person with an exact count under concurrency, decisions."""
from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import AuditEvent
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.feedback import topics
from app.feedback.models import TopicProposal, TopicVote
from app.meetings.models import MeetingOccurrence


def _propose(ctx, occ, user, title="Yhteiset tilat iltaisin"):
    proposal = topics.propose_topic(ctx.get(MeetingOccurrence, occ.id), topics.TopicData(title, "Kuvaus"),
                                    actor=ctx.get(User, user.id))
    ctx.commit()
    return proposal.id


def test_propose_vote_unvote_and_list(make, ctx):
    org = make.organization()
    author, supporter = make.user(organization=org), make.user()
    occ = make.occurrence()
    proposal_id = _propose(ctx, occ, author)
    proposal = ctx.get(TopicProposal, proposal_id)
    assert proposal.organization_id == org.id and proposal.series_id == occ.series_id
    assert proposal.status == "proposed" and proposal.votes_count == 0
    voter = ctx.get(User, supporter.id)
    assert topics.vote(proposal, actor=voter) is True
    assert topics.vote(proposal, actor=voter) is False  # one vote per person
    ctx.commit()
    assert proposal.votes_count == 1
    listed, voted = topics.occurrence_topics_page(occ.id, voter, page=1, per_page=100)
    assert [p.id for p in listed.items] == [proposal_id] and voted == {proposal_id}
    assert topics.unvote(proposal, actor=voter) is True
    assert topics.unvote(proposal, actor=voter) is False
    ctx.commit()
    assert proposal.votes_count == 0
    assert ctx.scalar(select(func.count(TopicVote.id))) == 0


@pytest.mark.parametrize("title", ["", "ab", "x" * 201])
def test_invalid_title_refused(make, ctx, title):
    user, occ = make.user(), make.occurrence()
    with pytest.raises(ValidationError) as caught:
        topics.propose_topic(ctx.get(MeetingOccurrence, occ.id), topics.TopicData(title), actor=ctx.get(User, user.id))
    assert "title" in caught.value.fields


def test_no_proposals_or_votes_once_the_meeting_started(make, ctx):
    user, occ = make.user(), make.occurrence()
    proposal_id = _propose(ctx, occ, user)
    occurrence = ctx.get(MeetingOccurrence, occ.id)
    later = occurrence.starts_at + timedelta(minutes=1)
    with pytest.raises(Conflict):
        topics.propose_topic(occurrence, topics.TopicData("Myöhässä"), actor=ctx.get(User, user.id), now=later)
    with pytest.raises(Conflict):
        topics.vote(ctx.get(TopicProposal, proposal_id), actor=ctx.get(User, user.id), now=later)


def test_staff_decide_and_link_to_an_occurrence_of_the_series(make, ctx):
    author, staff, ngo = make.user(), make.user("staff"), make.user()
    series = make.series(occurrences=2)
    first, second = make.occurrences(series)
    other = make.occurrence()
    proposal_id = _propose(ctx, first, author)
    proposal = ctx.get(TopicProposal, proposal_id)
    with pytest.raises(Forbidden):
        topics.decide_topic(proposal, status="declined", actor=ctx.get(User, ngo.id))
    with pytest.raises(ValidationError):
        topics.decide_topic(proposal, status="taken_up", linked_occurrence_id=other.id, actor=ctx.get(User, staff.id))
    topics.decide_topic(proposal, status="taken_up", linked_occurrence_id=second.id, note="Seuraavalla kerralla",
                        actor=ctx.get(User, staff.id))
    ctx.commit()
    assert (proposal.status, proposal.linked_occurrence_id, proposal.decided_by_id) == ("taken_up", second.id, staff.id)
    with pytest.raises(Conflict):
        topics.vote(proposal, actor=ctx.get(User, ngo.id))
    with pytest.raises(Conflict):
        topics.withdraw_topic(proposal, actor=ctx.get(User, author.id))
    topics.decide_topic(proposal, status="taken_up", actor=ctx.get(User, staff.id))  # defaults to its own meeting
    assert proposal.linked_occurrence_id == first.id
    ctx.commit()
    assert ctx.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "topic.decide")) == 2
    assert ctx.scalar(select(func.count(TopicProposal.id)).where(TopicProposal.status == "taken_up")) == 1
    assert ctx.scalar(select(func.count(TopicProposal.id))) == 1


def test_only_the_proposer_withdraws(make, ctx):
    author, other, staff, admin = make.user(), make.user(), make.user("staff"), make.user("admin")
    occ = make.occurrence()
    proposal_id = _propose(ctx, occ, author)
    with pytest.raises(Forbidden):
        topics.withdraw_topic(ctx.get(TopicProposal, proposal_id), actor=ctx.get(User, other.id))
    with pytest.raises(Forbidden):  # staff decline instead
        topics.withdraw_topic(ctx.get(TopicProposal, proposal_id), actor=ctx.get(User, staff.id))
    admins_own = _propose(ctx, occ, author, title="Toinen aihe")
    topics.withdraw_topic(ctx.get(TopicProposal, admins_own), actor=ctx.get(User, admin.id))  # on their behalf
    topics.withdraw_topic(ctx.get(TopicProposal, proposal_id), actor=ctx.get(User, author.id))
    ctx.commit()
    assert ctx.get(TopicProposal, proposal_id) is None


def _vote_worker(app, proposal_id, user_id, repeats, barrier=None, errors=None):
    """Vote (several times, as a double-clicking user would) in its own connection."""
    with app.app_context():
        try:
            if barrier is not None:
                barrier.wait()
            for _ in range(repeats):
                proposal = db.session.get(TopicProposal, proposal_id)
                topics.vote(proposal, actor=db.session.get(User, user_id))
                db.session.commit()
        except Exception as exc:
            if errors is None:
                raise
            errors.append(exc)
        finally:
            db.session.remove()


def _process_target(proposal_id, user_id, repeats):
    app = _APP["app"]
    with app.app_context():
        db.engine.dispose(close=False)  # never share the parent's connections
    _vote_worker(app, proposal_id, user_id, repeats)


_APP: dict = {}


def test_racing_votes_count_exactly_the_vote_rows(app, make, ctx):
    n = 16
    voters = [make.user() for _ in range(n)]
    author, occ = make.user(), make.occurrence()
    proposal_id = _propose(ctx, occ, author)
    ctx.rollback()
    ctx.close()
    postgres = db.engine.dialect.name == "postgresql"
    errors: list[Exception] = []
    if postgres:
        barrier = threading.Barrier(n)
        workers = [threading.Thread(target=_vote_worker, args=(app, proposal_id, v.id, 3, barrier, errors))
                   for v in voters]
    else:  # SQLite: separate processes, as several app servers would be
        _APP["app"] = app
        context = multiprocessing.get_context("fork")
        workers = [context.Process(target=_process_target, args=(proposal_id, v.id, 3)) for v in voters]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    if not postgres:
        assert all(worker.exitcode == 0 for worker in workers)
    assert errors == []
    with app.app_context():
        rows = db.session.scalar(select(func.count(TopicVote.id)).where(TopicVote.proposal_id == proposal_id))
        count = db.session.get(TopicProposal, proposal_id).votes_count
        db.session.remove()
    assert rows == n and count == n
