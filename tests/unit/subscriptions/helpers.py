"""Reading helper of the subscription tests (rows are made with the ``make`` factory)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage


def outbox(app, kind: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows
