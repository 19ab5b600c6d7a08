"""Authorisation matrix: every route × every role against the table in routes.py."""
from __future__ import annotations

import pytest

from app.api.core import OPERATIONS
from tests.security.conftest import MissingParam, app_rules, build_path, methods_of, role_client
from tests.security.routes import ALLOWED, CONSUMED, ROLES, ROUTES, rule_for

LEVELS = " | ".join(ALLOWED)


def test_every_route_is_classified(app):
    """New routes must be added to the table: the failure says which line to add."""
    missing, wrong_kind = [], []
    endpoints = set()
    for rule in app_rules(app):
        endpoints.add(rule.endpoint)
        is_api = rule.rule.startswith("/api/")
        for method in methods_of(rule):
            level = rule_for(rule.endpoint, method)
            if level is None:
                missing.append(f'    "{rule.endpoint}": "<{LEVELS}>",  # {method} {rule.rule}')
            elif level not in ALLOWED:
                wrong_kind.append(f"{rule.endpoint}: unknown level {level!r} (one of: {LEVELS})")
            elif level.startswith("api:") != is_api:
                wrong_kind.append(f"{rule.endpoint} ({rule.rule}): API routes take api:* levels, pages the others")
    assert not missing, ("Unclassified routes. Decide who may use each one and add it to ROUTES in "
                         "tests/security/routes.py:\n" + "\n".join(sorted(set(missing))))
    assert not wrong_kind, "\n".join(wrong_kind)
    stale = sorted(key for key in ROUTES if key.split(":")[0] not in endpoints)
    assert not stale, f"ROUTES lists endpoints that no longer exist: {stale}"


def test_api_table_agrees_with_endpoint_declarations(app):
    """The @endpoint(role=...) declaration and the table say the same (OpenAPI shows the former)."""
    by_rule = {(rule.rule, method): rule.endpoint for rule in app_rules(app) for method in methods_of(rule)}
    for op in OPERATIONS:
        endpoint = by_rule[("/api/v1" + op.rule, op.method.upper())]
        declared = f"api:{op.role or 'public'}"
        # "api:org" narrows an ngo endpoint to the object's owner (an object check inside the endpoint).
        assert rule_for(endpoint, op.method.upper()) in ({declared, "api:org", "api:owner"} if op.role == "ngo" else {declared}), \
            endpoint


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307) and "/login" in response.headers.get("Location", "")


def _request(client, method: str, path: str, headers: dict[str, str], is_api: bool):
    kwargs: dict = {"headers": headers, "follow_redirects": False}
    if method in ("POST", "PUT", "PATCH"):
        if is_api:
            kwargs["json"] = {}
        else:
            kwargs["data"] = {}
    return client.open(path, method=method, **kwargs)


def check_endpoint(app, world, endpoint: str) -> list[str]:
    """Every role on every method of ``endpoint``; returns the violations found."""
    problems: list[str] = []
    rules = [rule for rule in app_rules(app) if rule.endpoint == endpoint]
    assert rules, f"{endpoint} is in ROUTES but not in app.url_map"
    for rule in rules:
        is_api = rule.rule.startswith("/api/")
        try:
            path = build_path(rule, world)
        except MissingParam as exc:
            pytest.fail(str(exc))
        for method in methods_of(rule):
            level = rule_for(endpoint, method)
            allowed = ALLOWED[level]
            # Forbidden roles first, so that an allowed call cannot change the data they are tested on.
            for role in sorted(ROLES, key=lambda r: (r in allowed, ROLES.index(r))):
                if endpoint in CONSUMED:
                    path = build_path(rule, world)
                client = role_client(app, world, "anonymous" if is_api else role)
                headers = {}
                if is_api and role != "anonymous":
                    headers["Authorization"] = f"Bearer {world.api_tokens[role]}"
                response = _request(client, method, path, headers, is_api)
                status = response.status_code
                where = f"{method} {path} as {role} ({level})"
                if status >= 500:
                    problems.append(f"{where}: server error {status}")
                elif role in allowed:
                    if status in (401, 403, 404) or _is_login_redirect(response):
                        problems.append(f"{where}: should be allowed, got {status} "
                                        f"{response.headers.get('Location', '')}")
                elif is_api:
                    expected = 401 if role == "anonymous" else 403
                    if level == "api:owner" and role != "anonymous" and status == 404:
                        continue  # someone else's object is not found
                    if status != expected:
                        problems.append(f"{where}: should be {expected}, got {status}")
                elif role == "anonymous":
                    if not (_is_login_redirect(response) or status == 401):
                        problems.append(f"{where}: anonymous should be sent to log in, got {status}")
                elif status not in (403, 404):
                    problems.append(f"{where}: should be forbidden (403/404), got {status}")
    return problems


