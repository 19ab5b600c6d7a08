"""``flask guidance remind`` (reminders) and ``flask guidance materialise`` (dates ahead): both
idempotent and safe to run from cron on several hosts at once."""
from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app.core.cli import now_option, parse_now
from app.core.types import utcnow
from app.extensions import db

guidance_cli = AppGroup("guidance", help="Guidance hours: reminders and dates ahead.")


def _now(value: str | None) -> datetime:
    return parse_now(value, require_offset=True, example="2027-02-01T09:00:00+02:00") or utcnow()


@guidance_cli.command("remind")
@now_option(require_offset=True)
def remind(now_text: str | None) -> None:
    """Send the reminders that are due (each appointment gets one, whatever runs in parallel)."""
    from app.guidance.services.reminders import send_due_reminders

    sent = send_due_reminders(_now(now_text))
    click.echo(f"reminders {sent}")


@guidance_cli.command("materialise")
@now_option(require_offset=True)
def materialise(now_text: str | None) -> None:
    """Create the dates of recurring guidance hours up to GUIDANCE_HORIZON_DAYS ahead."""
    from app.guidance.services.hours import extend_all

    created, unbooked = extend_all(_now(now_text))
    db.session.commit()
    click.echo(f"dates {created}, space not booked {unbooked}")
