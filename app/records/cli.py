"""``flask records remind``: reminders about unpublished meeting records (cron-safe, idempotent)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.core.cli import now_option, parse_now
from app.records.reminders import send_reminders

records_cli = AppGroup("records", help="Meeting records and materials.")


@records_cli.command("remind")
@now_option(require_offset=True)
def remind(now_text: str | None) -> None:
    """Remind staff 3 and 7 days after a meeting whose record is unpublished (safe to run from cron)."""
    result = send_reminders(parse_now(now_text, require_offset=True))
    click.echo(f"reminders {result.reminders} (mails {result.mails})")
