"""``flask records remind``: reminders about unpublished meeting records (cron-safe, idempotent)."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.records.reminders import send_reminders

records_cli = AppGroup("records", help="Meeting records and materials.")


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


@records_cli.command("remind")
@click.option("--now", "now_text", default=None, help="Act as if it were this ISO 8601 time (with offset).")
def remind(now_text: str | None) -> None:
    """Remind staff 3 and 7 days after a meeting whose record is unpublished (safe to run from cron)."""
    result = send_reminders(_parse_now(now_text))
    click.echo(f"reminders {result.reminders} (mails {result.mails})")
