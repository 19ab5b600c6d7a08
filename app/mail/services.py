"""Enqueue (in the caller's transaction) and deliver (worker) outbox mail."""
from __future__ import annotations

import smtplib
from email import policy
from datetime import datetime, timedelta
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from app.core.database import is_postgresql
from app.core.types import utcnow
from app.extensions import db, mail
from app.mail.models import OutboxMessage


def enqueue(recipient: str, template: str, *, locale: str = "fi", ics: bytes | str | None = None,
            ics_method: str | None = None, headers: dict[str, str] | None = None,
            **context: Any) -> OutboxMessage:
    """Render ``templates/email/<template>.{txt,html}`` in ``locale`` and add it to the outbox.

    The row joins the caller's transaction: the mail exists exactly when the change that caused it
    is committed (DESIGN.md: only a transactional outbox gives that on both databases).
    The text template must set ``subject``. ``headers``: extra headers such as ``List-Unsubscribe``
    (never the ones this module writes itself).
    """
    env = current_app.jinja_env
    context.setdefault("base_url", current_app.config["BASE_URL"])
    with force_locale(locale):
        text_module = env.get_template(f"email/{template}.txt").make_module(context)
        html = env.get_template(f"email/{template}.html").render(context)
    subject = clean_header(getattr(text_module, "subject", "Kohtaamo"))[:300]
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "kohtaamo.local"
    message = OutboxMessage(
        recipient=recipient, subject=subject, text_body=str(text_module).strip() + "\n", html_body=html,
        ics=ics.decode() if isinstance(ics, bytes) else ics, ics_method=ics_method,
        message_id=make_msgid(domain=domain), kind=template,
        headers={clean_header(k): clean_header(v) for k, v in headers.items()} if headers else None,
    )
    db.session.add(message)
    return message


