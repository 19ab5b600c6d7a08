"""The feedback tests' world: meetings that took place, their registrants invited (rows: ``make``)."""
from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def invite(app, make):
    """``invite(n=1, anonymous=False, **series_fields)`` → (occurrence, [(invitation_id, token)]).

    ``n`` registrations on a meeting that ended yesterday, invited by the real ``send_due``."""
    from sqlalchemy import select

    from app.extensions import db
    from app.feedback import services
    from app.feedback.models import FeedbackInvitation

    def build(n: int = 1, anonymous: bool = False, **fields):
        occ = make.past_occurrence(**fields)
        for _ in range(n):
            make.registration(occ)
        make.feedback_form(occ.series_id, anonymous=anonymous)
        with app.app_context():
            services.send_due(occ.ends_at + timedelta(hours=3))
            rows = db.session.scalars(select(FeedbackInvitation).filter_by(occurrence_id=occ.id)
                                      .order_by(FeedbackInvitation.id)).all()
            result = [(row.id, services.make_token(row)) for row in rows]
            db.session.remove()
        return occ, result

    return build
