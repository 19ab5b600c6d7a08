"""``flask privacy ...``: retention (run daily from cron or a systemd timer) and GDPR requests by mail."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.cli import now_option, parse_now
from app.core.types import utcnow
from app.errors import DomainError
from app.extensions import db
from app.core.audit import audit
from app.privacy import services

privacy_cli = AppGroup("privacy", help="Personal data: retention, export, erasure.")


@privacy_cli.command("anonymise")
@now_option(require_offset=False)
@click.option("--dry-run", is_flag=True, help="Only count; change nothing.")
@click.option("--retention-days", type=int, default=None, help="Default: RETENTION_DAYS (30).")
def anonymise(now_text: str | None, dry_run: bool, retention_days: int | None) -> None:
    """Anonymise registrations of meetings that ended more than RETENTION_DAYS ago."""
    now = parse_now(now_text, require_offset=False) or utcnow()
    days = current_app.config["RETENTION_DAYS"] if retention_days is None else retention_days
    if days < 0:
        raise click.ClickException("--retention-days must not be negative")
    if dry_run:
        count = services.count_expired(now, days)
        db.session.rollback()
        click.echo(f"{count} registration(s) would be anonymised (dry run; retention {days} days)")
        return
    count = services.anonymise_expired(now, days)
    from app.guidance.privacy import anonymise_expired as anonymise_guidance  # guidance appointments too

    guidance = anonymise_guidance(now, days)
    db.session.commit()
    click.echo(f"{count} registration(s) anonymised (retention {days} days)")
    click.echo(f"{guidance} guidance appointment(s) anonymised")


@privacy_cli.command("export")
@click.argument("email")
def export(email: str) -> None:
    """Print all personal data stored about EMAIL as JSON (for a request received by mail)."""
    try:
        data = services.export_person(email)
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from None
    audit(None, "privacy.export", "email", "-")
    db.session.commit()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(email: str, yes: bool) -> None:
    """Erase or anonymise all personal data stored about EMAIL."""
    if not yes:
        click.confirm(f"Erase all personal data of {email}?", abort=True)
    try:
        counts = services.erase_person(email, actor=None)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo("erased: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
