"""Helpers for the feedback tests: meetings that have already taken place."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def past_occurrence(make):
    """``past_occurrence(days_ago=1, **series_fields)``: the only occurrence of a series that ended."""

    def build(days_ago: int = 1, **fields):
        start = (datetime.now(HELSINKI) - timedelta(days=days_ago)).replace(
            hour=15, minute=0, second=0, microsecond=0, tzinfo=None)
        return make.occurrence(start_local=start, **fields)

    return build



@pytest.fixture
def invite(app, make, past_occurrence):
    """``invite(n=1, anonymous=False, **series_fields)`` → (occurrence, [(invitation_id, token)])."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.extensions import db
    from app.feedback import services
    from app.feedback.models import FeedbackInvitation
    from app.meetings.models import MeetingSeries

    def build(n: int = 1, anonymous: bool = False, **fields):
        occ = past_occurrence(**fields)
        for _ in range(n):
            make.registration(occ)
        with app.app_context():
            form = services.ensure_form(db.session.get(MeetingSeries, occ.series_id))
            form.anonymous = anonymous
            db.session.commit()
            services.send_due(occ.ends_at + timedelta(hours=3))
            rows = db.session.scalars(select(FeedbackInvitation).filter_by(occurrence_id=occ.id)
                                      .order_by(FeedbackInvitation.id)).all()
            result = [(row.id, services.make_token(row)) for row in rows]
            db.session.remove()
        return occ, result

    return build
