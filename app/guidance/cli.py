"""``flask guidance remind`` (reminders) and ``flask guidance materialise`` (dates ahead): both
idempotent and safe to run from cron on several hosts at once."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.core.types import utcnow
from app.extensions import db

guidance_cli = AppGroup("guidance", help="Guidance hours: reminders and dates ahead.")


def _parse_now(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--now: not an ISO 8601 time: {value!r} "
                                   "(e.g. 2027-02-01T09:00:00+02:00)") from None
    if parsed.tzinfo is None:
        raise click.ClickException("--now: give the time with its offset, e.g. 2027-02-01T09:00:00+02:00")
    return parsed.astimezone(timezone.utc)


@guidance_cli.command("remind")
@click.option("--now", "now_text", default=None, help="Act as if it were this ISO 8601 time (with offset).")
def remind(now_text: str | None) -> None:
    """Send the reminders that are due (each appointment gets one, whatever runs in parallel)."""
    from app.guidance.services.reminders import send_due_reminders

    sent = send_due_reminders(_parse_now(now_text))
    click.echo(f"reminders {sent}")


@guidance_cli.command("materialise")
@click.option("--now", "now_text", default=None, help="Act as if it were this ISO 8601 time (with offset).")
def materialise(now_text: str | None) -> None:
    """Create the dates of recurring guidance hours up to GUIDANCE_HORIZON_DAYS ahead."""
    from app.guidance.services.hours import extend_all

    created, unbooked = extend_all(_parse_now(now_text))
    db.session.commit()
    click.echo(f"dates {created}, space not booked {unbooked}")
