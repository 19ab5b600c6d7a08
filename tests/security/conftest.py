"""The data the security tests run against: two organisations, a user of every role, a meeting
with distinctive personal data, and a test client per role."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from app.accounts import services as accounts
from app.accounts.models import ApiToken, User
from app.extensions import db
from app.meetings.models import Registration
from app.meetings.tokens import registration_token
from tests.security.routes import PARAMS

# Distinctive personal data: none of these strings may appear on a public page or feed.
SECRET_NAME = "Zebulon Quixote-Personal"
SECRET_EMAIL = "zebulon.private@example.org"
SECRET_NEEDS = "Secretneed-wheelchair-7731"
SECRET_ORG_NAME = "Privatgroup Xyzzy"
LISTED_NAME = "Listed Lumikki-Optin"  # chose to be on the participant list
LISTED_EMAIL = "lumikki.optin@example.org"
LISTED_NEEDS = "Secretneed-optin-5512"


@dataclass
class World:
    """Objects the path parameters point to; org A / ngo A own them."""

    org_a: Any
    org_b: Any
    users: dict[str, User]
    api_tokens: dict[str, str]
    api_token_a_id: int
    series: Any
    occurrence: Any
    registration: Any
    registration_token: str
    reset_token_a: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ngo_a(self) -> User:
        return self.users["ngo_a"]

    def __getattr__(self, name: str) -> Any:  # lets PARAMS use w.<anything added to extra>
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def world(app, make) -> World:
    org_a = make.organization(name="Organisation A ry")
    org_b = make.organization(name="Organisation B ry")
    users = {"ngo_a": make.user("ngo", organization=org_a, password=None),
             "ngo_b": make.user("ngo", organization=org_b, password=None),
             "staff": make.user("staff", password=None), "admin": make.user("admin", password=None)}
    api_tokens = {role: make.token(user) for role, user in users.items()}
    series = make.series(occurrences=2)
    occurrence = make.occurrences(series)[0]
    registration = make.registration(occurrence, name=SECRET_NAME, email=SECRET_EMAIL, needs=SECRET_NEEDS,
                                     organization_name=SECRET_ORG_NAME, user_id=users["ngo_a"].id,
                                     organization_id=org_a.id, seats=2)
    make.registration(occurrence, name=LISTED_NAME, email=LISTED_EMAIL, needs=LISTED_NEEDS,
                      show_on_participant_list=True)
    make.registration(occurrence, name=SECRET_NAME + " Waiting", email="w." + SECRET_EMAIL, status="waitlisted")
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id).where(ApiToken.user_id == users["ngo_a"].id))
        reg_token = registration_token(db.session.get(Registration, registration.id))
        reset = accounts.make_password_reset_token(db.session.get(User, users["ngo_a"].id))
    return World(org_a=org_a, org_b=org_b, users=users, api_tokens=api_tokens, api_token_a_id=token_id,
                 series=series, occurrence=occurrence, registration=registration,
                 registration_token=reg_token, reset_token_a=reset)


def role_client(app: Flask, world: World, role: str):
    """A test client logged in as ``role`` (session set directly: no password hashing per client)."""
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = str(world.users[role].id)
            session["_fresh"] = True
    return client


class MissingParam(LookupError):
    pass


def build_path(rule: Rule, world: World) -> str:
    """The rule's URL with every path parameter filled from ``PARAMS``."""
    values = {}
    for name in rule.arguments:
        provider = PARAMS.get(f"{rule.endpoint}.{name}") or PARAMS.get(name)
        if provider is None:
            raise MissingParam(
                f"no value for path parameter <{name}> of {rule.endpoint} ({rule.rule}): add "
                f"\"{name}\": lambda w: ... (or \"{rule.endpoint}.{name}\") to PARAMS in tests/security/routes.py")
        values[name] = provider(world)
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{re.escape(name)}>", str(value), path)
    return path


def app_rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def crawl(app, world: World, roles=None, levels=None):
    """(role, level, path, response) for every GET route each role may use, per the table."""
    from tests.security.routes import ALLOWED, rule_for

    for rule in app_rules(app):
        if "GET" not in methods_of(rule):
            continue
        level = rule_for(rule.endpoint, "GET")
        if level is None or (levels is not None and level not in levels):
            continue
        path = build_path(rule, world)
        is_api = rule.rule.startswith("/api/")
        for role in roles or ALLOWED[level]:
            if role not in ALLOWED[level]:
                continue
            client = role_client(app, world, "anonymous" if is_api else role)
            headers = ({"Authorization": f"Bearer {world.api_tokens[role]}"}
                       if is_api and role != "anonymous" else {})
            yield role, level, path, client.get(path, headers=headers)
