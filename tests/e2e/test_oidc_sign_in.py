"""Sign in with a real OpenID Connect provider in the browser: the login page's button, the
provider's own login form, and back to Kohtaamo signed in (axe on every page of ours on the way)."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, DESKTOP, TIMEOUT_MS
from tests.e2e.helpers import exact, gettext_for
from tests.oidc.fixtures import CLIENT_SECRET, LABELS, client_for, running_provider

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def oidc_live_server(app, database_uri, tmp_path_factory) -> Iterator[str]:
    """The app on a port bound here first, with a provider that knows its redirect URI."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with running_provider([client_for("helsinki", base_url)], log_name="oidc-provider-e2e") as provider:
        env = dict(os.environ, PYTHONPATH=str(ROOT), KOHTAAMO_INSTANCE=str(tmp_path_factory.mktemp("oidc_live")),
                   OIDC_PROVIDERS="helsinki", OIDC_HELSINKI_ISSUER=provider.issuer,
                   OIDC_HELSINKI_CLIENT_ID="kohtaamo-helsinki", OIDC_HELSINKI_CLIENT_SECRET=CLIENT_SECRET,
                   **{f"OIDC_HELSINKI_LABEL_{lang.upper()}": text for lang, text in LABELS.items()})
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log_path = ARTIFACTS / f"server-oidc-{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}.log"
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.oidc.live_server", database_uri, str(listener.fileno()), base_url],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True, pass_fds=[listener.fileno()])
        listener.close()  # the server holds its own copy
        try:
            line = process.stdout.readline()
            if not re.fullmatch(r"PORT \d+\n", line):
                raise RuntimeError(f"live server did not start: {line!r}\n{log_path.read_text()[-3000:]}")
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()


@pytest.fixture
def oidc_page(browser, oidc_live_server):
    context = browser.new_context(base_url=oidc_live_server, locale="fi-FI", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _to_provider_login(page, axe_check, screenshot, oidc_live_server):
    page.goto("/login")
    button = page.get_by_role("link", name=exact(LABELS["fi"]))
    expect(button).to_be_visible()
    axe_check(page)
    screenshot(page, "login-with-oidc")
    button.click()
    # The provider's own page (another origin): its login form.
    expect(page.locator("input[name=login]")).to_be_visible()
    assert not page.url.startswith(oidc_live_server)


def test_sign_in_with_the_provider_creates_the_account(oidc_page, oidc_live_server, axe_check, screenshot):
    page = oidc_page
    _ = gettext_for("fi")
    _to_provider_login(page, axe_check, screenshot, oidc_live_server)
    page.locator("input[name=login]").fill("anna")
    page.locator("input[name=password]").fill("any-password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{oidc_live_server}/organisation/join")
    expect(page.get_by_text(_("Welcome! Your account was created. Find your organisation and ask to join it.")))\
        .to_be_visible()
    axe_check(page)
    screenshot(page, "join-after-oidc-sign-up")
    page.goto("/profile")
    expect(page.locator("main")).to_contain_text("anna@jarjesto.example")

    # Signed out of Kohtaamo, and in again: the provider still knows the person (single sign-on),
    # so the button leads straight back, to the same account and the front page.
    page.get_by_role("button", name=exact(_("Log out"))).click()
    expect(page.get_by_text(_("You are logged out."))).to_be_visible()
    page.goto("/login")
    page.get_by_role("link", name=exact(LABELS["fi"])).click()
    page.wait_for_url(f"{oidc_live_server}/")
    expect(page.get_by_text(_("You are logged in."))).to_be_visible()
    page.goto("/profile")
    expect(page.locator("main")).to_contain_text("anna@jarjesto.example")


def test_cancelling_at_the_provider_shows_a_translated_page(oidc_page, oidc_live_server, axe_check, screenshot):
    page = oidc_page
    _ = gettext_for("fi")
    _to_provider_login(page, axe_check, screenshot, oidc_live_server)
    page.get_by_role("link", name=re.compile("Cancel")).click()
    page.wait_for_url(re.compile(re.escape(oidc_live_server) + r"/login/oidc/helsinki/callback\?"))
    expect(page.get_by_text(_("The sign-in was cancelled. You are not logged in."))).to_be_visible()
    axe_check(page)
    screenshot(page, "oidc-cancelled")
    assert json.loads(page.evaluate("() => JSON.stringify(document.documentElement.lang)")) == "fi"
