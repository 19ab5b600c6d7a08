"""Outcomes: timeline, automatic following of a topic's people, one mail per change."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.mail.models import OutboxMessage
from app.outcomes import services
from app.outcomes.models import Outcome, OutcomeFollower


def _mails(ctx, kind):
    return list(ctx.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


@pytest.fixture
def topic(app, make):
    """A topic proposed by one NGO user (Swedish-speaking) and supported by another."""
    occ = make.occurrence()
    proposer, supporter = make.user("ngo", locale="sv"), make.user("ngo")
    row = make.topic(occ, title="Avustukset", proposer_id=proposer.id, status="taken_up", voters=[supporter])
    return row.id, proposer, supporter, occ


def test_create_follows_the_topics_people_and_mails_them_once(make, topic, ctx):
    topic_id, proposer, supporter, occ = topic
    staff = make.user("staff")
    outcome = services.create_outcome(services.OutcomeData(
        title={"fi": "Haku kahteen osaan", "sv": "Ansökan i två delar"}, topic_ids=[topic_id],
        occurrence_ids=[occ.id]), actor=ctx.get(User, staff.id))
    ctx.commit()
    assert outcome.status == "open" and [e.status for e in outcome.events] == ["open"]
    assert services.active_follower_ids(outcome.id) == sorted([proposer.id, supporter.id])
    mails = {m.recipient: m for m in _mails(ctx, "outcome_created")}
    assert set(mails) == {proposer.email, supporter.email}
    assert "Ansökan i två delar" in mails[proposer.email].subject  # the proposer reads Swedish
    assert f"/outcomes/{outcome.id}" in mails[supporter.email].text_body


def test_each_change_is_one_timeline_entry_and_one_mail_per_follower(make, topic, ctx):
    topic_id, proposer, supporter, _occ = topic
    staff_id = make.user("staff").id
    staff = ctx.get(User, staff_id)
    outcome = services.create_outcome(services.OutcomeData(title={"fi": "T"}, topic_ids=[topic_id]), actor=staff)
    ctx.commit()
    event = services.update_outcome(outcome, services.OutcomeData(status="in_progress", note={"fi": "Valmistelussa"}),
                                    actor=staff)
    ctx.commit()
    assert event.status == "in_progress" and event.note_fi == "Valmistelussa"
    changed = _mails(ctx, "outcome_changed")
    assert sorted(m.recipient for m in changed) == sorted([proposer.email, supporter.email])
    assert "Valmistelussa" in changed[0].text_body
    # Details only: no timeline entry, no mail. Same status again: nothing either.
    assert services.update_outcome(outcome, services.OutcomeData(title={"fi": "Uusi nimi"}), actor=staff) is None
    assert services.update_outcome(outcome, services.OutcomeData(status="in_progress"), actor=staff) is None
    # A note alone is a change.
    assert services.update_outcome(outcome, services.OutcomeData(note={"fi": "Lisätietoa"}), actor=staff).status is None
    ctx.commit()
    assert len(_mails(ctx, "outcome_changed")) == 4
    assert [e.status for e in ctx.get(Outcome, outcome.id).events] == ["open", "in_progress", None]


def test_unfollowed_people_get_no_mail_and_are_not_followed_again(make, topic, ctx):
    topic_id, proposer, supporter, occ = topic
    staff_id = make.user("staff").id
    staff = ctx.get(User, staff_id)
    outcome = services.create_outcome(services.OutcomeData(title={"fi": "T"}, topic_ids=[topic_id]), actor=staff)
    ctx.commit()
    assert services.unfollow(outcome, actor=ctx.get(User, supporter.id)) is True
    assert services.unfollow(outcome, actor=ctx.get(User, supporter.id)) is False  # idempotent
    services.update_outcome(outcome, services.OutcomeData(topic_ids=[topic_id], status="done"), actor=staff)
    ctx.commit()
    assert [m.recipient for m in _mails(ctx, "outcome_changed")] == [proposer.email]
    assert services.follow(outcome, actor=ctx.get(User, supporter.id)) is True
    assert services.follow(outcome, actor=ctx.get(User, supporter.id)) is False
    assert services.followers_count(outcome.id) == 2


def test_validation(make, ctx):
    staff_id, ngo_id = make.user("staff").id, make.user("ngo").id
    with pytest.raises(ValidationError) as info:
        services.create_outcome(services.OutcomeData(title={"sv": "Bara svenska"}, status="finished",
                                                     topic_ids=[123456], theme_ids=[99]),
                                actor=ctx.get(User, staff_id))
    assert {"title_fi", "status", "topic_ids", "theme_ids"} <= set(info.value.fields)
    with pytest.raises(Forbidden):
        services.create_outcome(services.OutcomeData(title={"fi": "x"}), actor=ctx.get(User, ngo_id))


def test_topic_and_occurrence_lookups(make, topic, ctx):
    topic_id, _p, _s, occ = topic
    staff_id = make.user("staff").id
    staff = ctx.get(User, staff_id)
    by_topic = services.create_outcome(services.OutcomeData(title={"fi": "A"}, topic_ids=[topic_id]), actor=staff)
    by_meeting = services.create_outcome(services.OutcomeData(title={"fi": "B"}, occurrence_ids=[occ.id]), actor=staff)
    ctx.commit()
    assert [o.id for o in services.outcomes_for_topics([topic_id])[topic_id]] == [by_topic.id]
    assert [o.id for o in services.outcomes_for_occurrence(occ.id, [topic_id])] == [by_topic.id, by_meeting.id]
    assert [o.id for o in services.outcomes_for_occurrence(occ.id, [])] == [by_meeting.id]


def test_racing_follows_make_one_row(app, make, ctx):
    staff_id, ngo_id = make.user("staff").id, make.user("ngo").id
    outcome = services.create_outcome(services.OutcomeData(title={"fi": "T"}), actor=ctx.get(User, staff_id))
    ctx.commit()
    outcome_id = outcome.id
    ctx.rollback()
    barrier = threading.Barrier(4)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                services.follow(db.session.get(Outcome, outcome_id), actor=db.session.get(User, ngo_id))
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count(OutcomeFollower.id))) == 1
