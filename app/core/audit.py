"""Audit trail: who changed what, and when."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class AuditEvent(db.Model):
    """One change made by a person (or by the system when ``actor_id`` is empty)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def audit(actor: Any, action: str, entity: str, entity_id: Any, **data: Any) -> AuditEvent:
    """Record a change in the caller's transaction (flushes nothing on its own)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        data={k: v for k, v in data.items() if v is not None},
    )
    db.session.add(event)
    return event
