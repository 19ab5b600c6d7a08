"""``flask meetings materialise``: extend published series' occurrences up to the horizon."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.core.cli import now_option, parse_now
from app.core.types import utcnow
from app.extensions import db
from app.meetings import services

meetings_cli = AppGroup("meetings", help="Meeting series.")


@meetings_cli.command("materialise")
@now_option(require_offset=False)
def materialise(now_text: str | None) -> None:
    """Create the missing occurrences of every published series up to MEETINGS_MATERIALISE_DAYS ahead."""
    now = parse_now(now_text, require_offset=False) or utcnow()
    result = services.materialise_all(now=now)
    db.session.commit()
    click.echo(f"{result['created']} occurrences created for {result['series']} published series")
    if result["unbooked"]:
        click.echo(f"{result['unbooked']} upcoming occurrences could not book their space (the slot is taken); "
                   "staff see a warning on the series page")
