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
SECRET_PURPOSE = "Secretpurpose-birthday-4410"  # a booking request's purpose: staff and the requester only
SECRET_FEEDBACK = "Secretfeedback-text-9921"  # a named feedback form's free-text answer: staff only
SECRET_TOPIC_NOTE = "Secretstaffnote-3318"  # staff's note on a topic proposal


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
    world = World(org_a=org_a, org_b=org_b, users=users, api_tokens=api_tokens, api_token_a_id=token_id,
                  series=series, occurrence=occurrence, registration=registration,
                  registration_token=reg_token, reset_token_a=reset)
    world.extra.update(_features(app, make, world))
    from tests.security.signup_world import signup_objects

    world.extra.update(signup_objects(app, world))  # sign-up and membership (issue 15)
    return world


def _features(app, make, world: World) -> dict[str, Any]:
    """Objects of the merged features, owned by org A / ngo A where they have an owner."""
    from datetime import date, timedelta

    from app.calendar import tokens as calendar_tokens
    from app.core.types import utcnow
    from app.feedback import services as feedback
    from app.feedback.models import FeedbackInvitation

    space = make.space(name="Security test space")
    # A meeting that has taken place: its registrant (ngo A) was invited to give feedback.
    past = make.past_occurrence()
    past_registration = make.registration(past, name=SECRET_NAME, email=SECRET_EMAIL, user_id=world.ngo_a.id,
                                          organization_id=world.org_a.id)
    now = utcnow()
    start = now + timedelta(days=10)
    booking = make.booking(space, start, start + timedelta(hours=2), title="Security booking",
                           organization_id=world.org_a.id)
    exception = make.space_exception(space, date.today() + timedelta(days=20), note="Closed")
    request = make.booking_request(space, requester=world.ngo_a, title="Security request", purpose=SECRET_PURPOSE,
                                   headcount=8, start=now + timedelta(days=12),
                                   end=now + timedelta(days=12, hours=2))
    theme = make.theme(key="security-theme", name_fi="Turvateema", position=99)
    form = make.feedback_form(past.series_id, anonymous=False)
    text_question = next(q for q in make.questions(form) if q.kind == "text")
    invitation = make.feedback_invitation(past_registration, form=form, secret="securitytestsecret", locale="en",
                                          sent_at=now, closes_at=now + timedelta(days=14))
    make.feedback_response(invitation, {text_question.id: SECRET_FEEDBACK}, responded_at=now, locale="en")
    proposal = make.topic(world.occurrence, title="Security topic", description="Public description",
                          proposer_id=world.ngo_a.id, organization_id=world.org_a.id,
                          staff_note=SECRET_TOPIC_NOTE, voters=[world.ngo_a])
    with app.app_context():
        ngo_a = db.session.get(User, world.ngo_a.id)
        staff = db.session.get(User, world.users["staff"].id)
        values = {
            "space": space, "booking_id": booking.id, "exception_id": exception.id,
            "booking_request_id": request.id, "theme_id": theme.id, "question_id": text_question.id,
            "feedback_series_id": past.series_id, "past_occurrence_id": past.id, "proposal_id": proposal.id,
            "feedback_token": feedback.make_token(db.session.get(FeedbackInvitation, invitation.id)),
            "personal_feed_token": calendar_tokens.personal_feed_token(ngo_a),
            "space_staff_token": calendar_tokens.space_staff_token(staff, space.id),
        }
        db.session.remove()
    values.update(_guidance(app, make, world))
    values.update(_subscriptions(app, make, world, values["theme_id"]))

    def new_exception() -> int:
        """Another exception day of the space (deleting one consumes it)."""
        made.append(make.space_exception(space, date.today() + timedelta(days=30 + len(made))).id)
        return made[-1]

    def new_proposal() -> int:
        """Another topic of ngo A (withdrawing one consumes it)."""
        made.append(make.topic(world.occurrence, title="Another topic", proposer_id=world.ngo_a.id,
                               organization_id=world.org_a.id).id)
        return made[-1]

    made: list[int] = []
    values.update(new_exception=new_exception, new_proposal=new_proposal)
    values.update(_loop_features(make, world, past, values["proposal_id"]))
    return values


def _loop_features(make, world: World, past, proposal_id: int) -> dict[str, Any]:
    """A published record with a file on the past meeting, and an outcome of ngo A's topic."""
    from app.records.samples import sample_pdf

    staff = world.users["staff"]

    def new_attachment() -> int:
        """Another file of the past meeting (deleting one consumes it)."""
        return make.attachment(past, filename="extra.pdf", data=sample_pdf("extra"), actor=staff).id

    make.record(past, actor=staff, publish=True, summary={"fi": "Pöytäkirja"})
    attachment = make.attachment(past, filename="slides.pdf", data=sample_pdf(), actor=staff)
    outcome = make.outcome(actor=staff, title={"fi": "Tulos"}, topic_ids=[proposal_id])
    return {"attachment_id": attachment.id, "outcome_id": outcome.id, "new_attachment": new_attachment}


def role_client(app: Flask, world: World, role: str):
    """A test client logged in as ``role`` (session set directly: no password hashing per client)."""
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = world.users[role].get_id()
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


def _guidance(app, make, world: World) -> dict[str, Any]:
    """A guidance hour advised by staff, with ngo A's appointment carrying distinctive personal data."""
    from app.guidance import tokens as guidance_tokens
    from app.guidance.models import GuidanceAppointment

    hour = make.guidance_hour(advisers=[world.users["staff"]])
    appointment = make.appointment(hour, name=SECRET_NAME, email=SECRET_EMAIL, question=SECRET_NEEDS,
                                   organization_name=SECRET_ORG_NAME, user_id=world.ngo_a.id)
    with app.app_context():
        token = guidance_tokens.appointment_token(db.session.get(GuidanceAppointment, appointment.id))
        feed = guidance_tokens.adviser_feed_token(db.session.get(User, world.users["staff"].id))
        db.session.remove()
    return {"guidance_hour_id": hour.id, "guidance_window_id": make.guidance_windows(hour)[1].id,
            "guidance_appointment_id": appointment.id, "guidance_token": token, "adviser_feed_token": feed}


@pytest.fixture(autouse=True)
def _sign_in_services(request):
    """The matrix meets the OIDC routes with a configured provider (a real one, tests/oidc), so that
    ``/login/oidc/helsinki`` is a page and not a 404."""
    if "[oidc." in request.node.name:
        request.getfixturevalue("oidc_settings")


def _subscriptions(app, make, world: World, theme: int) -> dict[str, Any]:
    """ngo A's subscription and its unsubscribe link; ``new_subscription`` makes another one (deleting consumes)."""
    from app.core.districts import DISTRICTS
    from app.subscriptions.tokens import unsubscribe_token

    made: list[int] = []

    def new_subscription() -> int:
        district = sorted(DISTRICTS)[len(made) % len(DISTRICTS)]
        theme_id = theme if len(made) >= len(DISTRICTS) else None
        made.append(make.subscription(world.ngo_a, theme=theme_id, district=district, frequency="weekly").id)
        return made[-1]

    row = make.subscription(world.ngo_a, theme=theme, district=None, frequency="immediate")
    with app.app_context():
        values = {"subscription_id": row.id, "unsubscribe_token": unsubscribe_token(world.ngo_a.id, [row.id]),
                  "new_subscription": new_subscription}
        db.session.remove()
    return values
