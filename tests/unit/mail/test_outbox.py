"""The outbox: atomic enqueue, real SMTP delivery, retries, dry run."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.core.types import utcnow
from app.extensions import db
from app.mail import services
from app.mail.models import OutboxMessage

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def _queue(user_name="Maija", **kwargs):
    class U:
        display_name = user_name
    return services.enqueue("maija@example.org", "password_reset", user=U(), link="http://x/reset", **kwargs)


def test_mail_exists_only_if_the_transaction_commits(ctx):
    _queue()
    ctx.rollback()
    assert ctx.scalar(select(func.count(OutboxMessage.id))) == 0
    _queue()
    ctx.commit()
    assert ctx.scalar(select(func.count(OutboxMessage.id))) == 1


def test_rendered_in_the_recipients_language(ctx):
    fi, sv = _queue(locale="fi"), _queue(locale="sv")
    assert fi.subject != sv.subject
    assert "Hei Maija," in fi.text_body and "Hej Maija," in sv.text_body


def test_delivery_over_real_smtp(ctx, smtp_server):
    row = _queue(locale="fi")
    ctx.commit()
    assert services.deliver_due() == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert message["Message-ID"] == row.message_id
    assert message["To"] == "maija@example.org"
    assert "http://x/reset" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    ctx.refresh(row)
    assert row.status == "sent" and row.sent_at is not None
    assert services.deliver_due() == (0, 0)  # nothing is sent twice


def test_invitation_part_is_text_calendar_with_method(ctx, smtp_server):
    _queue(ics=ICS, ics_method="REQUEST")
    ctx.commit()
    services.deliver_due()
    [message] = smtp_server.wait_for(1)
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html", "text/calendar"}
    assert parts["text/calendar"].get_param("method") == "REQUEST"


def test_refused_mail_is_retried_with_backoff_then_delivered(ctx, smtp_server):
    row = _queue()
    ctx.commit()
    smtp_server.refuse = True
    now = utcnow()
    assert services.deliver_due(now=now) == (0, 1)
    ctx.refresh(row)
    assert row.status == "queued" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at >= now + timedelta(minutes=1)
    assert services.deliver_due(now=now) == (0, 0)  # not due yet
    smtp_server.refuse = False
    assert services.deliver_due(now=now + timedelta(minutes=2)) == (1, 0)
    assert len(smtp_server.wait_for(1)) == 1


def test_gives_up_after_max_attempts(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    mail_state = app.extensions["mail"]
    monkeypatch.setattr(mail_state, "server", "127.0.0.1")
    monkeypatch.setattr(mail_state, "port", 9)  # discard port: connection refused
    row = _queue()
    ctx.commit()
    now = utcnow()
    services.deliver_due(now=now)
    services.deliver_due(now=now + timedelta(hours=1))
    ctx.refresh(row)
    assert row.status == "failed" and row.attempts == 2


def test_dry_run_prints_and_sends_nothing(app, runner, ctx):
    _queue()
    ctx.commit()
    result = runner.invoke(args=["mail", "deliver", "--dry-run"])
    assert result.exit_code == 0
    assert "maija@example.org" in result.output and "1 message(s) due" in result.output
    assert ctx.scalar(select(OutboxMessage.status)) == "queued"


def test_deliver_without_server_exits_non_zero(runner, app):
    result = runner.invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output


def test_deliver_once_cli(runner, ctx, smtp_server):
    _queue()
    ctx.commit()
    result = runner.invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code == 0 and "sent 1" in result.output
    assert len(smtp_server.wait_for(1)) == 1
