"""``flask mail deliver``: the outbox worker."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.mail import services

mail_cli = AppGroup("mail", help="Outbox mail.")


@mail_cli.command("deliver")
@click.option("--once", is_flag=True, help="Drain the due mail and exit.")
@click.option("--dry-run", is_flag=True, help="Print the due mail; send and change nothing.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@click.option("--batch-size", default=50, show_default=True, type=click.IntRange(1, 1000),
              help="Messages claimed at a time (smaller batches spread mail over more workers).")
def deliver(once: bool, dry_run: bool, interval: float, batch_size: int) -> None:
    """Deliver due outbox mail (retries with backoff, at least once)."""
    if dry_run:
        rows = services.due_messages()
        for row in rows:
            click.echo(services.render_as_text(row))
            click.echo("-" * 72)
        click.echo(f"{len(rows)} message(s) due; nothing sent (dry run).")
        return
    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("MAIL_SERVER is not set: mail stays queued (see --dry-run).")
    total_sent = total_failed = 0
    while True:
        sent, failed = services.deliver_due(limit=batch_size)
        total_sent += sent
        total_failed += failed
        if once and sent + failed == 0:
            break
        if not once and sent + failed == 0:
            time.sleep(interval)
        if once and sent == 0:
            break  # only failures left: they wait for their backoff
    click.echo(f"sent {total_sent}, failed attempts {total_failed}")