def clean_header(value: object) -> str:
    """One line of printable text: every line break or control character becomes a space.

    The one place header values are made: a meeting title with a line break (or any other text a
    user typed) can never start a new header (``Bcc:`` injection) or make the message unsendable.
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(value or ""))
    return " ".join(text.split())


class UnsendableMessage(Exception):
    """This message can never be sent as it is: mark it failed at once, with the reason."""


def _needs_smtputf8(row: OutboxMessage) -> bool:
    return not row.recipient.isascii()


def _check_recipient(recipient: str) -> None:
    if not recipient or clean_header(recipient) != recipient or recipient.count("@") != 1:
        raise UnsendableMessage(f"invalid recipient address {recipient!r}")


_OWN_HEADERS = {"subject", "from", "to", "date", "message-id", "content-type", "mime-version", "cc", "bcc"}


def build_message(row: OutboxMessage) -> bytes:
    """The message on the wire: text + HTML (+ iMIP text/calendar) alternatives, headers clean.

    iMIP wants the three parts side by side in one multipart/alternative with METHOD repeated as a
    MIME parameter (RFC 6047). ``policy.SMTP`` writes CRLF and RFC 2047-encodes a non-ASCII subject
    or sender name; an internationalised address needs ``SMTPUTF8`` (raw UTF-8 headers) instead.
    """
    _check_recipient(row.recipient)
    msg = MIMEMultipart("alternative")
    msg.attach(MIMEText(row.text_body or "", "plain", "utf-8"))
    if row.html_body:
        msg.attach(MIMEText(row.html_body, "html", "utf-8"))
    if row.ics:
        calendar = MIMEText(row.ics, "calendar", "utf-8")
        calendar.set_param("method", clean_header(row.ics_method) or "REQUEST")
        msg.attach(calendar)
    msg.policy = policy.SMTPUTF8 if _needs_smtputf8(row) else policy.SMTP
    try:
        msg["Subject"] = clean_header(row.subject) or "Kohtaamo"
        msg["From"] = clean_header(_sender())
        msg["To"] = row.recipient
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = clean_header(row.message_id)
        for name, value in (row.headers or {}).items():
            name = clean_header(name)
            if name and name.lower() not in _OWN_HEADERS and ":" not in name and " " not in name:
                msg[name] = clean_header(value)
        return msg.as_bytes()
    except (UnicodeError, ValueError, LookupError, TypeError) as exc:
        raise UnsendableMessage(f"cannot be encoded: {type(exc).__name__}: {exc}") from None



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
    if is_postgresql():
        query = query.with_for_update(skip_locked=True)
    rows = list(db.session.scalars(query))
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + lease
    db.session.commit()
    return rows


def _sender() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"]


class _NoServer(Exception):
    """The SMTP server cannot be reached: every message of the batch waits for its backoff."""


class _Connection:
    """The SMTP connection of one batch, opened when first needed and again after a drop."""

    def __init__(self) -> None:
        self._connection = None

    @property
    def host(self) -> smtplib.SMTP:
        if self._connection is None:
            try:
                connection = mail.connect()
                connection.__enter__()
                connection.host.ehlo_or_helo_if_needed()  # has_extn() needs the EHLO answer
            except (OSError, smtplib.SMTPException) as exc:
                raise _NoServer(exc) from exc
            self._connection = connection
        return self._connection.host

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.__exit__(None, None, None)
            except (OSError, smtplib.SMTPException):
                pass
            self._connection = None


def _send(connection: _Connection, row: OutboxMessage, data: bytes) -> None:
    host = connection.host
    options: list[str] = []
    if _needs_smtputf8(row):
        if not host.has_extn("smtputf8"):
            raise UnsendableMessage("the mail server does not offer SMTPUTF8, needed for an "
                                    "internationalised address")
        options.append("SMTPUTF8")
    try:
        host.sendmail(parseaddr(clean_header(_sender()))[1], [row.recipient], data, options)
    except smtplib.SMTPRecipientsRefused as exc:
        if all(code >= 500 for code, _msg in exc.recipients.values()):
            raise UnsendableMessage(f"recipient refused: {exc.recipients}") from None
        raise
    except smtplib.SMTPServerDisconnected:
        connection.close()
        raise


def deliver_due(*, now: datetime | None = None, limit: int = 50) -> tuple[int, int]:
    """Send one batch of due mail over SMTP; returns (sent, failed attempts).

    Each message stands alone: one that can never be sent (a bad address, an SMTPUTF8 address the
    server cannot take, anything that fails to encode) is marked failed with its reason at once
    and the rest of the batch goes on. If the worker itself is stopped mid-batch, the messages not
    yet tried are released (due again now) instead of waiting for their lease to run out.
    """
    now = now or utcnow()
    rows = claim_due(now, limit=limit)
    if not rows:
        return 0, 0
    sent = failed = 0
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    pending = [row.id for row in rows]
    connection = _Connection()
    try:
        for index, row in enumerate(rows):
            try:
                _send(connection, row, build_message(row))
            except _NoServer as exc:
                for waiting in rows[index:]:
                    _record_failure(waiting, exc.__cause__, now, max_attempts)
                db.session.commit()
                return sent, failed + len(rows) - index
            except UnsendableMessage as exc:
                _record_failure(row, exc, now, max_attempts, permanent=True)
                failed += 1
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(row, exc, now, max_attempts)
                failed += 1
            except Exception as exc:  # noqa: BLE001 — one message's bug must not stop the others
                current_app.logger.exception("mail %s could not be sent", row.id)
                connection.close()  # its state is unknown after an unexpected error
                _record_failure(row, exc, now, max_attempts, permanent=True)
                failed += 1
            else:
                row.status = "sent"
                row.sent_at = utcnow()
                row.last_error = None
                sent += 1
            db.session.commit()  # one row at a time: a crash later does not resend this one
            pending.remove(row.id)
    except BaseException:
        _release(pending, now)
        raise
    finally:
        connection.close()
    return sent, failed


def _release(ids: list[int], now: datetime) -> None:
    """Give back the lease of messages that were claimed but not tried."""
    db.session.rollback()
    if ids:
        db.session.execute(update(OutboxMessage)
                           .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "queued")
                           .values(next_attempt_at=now, attempts=OutboxMessage.attempts - 1))
        db.session.commit()


def _record_failure(row: OutboxMessage, exc: Exception, now: datetime, max_attempts: int, *,
                    permanent: bool = False) -> None:
    row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if permanent or row.attempts >= max_attempts:
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
    """The message as it would be sent, for the dry run; never raises (a bad one says why)."""
    try:
        return build_message(row).decode("utf-8", errors="replace")
    except Exception as exc:  # noqa: BLE001 — the dry run shows every message, bad ones included
        return f"To: {row.recipient!r}\nSubject: {row.subject!r}\n(cannot be sent: {exc})"
