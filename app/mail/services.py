"""Enqueue (in the caller's transaction) and deliver (worker) outbox mail."""
from __future__ import annotations

import smtplib
from email import policy
from datetime import datetime, timedelta
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db, mail
from app.mail.models import OutboxMessage


def enqueue(recipient: str, template: str, *, locale: str = "fi", ics: bytes | str | None = None,
            ics_method: str | None = None, **context: Any) -> OutboxMessage:
    """Render ``templates/email/<template>.{txt,html}`` in ``locale`` and add it to the outbox.

    The row joins the caller's transaction: the mail exists exactly when the change that caused it
    is committed (DESIGN.md: only a transactional outbox gives that on both databases).
    The text template must set ``subject``.
    """
    env = current_app.jinja_env
    context.setdefault("base_url", current_app.config["BASE_URL"])
    with force_locale(locale):
        text_module = env.get_template(f"email/{template}.txt").make_module(context)
        html = env.get_template(f"email/{template}.html").render(context)
    subject = str(getattr(text_module, "subject", "Kohtaamo")).strip()
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "kohtaamo.local"
    message = OutboxMessage(
        recipient=recipient, subject=subject, text_body=str(text_module).strip() + "\n", html_body=html,
        ics=ics.decode() if isinstance(ics, bytes) else ics, ics_method=ics_method,
        message_id=make_msgid(domain=domain), kind=template,
    )
    db.session.add(message)
    return message


class _OutboxMail(Message):
    """A Flask-Mail message built from an outbox row: text + HTML (+ iMIP calendar) alternatives."""

    def __init__(self, row: OutboxMessage, sender: str) -> None:
        super().__init__(subject=row.subject, recipients=[row.recipient], body=row.text_body,
                         html=row.html_body, sender=sender)
        self.row = row
        self.msgId = row.message_id

    def _message(self):
        if not self.row.ics:
            return super()._message()
        # iMIP wants text, HTML and text/calendar side by side in one multipart/alternative,
        # with METHOD repeated as a MIME parameter (RFC 6047); Flask-Mail has no such part.
        msg = MIMEMultipart("alternative")
        msg.attach(MIMEText(self.row.text_body, "plain", "utf-8"))
        if self.row.html_body:
            msg.attach(MIMEText(self.row.html_body, "html", "utf-8"))
        calendar = MIMEText(self.row.ics, "calendar", "utf-8")
        calendar.set_param("method", self.row.ics_method or "REQUEST")
        msg.attach(calendar)
        # CRLF line endings on the wire, as Flask-Mail does. Set before the headers so that a
        # non-ASCII subject or sender name is RFC 2047-encoded instead of failing to serialise.
        msg.policy = policy.SMTP
        msg["Subject"] = self.row.subject
        msg["From"] = self.sender
        msg["To"] = self.row.recipient
        msg["Date"] = formatdate(self.date, localtime=True)
        msg["Message-ID"] = self.msgId
        return msg


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most six hours between tries."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def claim_due(now: datetime, *, limit: int = 50) -> list[OutboxMessage]:
    """Lease due messages to this worker and commit the lease.

    ``FOR UPDATE SKIP LOCKED`` lets several workers share the outbox on PostgreSQL without sending a
    message twice; on SQLite ``BEGIN IMMEDIATE`` serialises the claim. The lease moves
    ``next_attempt_at`` forward, so a worker that dies mid-send leaves the message due again later
    (at-least-once; the unchanged Message-ID lets a receiver recognise the repeat).
    """
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    query = (select(OutboxMessage)
             .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(db.session.scalars(query))
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + lease
    db.session.commit()
    return rows


def _sender() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"]


def deliver_due(*, now: datetime | None = None, limit: int = 50) -> tuple[int, int]:
    """Send one batch of due mail over SMTP; returns (sent, failed attempts)."""
    now = now or utcnow()
    rows = claim_due(now, limit=limit)
    if not rows:
        return 0, 0
    sent = failed = 0
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    try:
        connection = mail.connect()
        connection.__enter__()
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _record_failure(row, exc, now, max_attempts)
        db.session.commit()
        return 0, len(rows)
    try:
        for row in rows:
            try:
                connection.send(_OutboxMail(row, _sender()))
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(row, exc, now, max_attempts)
                failed += 1
            else:
                row.status = "sent"
                row.sent_at = utcnow()
                row.last_error = None
                sent += 1
            db.session.commit()  # one row at a time: a crash later does not resend this one
    finally:
        try:
            connection.__exit__(None, None, None)
        except (OSError, smtplib.SMTPException):
            pass
    return sent, failed


def _record_failure(row: OutboxMessage, exc: Exception, now: datetime, max_attempts: int) -> None:
    row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if row.attempts >= max_attempts:
        row.status = "failed"
    else:
        row.next_attempt_at = now + backoff(row.attempts)


def due_messages(now: datetime | None = None) -> list[OutboxMessage]:
    """Queued messages that are due (for ``--dry-run``); changes nothing."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)))


def render_as_text(row: OutboxMessage) -> str:
    """The message as it would be sent, for the dry run."""
    return _OutboxMail(row, _sender()).as_string()
