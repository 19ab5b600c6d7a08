"""Cron commands: ``flask subscriptions notify|digest`` and ``flask reminders send``.

Each is idempotent and safe on several hosts at once (see delivery.py and reminders.py), prints a
count and exits non-zero with a one-line message on bad input.
"""
from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app.core.cli import now_option, parse_now
from app.core.types import utcnow
from app.subscriptions import delivery, reminders

subscriptions_cli = AppGroup("subscriptions", help="Mail about new meetings to subscribers.")
reminders_cli = AppGroup("reminders", help="Reminders before meetings.")


def _now(value: str | None) -> datetime:
    return parse_now(value, require_offset=False, years=(1900, 2199)) or utcnow()


@subscriptions_cli.command("notify")
@now_option(require_offset=False)
def notify(now_text: str | None) -> None:
    """Mail immediate subscribers about newly published meeting series (run every 10–15 minutes)."""
    sent = delivery.send_immediate(_now(now_text))
    click.echo(f"{sent} new-meeting mails queued")


@subscriptions_cli.command("digest")
@now_option(require_offset=False)
def digest(now_text: str | None) -> None:
    """Weekly digests: at most one per person per ISO week (safe to run daily)."""
    sent = delivery.send_digests(_now(now_text))
    click.echo(f"{sent} weekly digests queued")


@reminders_cli.command("send")
@now_option(require_offset=False)
def send(now_text: str | None) -> None:
    """Remind confirmed registrants reminder_hours_before each meeting (run every 15 minutes)."""
    sent = reminders.send_reminders(_now(now_text))
    click.echo(f"{sent} meeting reminders queued")
