"""``flask users create`` and ``flask tokens create`` (CONTRACT.md)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts import services
from app.accounts.notifications import send_account_created
from app.accounts.models import User
from app.errors import DomainError
from app.extensions import db

users_cli = AppGroup("users", help="User accounts.")
tokens_cli = AppGroup("tokens", help="API tokens.")


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message}" + (f" ({details})" if details else ""))


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "staff", "ngo"]), required=True)
@click.option("--name", default="")
@click.option("--org", "org_id", type=int, default=None, help="Organisation id (for NGO users).")
@click.option("--password", default=None, help="Without it: prompt, or a set-password link by mail.")
@click.option("--locale", type=click.Choice(["fi", "sv", "en"]), default="fi")
def create_user(email, role, name, org_id, password, locale):
    """Create a user. Without --password: prompted on a terminal, else a one-time link by mail."""
    if password is None and sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, role=role, name=name, organization_id=org_id,
                                    password=password, locale=locale)
        if password is None:
            send_account_created(user)
    except DomainError as exc:
        db.session.rollback()
        _fail(exc)
    db.session.commit()
    click.echo(f"created user {user.id} {user.email} ({user.role})"
               + ("" if password else "; a set-password link was queued by mail"))


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user(email):
    """Close an account: login and API tokens stop working, every session ends."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    services.deactivate_user(user)
    db.session.commit()
    click.echo(f"deactivated user {user.id} {user.email}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--label", default="", help="What the token is for.")
def create_token(email, label):
    """Create an API token; the token alone is printed on the last line."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    _token, plain = services.create_api_token(user, label)
    db.session.commit()
    click.echo(plain)
