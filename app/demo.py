"""``flask demo load``: realistic, idempotent demo data so that ``make run`` shows a living service."""
from __future__ import annotations

from typing import Callable

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import Organization, User
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "kohtaamo-demo"

DEMO_ORGANIZATIONS = [
    # (name, Y-tunnus, email, district)
    ("Kallion Kotiseutuyhdistys ry", "1572860-0", "info@kallio-seura.example", "central"),
    ("Itä-Helsingin Kulttuuriyhdistys ry", "2454030-0", "toimisto@ita-kulttuuri.example", "eastern"),
    ("Malmin Nuorisoseura ry", "0796860-4", "nuoret@malmi.example", "northeastern"),
    ("Föreningen Svenska Hem i Helsingfors rf", "3133370-5", "kansli@svenskahem.example", "southern"),
    ("Kontulan Asukasyhdistys ry", None, "asukkaat@kontula.example", "eastern"),
]

DEMO_USERS = [
    # (email, role, name, organisation index or None, locale)
    ("admin@kohtaamo.example", "admin", "Aino Admin", None, "fi"),
    ("staff@kohtaamo.example", "staff", "Sanna Virtanen", None, "fi"),
    ("personal@kohtaamo.example", "staff", "Peter Lindqvist", None, "sv"),
    ("ngo@kohtaamo.example", "ngo", "Niko Järvinen", 0, "fi"),
    ("forening@kohtaamo.example", "ngo", "Sofia Nyström", 3, "sv"),
]

# Feature packages append loaders (function taking no arguments, idempotent) to this list.
EXTRA_LOADERS: list[Callable[[], None]] = []


def _load_spaces() -> None:
    """Resident spaces with opening hours and a few bookings (app/spaces/demo.py)."""
    from app.spaces.demo import load_spaces_demo

    load_spaces_demo()


EXTRA_LOADERS.append(_load_spaces)


def load_demo_data() -> None:
    """Insert what is missing; running twice changes nothing."""
    orgs: list[Organization] = []
    for name, business_id, email, district in DEMO_ORGANIZATIONS:
        org = db.session.scalar(select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(name=name, business_id=business_id, email=email, district=district)
            db.session.add(org)
            db.session.flush()
        orgs.append(org)
    for email, role, name, org_index, locale in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            accounts.create_user(email, role=role, name=name, password=DEMO_PASSWORD, locale=locale,
                                 organization_id=orgs[org_index].id if org_index is not None else None)
    for loader in EXTRA_LOADERS:
        loader()
    db.session.flush()


@demo_cli.command("load")
def load() -> None:
    """Load the demo data (idempotent)."""
    load_demo_data()
    db.session.commit()
    click.echo(f"demo data ready; log in as staff@kohtaamo.example / {DEMO_PASSWORD}")
