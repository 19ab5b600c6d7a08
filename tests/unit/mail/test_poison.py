"""One bad message never stops the others (issue 11, item 1).

Poison goes FIRST in the outbox, a real SMTP server (aiosmtpd) receives: the good messages behind
it must arrive, the poison must be settled at once (failed with its reason, or sent cleaned), and
no lease may stay behind.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from email_validator import EmailNotValidError  # noqa: F401  (the library the input check uses)
from sqlalchemy import select

from app.accounts.services import normalize_email
from app.core.types import utcnow
from app.errors import ValidationError
from app.extensions import db
from app.mail import services
from app.mail.models import OutboxMessage
from tests.smtp import Inbox, _free_port


from contextlib import contextmanager


@contextmanager
def _server(app, *, smtputf8: bool):
    """aiosmtpd on a free port that does (or does not) offer SMTPUTF8, with the app pointed at it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    mail_state = app.extensions["mail"]
    saved = (app.config.get("MAIL_SERVER"), mail_state.server, mail_state.port)
    app.config["MAIL_SERVER"] = "127.0.0.1"
    mail_state.server, mail_state.port = "127.0.0.1", port
    try:
        yield inbox
    finally:
        controller.stop()
        app.config["MAIL_SERVER"], mail_state.server, mail_state.port = saved


@pytest.fixture
def ascii_server(app):
    """A server WITHOUT SMTPUTF8 (aiosmtpd's Controller offers it by default)."""
    with _server(app, smtputf8=False) as inbox:
        yield inbox


@pytest.fixture
def smtputf8_server(app):
    with _server(app, smtputf8=True) as inbox:
        yield inbox


def _raw(recipient: str, subject: str = "Hei", n: int = 0) -> OutboxMessage:
    """A row as it might already be in the outbox (written before the input checks, or by a bug)."""
    row = OutboxMessage(recipient=recipient, subject=subject, text_body="Hei\n", html_body="<p>Hei</p>",
                        message_id=f"<poison-{n}-{recipient.encode().hex()[:20]}@kohtaamo.test>", kind="test")
    db.session.add(row)
    db.session.flush()
    return row


def _good(n: int) -> OutboxMessage:
    return services.enqueue(f"good{n}@example.org", "password_reset", user=SimpleNamespace(display_name="Maija"),
                            link=f"http://x/reset/{n}")


POISONS = [
    ("mäijä@example.org", "Hei"),                      # non-ASCII local part, server without SMTPUTF8
    ("evil@example.org\r\nBcc: victim@example.org", "Hei"),  # header injection via the address
    ("line@example.org", "Tapaaminen\r\nBcc: victim@example.org"),  # a title with a line break
    ("", "Hei"),                                       # no recipient at all
]


def test_poison_first_then_the_rest_of_the_batch_arrives(ctx, ascii_server):
    smtp_server = ascii_server
    poison = [_raw(recipient, subject, n) for n, (recipient, subject) in enumerate(POISONS)]
    good = [_good(n) for n in range(3)]
    ctx.commit()
    assert [row.id for row in poison] < [row.id for row in good]  # the poison is claimed first

    sent, failed = services.deliver_due()

    received = smtp_server.wait_for(len(good) + 1)
    addresses = sorted(m["To"] for m in received)
    assert [f"good{n}@example.org" for n in range(3)] == [a for a in addresses if a.startswith("good")]
    # The subject with a line break was cleaned and sent: no injected header anywhere.
    [cleaned] = [m for m in received if m["To"] == "line@example.org"]
    assert cleaned["Subject"] == "Tapaaminen Bcc: victim@example.org"
    assert all(m["Bcc"] is None for m in received)
    assert all("victim" not in rcpt for _sender, rcpts in smtp_server.envelopes for rcpt in rcpts)
    assert sent == 4
    ctx.expire_all()
    rows = {row.recipient: row for row in ctx.scalars(select(OutboxMessage))}
    unicode_row = rows["mäijä@example.org"]
    assert unicode_row.status == "failed" and "SMTPUTF8" in unicode_row.last_error
    injected = rows["evil@example.org\r\nBcc: victim@example.org"]
    assert injected.status == "failed" and injected.last_error
    assert rows[""].status == "failed" and rows[""].last_error
    # Nothing is left leased: every claimed row is settled (sent or failed for good).
    assert {row.status for row in rows.values()} <= {"sent", "failed"}
    assert services.deliver_due(now=utcnow()) == (0, 0)


