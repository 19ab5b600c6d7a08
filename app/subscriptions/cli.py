"""Cron commands: ``flask subscriptions notify|digest`` and ``flask reminders send``.

Each is idempotent and safe on several hosts at once (see delivery.py and reminders.py), prints a
count and exits non-zero with a one-line message on bad input.
"""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.core.types import utcnow
from app.subscriptions import delivery, reminders

subscriptions_cli = AppGroup("subscriptions", help="Mail about new meetings to subscribers.")
reminders_cli = AppGroup("reminders", help="Reminders before meetings.")

_NOW_HELP = "Pretend the current time is this ISO 8601 instant (UTC if no offset)."


def _parse_now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--now: not an ISO 8601 date-time: {value!r}") from None
    if not 1900 <= parsed.year <= 2199:
        raise click.ClickException(f"--now: the year must be 1900–2199: {value!r}")
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


@subscriptions_cli.command("notify")
@click.option("--now", "now_text", default=None, help=_NOW_HELP)
def notify(now_text: str | None) -> None:
    """Mail immediate subscribers about newly published meeting series (run every 10–15 minutes)."""
    sent = delivery.send_immediate(_parse_now(now_text))
    click.echo(f"{sent} new-meeting mails queued")


@subscriptions_cli.command("digest")
@click.option("--now", "now_text", default=None, help=_NOW_HELP)
def digest(now_text: str | None) -> None:
    """Weekly digests: at most one per person per ISO week (safe to run daily)."""
    sent = delivery.send_digests(_parse_now(now_text))
    click.echo(f"{sent} weekly digests queued")


@reminders_cli.command("send")
@click.option("--now", "now_text", default=None, help=_NOW_HELP)
def send(now_text: str | None) -> None:
    """Remind confirmed registrants reminder_hours_before each meeting (run every 15 minutes)."""
    sent = reminders.send_reminders(_parse_now(now_text))
    click.echo(f"{sent} meeting reminders queued")
