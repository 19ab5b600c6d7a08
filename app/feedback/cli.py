"""``flask feedback send``: invitations and reminders (cron-safe, idempotent)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.core.cli import now_option, parse_now
from app.feedback import services

feedback_cli = AppGroup("feedback", help="Follow-up feedback after meetings.")


@feedback_cli.command("send")
@now_option(require_offset=True)
def send(now_text: str | None) -> None:
    """Send due feedback invitations and reminders (safe to run from cron on several hosts)."""
    result = services.send_due(parse_now(now_text, require_offset=True))
    click.echo(f"invitations {result.invitations} ({result.occurrences} meetings), reminders {result.reminders}")
