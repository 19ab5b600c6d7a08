"""A draft series is invisible to everyone but staff, through every door (issue 11, item 3).

The routes are discovered from ``app.url_map``: every route with a series, occurrence or topic
proposal id in its path, every method, HTML and API. A new route is covered without editing this.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.feedback.models import TopicProposal
from tests.security.conftest import app_rules, build_path, methods_of, role_client
from tests.security.routes import ALLOWED, PARAMS, rule_for

DRAFT_PARAMS = ("series_id", "occurrence_id", "proposal_id")
DRAFT_TITLE = "Draft topic Qwertyuiop"


@pytest.fixture
def draft(app, make, world):
    """A draft series with an occurrence and a topic proposal on it (made while it was public)."""
    series = make.series(occurrences=1, status="draft", title_fi="Luonnos Asdfghjkl")
    occurrence = make.occurrences(series)[0]
    proposal_id = make.topic(occurrence, title=DRAFT_TITLE, proposer_id=world.ngo_a.id,
                             organization_id=world.org_a.id).id
    return {"series_id": series.id, "occurrence_id": occurrence.id, "proposal_id": proposal_id}


def _draft_routes(app):
    for rule in app_rules(app):
        if any(name in rule.arguments for name in DRAFT_PARAMS):
            for method in methods_of(rule):
                yield rule, method


def _path(rule, world, draft):
    path = build_path(rule, world)
    for name in DRAFT_PARAMS:
        if name in rule.arguments:
            real = PARAMS.get(f"{rule.endpoint}.{name}") or PARAMS[name]
            path = path.replace(f"/{real(world)}", f"/{draft[name]}", 1) if name != "proposal_id" else \
                path.replace(f"/{world.proposal_id}", f"/{draft[name]}", 1)
    return path


def _call(app, world, role, rule, method, path):
    is_api = rule.rule.startswith("/api/")
    client = role_client(app, world, "anonymous" if is_api else role)
    headers = {"Authorization": f"Bearer {world.api_tokens[role]}"} if is_api and role != "anonymous" else {}
    kwargs = {"json": {}} if is_api and method in ("POST", "PUT", "PATCH") else {}
    return client.open(path, method=method, headers=headers, **kwargs)


def test_every_route_taking_a_draft_id_answers_404(app, world, draft):
    checked = []
    for rule, method in _draft_routes(app):
        level = rule_for(rule.endpoint, method)
        # withdraw consumes its proposal: the table gives it a fresh one, the draft one stays put
        path = f"/topics/{draft['proposal_id']}/withdraw" if rule.endpoint == "topics.withdraw" else \
            _path(rule, world, draft)
        for role in ("anonymous", "ngo_a", "ngo_b"):
            response = _call(app, world, role, rule, method, path)
            where = f"{method} {path} ({rule.endpoint}) as {role}"
            if role in ALLOWED[level]:
                assert response.status_code == 404, f"{where}: {response.status_code} {response.data[:200]!r}"
            else:  # refused as for a published meeting (login, 401/403) or 404: never served
                assert response.status_code in (302, 401, 403, 404), where
            checked.append(where)
    assert len(checked) >= 60  # series, occurrence and topic routes, HTML and API


def test_staff_still_reach_the_draft(app, world, draft):
    staff = role_client(app, world, "staff")
    assert staff.get(f"/meetings/{draft['series_id']}").status_code == 200
    assert staff.get(f"/topics/occurrences/{draft['occurrence_id']}").status_code == 200
    api = app.test_client().get(f"/api/v1/occurrences/{draft['occurrence_id']}/topics",
                                headers={"Authorization": f"Bearer {world.api_tokens['staff']}"})
    assert api.status_code == 200 and api.get_json()[0]["title"] == DRAFT_TITLE


def test_draft_topics_are_not_listed(app, world, draft):
    for role in ("ngo_a", "ngo_b"):
        html = role_client(app, world, role).get("/topics/").get_data(as_text=True)
        assert "Security topic" in html and DRAFT_TITLE not in html
    staff_html = role_client(app, world, "staff").get("/topics/").get_data(as_text=True)
    assert DRAFT_TITLE in staff_html


def test_nothing_was_written_through_a_side_door(app, world, draft):
    test_every_route_taking_a_draft_id_answers_404(app, world, draft)
    with app.app_context():
        titles = set(db.session.scalars(select(TopicProposal.title).where(
            TopicProposal.series_id == draft["series_id"])))
    assert titles == {DRAFT_TITLE}
