"""GDPR: the outcomes a person follows are exported and erased with them."""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.outcomes import services
from app.outcomes.models import Outcome, OutcomeFollower
from app.privacy.services import erase_person, export_person


def test_export_and_erase_follows(make, ctx):
    staff_id, ngo_id = make.user("staff").id, make.user("ngo").id
    staff, ngo = ctx.get(User, staff_id), ctx.get(User, ngo_id)
    outcome = services.create_outcome(services.OutcomeData(title={"fi": "Seurattava"}), actor=staff)
    services.follow(outcome, actor=ngo)
    ctx.commit()
    exported = export_person(ngo)
    follows = exported["outcome_follows"]["follows"]
    assert follows[0]["outcome"] == "Seurattava" and follows[0]["following"] is True
    erase_person(ctx.get(User, ngo_id), actor=None)
    ctx.commit()
    assert ctx.scalar(select(func.count(OutcomeFollower.id))) == 0
    assert export_person(ctx.get(User, staff_id))["outcome_follows"]["outcomes_recorded"] == [outcome.id]
    erase_person(ctx.get(User, staff_id), actor=None)
    ctx.commit()
    assert ctx.get(Outcome, outcome.id).created_by_id is None  # the outcome stays, without its author