def test_no_header_ever_contains_a_line_break(ctx, smtp_server):
    _raw("line@example.org", "A\rB\nC\r\n\tD\u2028E\x85F")
    ctx.commit()
    services.deliver_due()
    [message] = smtp_server.wait_for(1)
    for name, value in message.items():
        assert "\r" not in value and "\n" not in value, name
    assert message["Subject"] == "A B C D E F"


def test_enqueue_stores_a_subject_without_line_breaks(ctx):
    row = services.enqueue("a@example.org", "password_reset", user=SimpleNamespace(display_name="M"),
                           link="http://x")
    row.subject = services.clean_header(row.subject + "\r\nBcc: x@example.org")
    assert "\n" not in row.subject and "\r" not in row.subject


def test_internationalised_address_goes_out_with_smtputf8_when_offered(ctx, smtputf8_server):
    _raw("mäijä@example.org")
    _good(1)
    ctx.commit()
    assert services.deliver_due() == (2, 0)
    received = smtputf8_server.wait_for(2)
    assert sorted(rcpt for _s, rcpts in smtputf8_server.envelopes for rcpt in rcpts) == [
        "good1@example.org", "mäijä@example.org"]
    assert len(received) == 2


def test_dry_run_never_crashes_on_poison(app, runner, ctx):
    for n, (recipient, subject) in enumerate(POISONS):
        _raw(recipient, subject, n)
    _good(1)
    ctx.commit()
    result = runner.invoke(args=["mail", "deliver", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "good1@example.org" in result.output
    assert f"{len(POISONS) + 1} message(s) due" in result.output
    assert set(ctx.scalars(select(OutboxMessage.status))) == {"queued"}


def test_the_cli_worker_survives_poison(runner, ctx, ascii_server):
    smtp_server = ascii_server
    for n, (recipient, subject) in enumerate(POISONS):
        _raw(recipient, subject, n)
    _good(1)
    ctx.commit()
    result = runner.invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert smtp_server.to("good1@example.org")


def test_a_crash_mid_batch_releases_the_lease(ctx, smtp_server, monkeypatch):
    rows = [_good(n) for n in range(3)]
    ctx.commit()
    calls = []

    def boom(row):
        calls.append(row.id)
        raise KeyboardInterrupt  # not an Exception: the worker is being stopped
    monkeypatch.setattr(services, "build_message", boom)
    now = utcnow()
    with pytest.raises(KeyboardInterrupt):
        services.deliver_due(now=now)
    ctx.expire_all()
    # Unsent rows are due again right away, not after the lease.
    assert all(row.next_attempt_at <= now and row.status == "queued" for row in
               ctx.scalars(select(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))))


@pytest.mark.parametrize("address", ["mäijä@example.org", "ÄIJÄ@example.org"])
def test_internationalised_local_part_is_refused_at_input_in_the_users_language(app, address):
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        with pytest.raises(ValidationError) as caught:
            normalize_email(address)
    assert "@" in str(caught.value.message) or caught.value.fields["email"]


def test_internationalised_domain_is_stored_in_its_ascii_form(app):
    with app.app_context():
        assert normalize_email("Maija@Esimerkki-ä.fi") == "maija@xn--esimerkki--z5a.fi"


def test_registration_form_refuses_an_internationalised_address(client, make):
    occurrence = make.occurrence(capacity=5)
    form = {"name": "Maija", "email": "mäijä@example.org", "organization_id": "", "organization_name": "",
            "seats": "1", "needs": "", "consent": "y"}
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=fi", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "ääkkösiä" in html or "ä" in html and "@" in html
    with client.application.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None
