"""Helpers of the subscription tests: themes, publishing a series with themes, subscribing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingSeries, MeetingTheme
from app.meetings.services import ensure_default_themes
from app.subscriptions import services


def theme_id(app, key: str = "resident-spaces") -> int:
    with app.app_context():
        ensure_default_themes()
        db.session.commit()
        return db.session.scalar(select(MeetingTheme.id).where(MeetingTheme.key == key))


def publish(app, make, *, themes=(), district: str | None = None, **fields) -> int:
    """A series made as a draft, given its themes, then published (what staff do); its id."""
    series = make.series(status="draft", district=district, **fields)
    with app.app_context():
        row = db.session.get(MeetingSeries, series.id)
        row.themes = [db.session.get(MeetingTheme, t) for t in themes]
        row.status = "published"
        db.session.commit()
    return series.id


def subscribe(app, user, *, theme: int | None = None, district: str | None = None, frequency: str = "immediate",
              now: datetime | None = None) -> int:
    with app.app_context():
        row = services.subscribe(db.session.get(User, user.id), services.clean_subscription_data(
            {"theme_id": theme, "district": district, "frequency": frequency}), now=now or utcnow())
        db.session.commit()
        return row.id


def outbox(app, kind: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows
