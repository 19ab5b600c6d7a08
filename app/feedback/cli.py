"""``flask feedback send``: invitations and reminders (cron-safe, idempotent)."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.feedback import services

feedback_cli = AppGroup("feedback", help="Follow-up feedback after meetings.")


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--now: not an ISO 8601 time: {value!r} "
                                   "(e.g. 2026-11-23T18:00:00+02:00)") from None
    if parsed.tzinfo is None:
        raise click.ClickException("--now: give the time with its offset, e.g. 2026-11-23T18:00:00+02:00")
    return parsed.astimezone(timezone.utc)


@feedback_cli.command("send")
@click.option("--now", "now_text", default=None, help="Act as if it were this ISO 8601 time (with offset).")
def send(now_text: str | None) -> None:
    """Send due feedback invitations and reminders (safe to run from cron on several hosts)."""
    result = services.send_due(_parse_now(now_text))
    click.echo(f"invitations {result.invitations} ({result.occurrences} meetings), reminders {result.reminders}")
