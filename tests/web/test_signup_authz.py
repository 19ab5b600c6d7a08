"""Who may use each sign-up and membership route: anonymous, an NGO user who is not a member,
a member, the contact person and staff (issue 15). The generic matrix (tests/security) covers
ngo A/ngo B/staff/admin; this one tells a member from the contact person."""
from __future__ import annotations

import itertools
import secrets

import pytest

from app.accounts import signup
from app.accounts.membership_models import Membership, OrganizationProposal, PendingSignup
from app.accounts.models import Organization, User
from app.core.types import utcnow
from app.extensions import db

ROLES = ("anonymous", "outsider", "member", "contact", "staff")
OK, LOGIN, NO = "ok", "login", "forbidden"
_n = itertools.count(1)


def _expect(anonymous, outsider, member, contact, staff):
    return dict(zip(ROLES, (anonymous, outsider, member, contact, staff)))


EVERYONE = _expect(OK, OK, OK, OK, OK)
LOGGED_IN = _expect(LOGIN, OK, OK, OK, OK)
MANAGERS = _expect(LOGIN, NO, NO, OK, OK)
STAFF = _expect(LOGIN, NO, NO, NO, OK)

# (endpoint, method, path template, expectations); {x} are filled from the world's providers.
CASES = [
    ("signup.signup_page", "GET", "/signup", EVERYONE),
    ("signup.signup_page", "POST", "/signup", EVERYONE),
    ("signup.check_email", "GET", "/signup/check-email", EVERYONE),
    ("signup.resend", "GET", "/signup/resend", EVERYONE),
    ("signup.resend", "POST", "/signup/resend", EVERYONE),
    ("signup.verify", "GET", "/signup/verify/{signup_token}", EVERYONE),
    ("signup.join", "GET", "/organisation/join?q=ry", LOGGED_IN),
    ("signup.ask_to_join", "POST", "/organisation/join/{org_id}", LOGGED_IN),
    ("signup.withdraw", "POST", "/organisation/join-requests/{outsider_request}/withdraw",
     _expect(LOGIN, OK, NO, NO, NO)),
    ("signup.propose", "GET", "/organisation/propose", LOGGED_IN),
    ("memberships.approve", "POST", "/organisation/join-requests/{join_request}/approve", MANAGERS),
    ("memberships.decline", "POST", "/organisation/join-requests/{join_request}/decline", MANAGERS),
    ("memberships.remove", "POST", "/organisation/members/{member}/remove", MANAGERS),
    ("memberships.make_contact", "POST", "/organisation/members/{member}/contact", MANAGERS),
    ("memberships.make_member", "POST", "/organisation/members/{contact}/member", MANAGERS),
    ("memberships.queue", "GET", "/organisation-requests", STAFF),
    ("memberships.approve_proposal", "POST", "/organisation-proposals/{proposal}/approve", STAFF),
    ("memberships.decline_proposal", "POST", "/organisation-proposals/{proposal}/decline", STAFF),
    ("my_organisation.index", "GET", "/my-organisation", LOGGED_IN),
    ("my_organisation.organisation", "GET", "/organisation/{org_id}/overview", _expect(LOGIN, NO, OK, OK, OK)),
]


@pytest.fixture
def world(app, make):
    org = make.organization(name="Matriisi ry")
    users = {"contact": make.user("ngo", organization=org), "member": make.user("ngo", organization=org),
             "outsider": make.user("ngo"), "staff": make.user("staff")}
    clients = {"anonymous": app.test_client()}
    for role, user in users.items():
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": "correct-horse-battery"}).status_code == 302
        clients[role] = client

    def new_user(**fields) -> int:
        user = User(email=f"m{next(_n)}-{secrets.token_hex(3)}@example.org", name="Someone", role="ngo", **fields)
        db.session.add(user)
        db.session.flush()
        return user.id

    def row(status, role="member", user_id=None, org_id=None) -> int:
        with app.app_context():
            org_id = org_id or org.id
            user_id = user_id or new_user(organization_id=org_id if status == "approved" else None)
            membership = Membership(user_id=user_id, organization_id=org_id, status=status, role=role)
            db.session.add(membership)
            db.session.commit()
            return membership.id

    def outsider_request() -> int:
        with app.app_context():
            other = Organization(name=f"Toinen {next(_n)} ry", email="x@example.org")
            db.session.add(other)
            db.session.commit()
            other_id = other.id
        return row("pending", user_id=users["outsider"].id, org_id=other_id)

    def proposal() -> int:
        with app.app_context():
            item = OrganizationProposal(proposer_id=new_user(), name=f"Ehdotettu {next(_n)} ry", email="e@example.org")
            db.session.add(item)
            db.session.commit()
            return item.id

    def signup_token() -> str:
        with app.app_context():
            pending = PendingSignup(email=f"p{next(_n)}@example.org", name="P", password_hash="x", locale="fi",
                                    secret=secrets.token_hex(16), privacy_accepted_at=utcnow())
            db.session.add(pending)
            db.session.commit()
            return signup.verification_token(pending)

    providers = {"org_id": lambda: org.id, "join_request": lambda: row("pending"),
                 "member": lambda: row("approved"), "contact": lambda: row("approved", "contact"),
                 "outsider_request": outsider_request, "proposal": proposal, "signup_token": signup_token}
    return clients, providers


def _outcome(response) -> str:
    if response.status_code in (302, 303) and "/login" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code in (401, 403, 404):
        return NO
    assert response.status_code < 500, response.status_code
    return OK


def test_every_route_by_role(app, world):
    """One world for every case (logging in five people per case would be slow); fresh objects per call."""
    clients, providers = world
    problems = []
    for endpoint, method, template, expected in CASES:
        for role in ROLES:
            names = [name for name in providers if "{" + name + "}" in template]
            path = template.format(**{name: providers[name]() for name in names})
            got = _outcome(clients[role].open(path, method=method, data={}))
            if got != expected[role]:
                problems.append(f"{method} {path} ({endpoint}) as {role}: expected {expected[role]}, got {got}")
    assert not problems, "\n".join(problems)


def test_every_new_route_is_in_the_matrix(app):
    new = {rule.endpoint for rule in app.url_map.iter_rules()
           if rule.endpoint.split(".")[0] in ("signup", "memberships", "my_organisation")}
    assert new == {case[0] for case in CASES}
