"""Factories: create committed rows for tests and return them detached with attributes loaded."""
from __future__ import annotations

import itertools
from typing import Any

import pytest

from app.accounts import services as accounts
from app.accounts.models import Organization, User
from app.extensions import db

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def detach(obj: Any) -> Any:
    """Load every column, then detach, so tests can read attributes outside an app context."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


class Factory:
    """``make.organization()``, ``make.user(role="staff")``, ``make.token(user)``…"""

    def __init__(self, app) -> None:
        self.app = app

    def organization(self, **fields: Any) -> Organization:
        n = next(_sequence)
        values = {"name": f"Testijärjestö {n} ry", "email": f"org{n}@example.org", "district": "central"}
        values.update(fields)
        with self.app.app_context():
            org = Organization(**values)
            db.session.add(org)
            db.session.commit()
            return detach(org)

    def user(self, role: str = "ngo", *, organization: Organization | None = None, password: str = PASSWORD,
             **fields: Any) -> User:
        n = next(_sequence)
        with self.app.app_context():
            user = accounts.create_user(fields.pop("email", f"user{n}@example.org"), role=role,
                                        name=fields.pop("name", f"Testi Käyttäjä {n}"),
                                        organization_id=organization.id if organization else None,
                                        password=password, **fields)
            db.session.commit()
            return detach(user)

    def token(self, user: User, label: str = "test") -> str:
        with self.app.app_context():
            _token, plain = accounts.create_api_token(db.session.get(User, user.id), label)
            db.session.commit()
            return plain

    def auth(self, role: str = "staff", **kwargs: Any) -> dict[str, str]:
        """Headers with a Bearer token of a new user of ``role``."""
        user = self.user(role, **kwargs)
        return {"Authorization": f"Bearer {self.token(user)}"}


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)
