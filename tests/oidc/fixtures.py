"""A real OpenID Connect provider for the tests: npm ``oidc-provider`` run by tests/oidc/provider.mjs.

- ``oidc_provider`` (session, one per xdist worker): the provider on a free port with the clients
  and accounts below; stopped (SIGTERM, then kill) at the end of the session.
- ``oidc_settings``: the ``app`` configured with the providers ``helsinki`` (NGOs) and ``city``
  (``ROLE=staff``) at that issuer, for one test.
- ``provider_login(url, login)``: a person at the provider: follows the authorisation request, fills
  in the provider's own login form and returns the URL the provider sends the browser back to.

Without ``node`` or ``node_modules/oidc-provider`` the tests are skipped on a developer machine and
fail in CI (``CI`` set), as the browser tests do.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
MODULE = ROOT / "node_modules" / "oidc-provider"
LOGS = ROOT / "tests" / "e2e" / "artifacts"

CLIENT_SECRET = "kohtaamo-test-secret-0123456789abcdef"
LABELS = {"fi": "Kirjaudu Helsinki-tunnuksella", "sv": "Logga in med Helsingfors-ID",
          "en": "Log in with Helsinki ID"}
CITY_LABELS = {"fi": "Kaupungin työntekijät", "sv": "Stadens anställda", "en": "City staff"}
# People at the provider (the login is the subject).
ACCOUNTS = {
    "anna": {"email": "anna@jarjesto.example", "email_verified": True, "name": "Anna Aktiivinen"},
    "ulla": {"email": "ulla@jarjesto.example", "email_verified": False, "name": "Ulla Unverified"},
    "uusi": {"email": "Uusi.Ihminen@jarjesto.example", "email_verified": True, "name": "Uusi Ihminen"},
    "anna2": {"email": "anna@jarjesto.example", "email_verified": True, "name": "Anna's address, reused"},
    "virkailija": {"email": "virkailija@hel.example", "email_verified": True, "name": "Virkailija"},
    "nomail": {"name": "No Email"},
}


def missing_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not MODULE.exists():
        return "node_modules/oidc-provider is missing (run `make install-dev`: npm ci)"
    return None


def require_node() -> None:
    """Skip (developer machine) or fail (CI) when the provider cannot run."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: the OpenID Connect tests must run in CI")
    pytest.skip(f"{reason}; OpenID Connect tests are skipped outside CI")


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    clients: list[dict]


def client_for(name: str, base_url: str) -> dict:
    """The provider's registration of Kohtaamo's client ``name`` (redirect URI on ``base_url``)."""
    return {"client_id": f"kohtaamo-{name}", "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{base_url}/login/oidc/{name}/callback"]}


@contextmanager
def running_provider(clients: list[dict], accounts: dict | None = None, *, log_name: str = "oidc-provider"
                     ) -> Iterator[RunningProvider]:
    """Start provider.mjs, wait for its ``ISSUER`` line, stop it afterwards (no sleeping, no polling)."""
    require_node()
    LOGS.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    log_path = LOGS / f"{log_name}-{worker}.log"
    env = dict(os.environ, KOHTAAMO_OIDC_TEST_CONFIG=json.dumps(
        {"clients": clients, "accounts": ACCOUNTS if accounts is None else accounts}))
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen([shutil.which("node"), str(SCRIPT)], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"ISSUER (http://127\.0\.0\.1:\d+)\n", line)
        if not match:
            raise RuntimeError(f"the OpenID provider did not start: {line!r}\n{log_path.read_text()[-3000:]}")
        yield RunningProvider(match.group(1), clients)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdin.close()
        process.stdout.close()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[RunningProvider]:
    """The provider of the in-process tests; the app's BASE_URL there is http://kohtaamo.test."""
    clients = [client_for(name, "http://kohtaamo.test") for name in ("helsinki", "city")]
    with running_provider(clients) as provider:
        yield provider


def provider_settings(issuer: str) -> list[dict]:
    """``OIDC_PROVIDERS`` as config.py reads it from the environment, for the issuer."""
    return [
        {"name": "helsinki", "issuer": issuer, "client_id": "kohtaamo-helsinki", "client_secret": CLIENT_SECRET,
         "labels": LABELS, "role": "ngo"},
        {"name": "city", "issuer": issuer, "client_id": "kohtaamo-city", "client_secret": CLIENT_SECRET,
         "labels": CITY_LABELS, "role": "staff"},
    ]


@pytest.fixture
def oidc_settings(app, oidc_provider, monkeypatch) -> RunningProvider:
    """The test's ``app`` with the two providers configured (restored afterwards)."""
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", provider_settings(oidc_provider.issuer))
    return oidc_provider


class _Forms(HTMLParser):
    """The forms of a page: action, method and the inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "form":
            self.forms.append({"action": values.get("action") or "", "method": (values.get("method") or "get").lower(),
                               "fields": {}})
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["fields"][values["name"]] = values.get("value") or ""


@pytest.fixture
def provider_login(oidc_provider):
    """``provider_login(authorize_url, "anna")`` → the redirect URL back to Kohtaamo;
    ``cancel=True`` follows the provider's cancel link instead of logging in."""
    import requests

    def login(url: str, who: str = "", *, issuer: str | None = None, cancel: bool = False) -> str:
        issuer = issuer or oidc_provider.issuer
        session = requests.Session()
        response = session.get(url, allow_redirects=False, timeout=30)
        for _ in range(12):
            if response.is_redirect:
                target = urljoin(response.url, response.headers["Location"])
                if not target.startswith(issuer + "/"):
                    return target  # back to the relying party: the test (or the browser) takes it there
                response = session.get(target, allow_redirects=False, timeout=30)
                continue
            assert response.status_code == 200, (response.status_code, response.text[:1000])
            parser = _Forms()
            parser.feed(response.text)
            assert parser.forms, response.text[:1000]
            form = parser.forms[0]
            fields = dict(form["fields"])
            if cancel:
                abort = next(link for link in parser.links if link.endswith("/abort"))
                response = session.get(urljoin(response.url, abort), allow_redirects=False, timeout=30)
                continue
            if "login" in fields:
                fields.update(login=who, password="any-password")
            response = session.post(urljoin(response.url, form["action"]), data=fields, allow_redirects=False,
                                    timeout=30)
        raise AssertionError("the provider never sent the browser back")

    return login
