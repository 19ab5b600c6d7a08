"""CSRF: every state-changing form route refuses a POST without the token."""
from __future__ import annotations

import re

import pytest

from tests.security.conftest import app_rules, build_path, crawl, methods_of, role_client

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Deliberately without CSRF: the one-click unsubscribe link of subscription mails (RFC 8058: mail clients
# POST to it without a session). The signed token in its path is what authorises it, and all it can do is
# remove the subscriptions that token names (tests/web/test_subscriptions.py).
EXEMPT = {"subscriptions.unsubscribe"}


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _form_routes(app):
    return [(rule, method) for rule in app_rules(app) if not rule.rule.startswith("/api/")
            for method in methods_of(rule) if method in UNSAFE and rule.endpoint not in EXEMPT]


def test_there_are_form_routes_to_check(app):
    assert len(_form_routes(app)) >= 8


def test_post_without_token_is_refused(app, world, csrf_on):
    """Every unsafe method of every non-API route, found in app.url_map (new routes are included)."""
    problems = []
    for rule, method in _form_routes(app):
        path = build_path(rule, world)
        for role in ("anonymous", "ngo_a", "admin"):
            response = role_client(app, world, role).open(path, method=method, data={"x": "1"})
            if response.status_code != 400:
                problems.append(f"{method} {path} as {role} without a CSRF token: {response.status_code}")
            forged = role_client(app, world, role).open(path, method=method, data={"csrf_token": "forged"})
            if forged.status_code != 400:
                problems.append(f"{method} {path} as {role} with a forged CSRF token: {forged.status_code}")
    assert not problems, "\n".join(problems)


def test_valid_token_is_accepted(app, world, csrf_on):
    client = role_client(app, world, "ngo_a")
    html = client.get("/profile").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.post("/logout", data={}).status_code == 400


def test_every_rendered_post_form_carries_a_token(app, world, csrf_on):
    """Each <form method="post"> on every page a role can open includes the csrf_token field."""
    seen = 0
    for role, _level, path, response in crawl(app, world):
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I) and "/subscriptions/unsubscribe/" not in form:
                seen += 1
                # a prefixed form (several on one page) names it "<prefix>-csrf_token"; Flask-WTF accepts both
                assert re.search(r'name="(?:[\w-]+-)?csrf_token"', form), \
                    f"{path} as {role}: a POST form without csrf_token"
    assert seen >= 5
