"""The database itself refuses impossible feedback and topic rows (CHECK and UNIQUE constraints)."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.feedback import services
from app.feedback.models import FeedbackAnswer, FeedbackQuestion, FeedbackResponse, TopicProposal, TopicVote


def _expect_refused(ctx, row):
    ctx.add(row)
    with pytest.raises(IntegrityError):
        ctx.flush()
    ctx.rollback()


def test_answers_and_responses(invite, ctx):
    _occ, [(invitation_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    question_id = services.load_form(invitation.form_id).questions[0].id
    response = FeedbackResponse(invitation_id=invitation_id, occurrence_id=invitation.occurrence_id,
                                form_id=invitation.form_id)
    ctx.add(response)
    ctx.commit()
    for rating in (0, 6):
        _expect_refused(ctx, FeedbackAnswer(response_id=response.id, question_id=question_id, rating=rating))
    _expect_refused(ctx, FeedbackAnswer(response_id=response.id, question_id=question_id))  # empty
    ctx.add(FeedbackAnswer(response_id=response.id, question_id=question_id, rating=5))
    ctx.commit()
    _expect_refused(ctx, FeedbackAnswer(response_id=response.id, question_id=question_id, rating=4))
    # One response per invitation.
    _expect_refused(ctx, FeedbackResponse(invitation_id=invitation_id, occurrence_id=invitation.occurrence_id,
                                          form_id=invitation.form_id))
    _expect_refused(ctx, FeedbackQuestion(form_id=invitation.form_id, kind="essay", text_fi="X"))


def test_topics(make, ctx):
    user, occ = make.user(), make.occurrence()
    _expect_refused(ctx, TopicProposal(title="Ei kohdetta", status="proposed"))
    _expect_refused(ctx, TopicProposal(occurrence_id=occ.id, title="Outo tila", status="maybe"))
    _expect_refused(ctx, TopicProposal(occurrence_id=occ.id, title="Miinus", votes_count=-1))
    proposal = TopicProposal(occurrence_id=occ.id, series_id=occ.series_id, title="Aihe")
    ctx.add(proposal)
    ctx.commit()
    ctx.add(TopicVote(proposal_id=proposal.id, user_id=user.id))
    ctx.commit()
    _expect_refused(ctx, TopicVote(proposal_id=proposal.id, user_id=user.id))