@pytest.mark.parametrize("endpoint", sorted({key.split(":")[0] for key in ROUTES}))
def test_authorisation_matrix(app, world, endpoint):
    problems = check_endpoint(app, world, endpoint)
    assert not problems, "\n".join(problems)


def test_matrix_detects_a_missing_check(app, world):
    """The matrix is not vacuous: declaring a staff page public, or an open page staff, is caught."""
    import tests.security.routes as routes

    saved = dict(routes.ROUTES)
    try:
        routes.ROUTES["organizations.index"] = "public"
        assert any("should be allowed" in p for p in check_endpoint(app, world, "organizations.index"))
        routes.ROUTES["pages.index"] = "staff"
        assert any("should be sent to log in" in p for p in check_endpoint(app, world, "pages.index"))
        routes.ROUTES["organizations.detail"] = "owner"
        assert any("as staff" in p for p in check_endpoint(app, world, "organizations.detail"))
    finally:
        routes.ROUTES.clear()
        routes.ROUTES.update(saved)


def test_api_ignores_session_cookies(app, world):
    """A logged-in browser session does not authenticate API calls (so CSRF cannot reach them)."""
    client = role_client(app, world, "admin")
    response = client.post("/api/v1/organizations", json={"name": "X", "email": "x@example.org"})
    assert response.status_code == 401
    assert client.get("/api/v1/organizations").status_code == 401


def test_inactive_user_session_and_token_stop_working(app, world):
    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        db.session.get(User, world.users["staff"].id).active = False
        db.session.commit()
    client = role_client(app, world, "staff")
    assert _is_login_redirect(client.get("/organizations/"))
    headers = {"Authorization": f"Bearer {world.api_tokens['staff']}"}
    assert app.test_client().get("/api/v1/organizations", headers=headers).status_code == 401


def test_tokens_in_urls(app, world):
    """Every "token" route refuses a tampered, truncated or foreign token (no 2xx, no 5xx)."""
    from tests.security.routes import PARAMS

    checked = 0
    for rule in app_rules(app):
        methods = [m for m in methods_of(rule) if rule_for(rule.endpoint, m) == "token"]
        token_args = [name for name in rule.arguments if "token" in name or name in ("secret", "key")]
        if not methods:
            continue
        assert token_args, f"{rule.endpoint} is classified 'token' but has no token in its path"
        path = build_path(rule, world)
        for name in token_args:
            good = str((PARAMS.get(f"{rule.endpoint}.{name}") or PARAMS[name])(world))
            # (not the last character: in base64 its low bits may be unused, so a change can decode the same)
            flipped = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
            for bad in (flipped, good[: len(good) // 2], "x" * len(good), world.reset_token_a
                        if good != world.reset_token_a else world.registration_token):
                bad_path = path.replace(good, bad)
                for method in methods:
                    response = role_client(app, world, "anonymous").open(bad_path, method=method, data={})
                    assert response.status_code in (400, 403, 404, 410), \
                        f"{method} {bad_path}: a bad token got {response.status_code}"
                    checked += 1
    assert checked >= 10
