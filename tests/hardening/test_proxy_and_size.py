"""Behind a reverse proxy limits key on the real client; bodies are capped (issue 11, items 2 and 5)."""
from __future__ import annotations

import pytest

from app import create_app
from app.extensions import limiter
from config import Config, TestingConfig

WRONG = "wrong-password-123"


@pytest.fixture
def proxied(app):
    """The app as deployed behind one trusted reverse proxy (nginx), same database."""
    application = create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "BASE_URL": "http://kohtaamo.test",
        "SERVER_NAME": None, "TRUSTED_PROXIES": 1, "LOGIN_RATE_LIMIT": "3 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "5 per hour"})
    yield application
    limiter.reset()


def _login(client, email, password, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/login", data={"email": email, "password": password}, headers=headers).status_code


def test_defaults():
    assert Config.TRUSTED_PROXIES == 0
    assert Config.MAX_CONTENT_LENGTH == 25 * 1024 * 1024


def test_through_a_trusted_proxy_each_client_has_its_own_login_limit(proxied, make):
    staff = make.user("staff")
    other = make.user("ngo")
    client = proxied.test_client()
    # An attacker at one address uses up its own limit …
    assert [_login(client, other.email, WRONG, "203.0.113.7") for _ in range(4)] == [400, 400, 400, 429]
    # … the proxy's socket address is the same for everybody, yet staff elsewhere still log in.
    assert _login(client, staff.email, "correct-horse-battery", "198.51.100.20") == 302
    another = proxied.test_client()
    assert _login(another, other.email, WRONG, "198.51.100.21") == 400


def test_failed_logins_are_also_limited_per_account_across_addresses(proxied, make):
    victim = make.user("ngo")
    bystander = make.user("ngo")
    client = proxied.test_client()
    statuses = [_login(client, victim.email, WRONG, f"203.0.113.{n}") for n in range(1, 8)]
    assert statuses[:5] == [400] * 5 and statuses[5:] == [429, 429]  # a botnet spreads out, the account holds
    # Another account from one of those addresses is not affected.
    assert _login(proxied.test_client(), bystander.email, "correct-horse-battery", "203.0.113.1") == 302


def test_successful_logins_do_not_use_up_the_account_limit(proxied, make):
    user = make.user("ngo")
    for n in range(8):
        client = proxied.test_client()
        assert _login(client, user.email, "correct-horse-battery", f"198.51.100.{n}") == 302


def test_untrusted_forwarded_for_is_ignored(app, client, make):
    """Without TRUSTED_PROXIES a client cannot pick its own address to dodge the limit."""
    user = make.user("ngo")
    statuses = [_login(client, user.email, WRONG, f"203.0.113.{n}") for n in range(12)]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]


def test_anonymous_registration_limit_is_per_client_behind_the_proxy(proxied, make):
    occurrence = make.occurrence(capacity=100)
    client = proxied.test_client()
    form = {"name": "Maija", "organization_id": "", "organization_name": "", "seats": "1", "needs": "",
            "consent": "y"}
    for n in range(20):
        response = client.post(f"/meetings/occurrences/{occurrence.id}", data=dict(form, email=f"m{n}@example.org"),
                               headers={"X-Forwarded-For": "203.0.113.50"})
        assert response.status_code == 302
    blocked = client.post(f"/meetings/occurrences/{occurrence.id}", data=dict(form, email="late@example.org"),
                          headers={"X-Forwarded-For": "203.0.113.50"})
    assert blocked.status_code == 429
    fine = client.post(f"/meetings/occurrences/{occurrence.id}", data=dict(form, email="other@example.org"),
                       headers={"X-Forwarded-For": "198.51.100.9"})
    assert fine.status_code == 302


# --- item 5: request size ---------------------------------------------------------------------------

class _Endless:
    """A body stream that fails the test if the app reads from it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _huge_environ(path: str, content_type: str) -> dict:
    return {"CONTENT_LENGTH": str(300 * 1024 * 1024), "CONTENT_TYPE": content_type, "wsgi.input": _Endless()}


@pytest.mark.parametrize("path,content_type", [
    ("/login", "application/x-www-form-urlencoded"),
    ("/meetings/occurrences/1", "multipart/form-data; boundary=x"),
    ("/api/v1/series", "application/json"),
    ("/", "application/octet-stream"),
])
def test_a_huge_body_gets_413_before_it_is_read(client, path, content_type):
    response = client.post(path, environ_overrides=_huge_environ(path, content_type))
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.is_json and response.get_json()["error"] == "too_large"
    else:
        assert response.mimetype == "text/html"


def test_the_limit_comes_from_the_configuration(app, client):
    body = b"x" * 2048
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/api/v1/series", data=body, content_type="application/json")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = Config.MAX_CONTENT_LENGTH
    assert response.status_code == 413 and response.get_json()["error"] == "too_large"


def test_a_chunked_body_without_length_is_cut_at_the_limit(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/api/v1/series", input_stream=__import__("io").BytesIO(b"{" * 4096),
                               content_type="application/json", headers={"Transfer-Encoding": "chunked"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = Config.MAX_CONTENT_LENGTH
    assert response.status_code in (400, 401, 413)
