"""The outbox table."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class OutboxMessage(db.Model):
    """One email, rendered at enqueue time, delivered at least once by ``flask mail deliver``."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)  # iMIP part (text/calendar)
    ics_method: Mapped[str | None] = mapped_column(String(10))  # REQUEST / CANCEL
    message_id: Mapped[str] = mapped_column(String(200), unique=True)  # a retry is recognisable
    kind: Mapped[str] = mapped_column(String(60), default="")  # template name, for tests and support
    # Extra headers, e.g. List-Unsubscribe (RFC 8058); written through clean_header when sent.
    headers: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
