"""``flask meetings materialise``: extend published series' occurrences up to the horizon."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from app.core.types import utcnow
from app.extensions import db
from app.meetings import services

meetings_cli = AppGroup("meetings", help="Meeting series.")


def _parse_now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--now: not an ISO 8601 date-time: {value!r}") from None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


@meetings_cli.command("materialise")
@click.option("--now", "now_text", default=None, help="Pretend the current time is this ISO 8601 instant (UTC if "
                                                       "no offset).")
def materialise(now_text: str | None) -> None:
    """Create the missing occurrences of every published series up to MEETINGS_MATERIALISE_DAYS ahead."""
    now = _parse_now(now_text)
    result = services.materialise_all(now=now)
    db.session.commit()
    click.echo(f"{result['created']} occurrences created for {result['series']} published series")
    if result["unbooked"]:
        click.echo(f"{result['unbooked']} upcoming occurrences could not book their space (the slot is taken); "
                   "staff see a warning on the series page")
