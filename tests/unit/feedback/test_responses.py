"""Answering: tokens, validation that loses nothing, one editable response, closing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.types import utcnow
from app.errors import Conflict, NotFound, ValidationError
from app.feedback import services
from app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackQuestion, FeedbackResponse


def _questions(ctx, invitation):
    return {q.key: q for q in ctx.scalars(select(FeedbackQuestion).filter_by(form_id=invitation.form_id))}


def _valid(q, **overrides):
    raw = {q[k].id: "4" for k in ("usefulness", "influence", "networking", "communication", "continuity")}
    raw[q["themes_to_continue"].id] = ["grants", "networking"]
    raw[q["city_next"].id] = "Lisää yhteisiä tiloja."
    raw.update({q[k].id: v for k, v in overrides.items()})
    return raw


def test_token_round_trip_and_tampering(invite, ctx):
    _occ, [(invitation_id, token)] = invite()
    assert services.invitation_for_token(token).id == invitation_id
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", "", token + "x"):
        with pytest.raises(NotFound):
            services.invitation_for_token(bad)
    # A correctly signed token with the wrong secret is refused too (the secret is checked).
    forged = services._serializer().dumps({"i": invitation_id, "s": "0" * 32})
    with pytest.raises(NotFound):
        services.invitation_for_token(forged)
    forged = services._serializer().dumps({"i": invitation_id + 1000, "s": "0" * 32})
    with pytest.raises(NotFound):
        services.invitation_for_token(forged)


def test_valid_submission_is_stored(invite, ctx):
    _occ, [(invitation_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    q = _questions(ctx, invitation)
    response = services.submit_response(invitation, _valid(q), locale="sv")
    ctx.commit()
    assert response.registration_id == invitation.registration_id and response.locale == "sv"
    answers = {a.question_id: a for a in ctx.scalars(select(FeedbackAnswer).filter_by(response_id=response.id))}
    assert answers[q["usefulness"].id].rating == 4
    assert answers[q["themes_to_continue"].id].choices == ["grants", "networking"]
    assert answers[q["city_next"].id].text == "Lisää yhteisiä tiloja."
    assert ctx.get(FeedbackInvitation, invitation_id).responded_at is not None


@pytest.mark.parametrize("key,value", [("usefulness", "6"), ("usefulness", "0"), ("usefulness", "hyvä"),
                                       ("themes_to_continue", ["grants", "unknown"]), ("usefulness", "")])
def test_answers_outside_allowed_values_are_refused_and_nothing_is_stored(invite, ctx, key, value):
    _occ, [(_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    q = _questions(ctx, invitation)
    with pytest.raises(ValidationError) as caught:
        services.submit_response(invitation, _valid(q, **{key: value}))
    assert list(caught.value.fields) == [f"q{q[key].id}"]
    ctx.rollback()
    assert ctx.scalar(select(func.count(FeedbackResponse.id))) == 0
    assert ctx.scalar(select(func.count(FeedbackAnswer.id))) == 0


def test_single_choice_accepts_one_option_only(invite, ctx):
    _occ, [(_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    form = services.load_form(invitation.form_id)
    question = services.add_question(form, services.QuestionData(
        kind="single", text={"fi": "Kanava?"}, options=services.parse_options_text("mail | Sähköposti\nweb | Verkko")),
        actor=None)
    q = _questions(ctx, invitation)
    with pytest.raises(ValidationError):
        services.submit_response(invitation, _valid(q, **{}) | {question.id: ["mail", "web"]})
    services.submit_response(invitation, _valid(q) | {question.id: "web"})


def test_choices_follow_active_meeting_themes(make, invite, ctx):
    _occ, [(_id, token)] = invite()
    make.theme(key="spaces", name_fi="Tilat", position=1, active=True)
    make.theme(key="retired", name_fi="Vanha", position=2, active=False)
    invitation = services.invitation_for_token(token)
    q = _questions(ctx, invitation)
    with pytest.raises(ValidationError):  # fixed options no longer apply when themes exist
        services.submit_response(invitation, _valid(q))
    with pytest.raises(ValidationError):
        services.submit_response(invitation, _valid(q, themes_to_continue=["retired"]))
    services.submit_response(invitation, _valid(q, themes_to_continue=["spaces"]))


def test_second_submission_edits_the_first(invite, ctx):
    _occ, [(_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    q = _questions(ctx, invitation)
    first = services.submit_response(invitation, _valid(q), now=utcnow())
    ctx.commit()
    first_id, first_submitted = first.id, first.submitted_at
    raw = _valid(q, usefulness="2")
    del raw[q["city_next"].id]
    second = services.submit_response(services.invitation_for_token(token), raw, now=utcnow() + timedelta(minutes=5))
    ctx.commit()
    assert second.id == first_id and second.submitted_at == first_submitted and second.updated_at > first_submitted
    assert ctx.scalar(select(func.count(FeedbackResponse.id))) == 1
    answers = {a.question_id: a for a in ctx.scalars(select(FeedbackAnswer).filter_by(response_id=first_id))}
    assert answers[q["usefulness"].id].rating == 2
    assert q["city_next"].id not in answers
    assert services.answers_as_raw(services.response_for_invitation(invitation))[q["usefulness"].id] == "2"


def test_anonymous_response_keeps_no_registration(invite, ctx):
    _occ, [(_id, token)] = invite(anonymous=True)
    invitation = services.invitation_for_token(token)
    response = services.submit_response(invitation, _valid(_questions(ctx, invitation)))
    ctx.commit()
    assert response.registration_id is None and response.invitation_id == invitation.id


def test_closed_form_refuses_answers(invite, ctx):
    occ, [(_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    q = _questions(ctx, invitation)
    with pytest.raises(Conflict) as caught:
        services.submit_response(invitation, _valid(q), now=occ.ends_at + timedelta(days=14))
    assert caught.value.code == "closed"
    services.submit_response(invitation, _valid(q), now=occ.ends_at + timedelta(days=13, hours=23))


def test_required_question_must_be_answered_optional_may_be_skipped(invite, ctx):
    _occ, [(_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    q = _questions(ctx, invitation)
    raw = _valid(q)
    del raw[q["influence"].id], raw[q["themes_to_continue"].id], raw[q["city_next"].id]
    with pytest.raises(ValidationError) as caught:
        services.submit_response(invitation, raw)
    assert list(caught.value.fields) == [f"q{q['influence'].id}"]
    raw[q["influence"].id] = "5"
    services.submit_response(invitation, raw)


def test_racing_submissions_leave_one_response(app, invite):
    import threading

    from app.extensions import db

    _occ, [(_id, token)] = invite()
    with app.app_context():
        q = {x.key: x.id for x in services.load_form(services.invitation_for_token(token).form_id).questions}
        db.session.remove()
    barrier = threading.Barrier(6)
    errors = []

    def submit(rating):
        with app.app_context():
            try:
                raw = {q[k]: str(rating) for k in ("usefulness", "influence", "networking", "communication",
                                                   "continuity")}
                barrier.wait(30)  # before any query: on SQLite the first read takes the write lock
                services.submit_response(services.invitation_for_token(token), raw)
                db.session.commit()
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(n,)) for n in (1, 2, 3, 4, 5, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackResponse.id))) == 1
        assert db.session.scalar(select(func.count(FeedbackAnswer.id))) == 5
        db.session.remove()
