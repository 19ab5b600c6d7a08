"""Browser tests: Playwright (Python) driving Debian's chromium against a live server.

- ``live_server``: the app in a subprocess (tests/e2e/server.py) on a free port, one per xdist
  worker, on that worker's test database; rows made with ``make`` are visible to it at once.
- ``browser``: one headless chromium per worker (``/usr/bin/chromium``, never Playwright's own).
- ``page``: a fresh browser context (cookies, language) per test, Finnish by default.
- ``axe_check(page)``: axe-core from node_modules, WCAG 2.1 A/AA, must find 0 violations.
- ``screenshot(page, name)``: full-page PNGs at mobile and desktop width in tests/e2e/artifacts/.

SQLite: the server and the factories write the same file; factories commit at once and the test
never keeps an app context open while the browser acts, so nobody waits on BEGIN IMMEDIATE.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("KOHTAAMO_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"mobile": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
DESKTOP = VIEWPORTS["desktop"]
TIMEOUT_MS = 15_000
# Seconds spent in the accessibility checks and screenshots, written to artifacts/timings-<worker>.json.
TIMINGS: dict[str, float] = defaultdict(float)


def _skip_reason() -> str | None:
    """Skipped only on a developer machine without the browser; CI (``CI`` set) must run them."""
    if os.environ.get("CI"):
        return None
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (run .ci/setup-browser); browser tests are skipped outside CI"
    if not AXE_JS.exists():
        return "node_modules/axe-core is missing (run `make install-dev`); browser tests are skipped outside CI"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session, exitstatus):
    if TIMINGS:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"timings-{worker}.json").write_text(json.dumps(TIMINGS, indent=2), encoding="utf-8")


# --- live server -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app, database_uri, tmp_path_factory) -> Iterator[str]:
    """Base URL of the app served in a subprocess on the worker's test database."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    log_path = ARTIFACTS / f"server-{worker}.log"
    env = dict(os.environ, KOHTAAMO_INSTANCE=str(tmp_path_factory.mktemp("live_instance")),
               PYTHONPATH=str(ROOT))
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, "-m", "tests.e2e.server", database_uri], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"PORT (\d+)\n", line)
        if not match:
            process.kill()
            raise RuntimeError(f"live server did not start: {line!r}; see {log_path}:\n{log_path.read_text()[-3000:]}")
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


# --- browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium per worker."""
    from playwright.sync_api import expect, sync_playwright

    # A shared 2-CPU machine can be slow: assertions wait as long as actions do.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(locale="sv-FI")``: a page in a fresh context (own cookies); closed after the test."""
    contexts = []

    def make(locale: str = "fi-FI", **options):
        context = browser.new_context(base_url=live_server, locale=locale, viewport=DESKTOP, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A Finnish-speaking visitor's page (Accept-Language fi-FI)."""
    return new_page()


# --- accessibility ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def format_violations(url: str, violations: list[dict]) -> str:
    """A readable list: rule id, impact, help, help URL and the failing elements."""
    lines = [f"{len(violations)} accessibility violation(s) (WCAG 2.1 A/AA) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


@pytest.fixture
def axe_check(axe_source) -> Callable:
    """``axe_check(page)`` asserts that axe-core finds no WCAG 2.1 A/AA violation on the page.

    The script is evaluated through the DevTools protocol (``page.evaluate``), which the app's
    Content-Security-Policy does not apply to; the page under test keeps its real CSP.
    """

    def check(page, *, context: str | dict = "html") -> dict:
        started = time.perf_counter()
        try:
            return _check(page, context)
        finally:
            TIMINGS["axe_seconds"] += time.perf_counter() - started
            TIMINGS["axe_checks"] += 1

    def _check(page, context) -> dict:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        results = page.evaluate(
            "async ([context, tags]) => { const r = await axe.run(context, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']}); return {violations: r.violations, incomplete: r.incomplete.length}; }",
            [context, WCAG_TAGS])
        violations = results["violations"]
        if violations:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^a-z0-9]+", "-", page.url.lower()).strip("-")[-80:]
            (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=2), encoding="utf-8")
        assert not violations, format_violations(page.url, violations)
        return results

    return check


# --- screenshots and reflow ------------------------------------------------------------------

REFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const culprits = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  while (walker.nextNode() && culprits.length < 5) {
    const node = walker.currentNode;
    let box;
    if (node.nodeType === Node.TEXT_NODE) {
      const range = document.createRange(); range.selectNodeContents(node); box = range.getBoundingClientRect();
    } else { box = node.getBoundingClientRect(); }
    // Content inside its own scrolling container (a wide table in .table-wrap) is fine.
    let scroller = node.parentElement;
    while (scroller && scroller !== document.body && getComputedStyle(scroller).overflowX === 'visible') {
      scroller = scroller.parentElement;
    }
    if (box.right > width + 1 && (!scroller || scroller === document.body)) {
      const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
      culprits.push(el.outerHTML.slice(0, 120) + (node.nodeType === Node.TEXT_NODE ? ' text: ' + node.textContent.trim().slice(0, 40) : ''));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, culprits};
}"""


def assert_reflows(page, name: str = "") -> None:
    """WCAG 1.4.10 Reflow: at phone width the page itself never scrolls sideways."""
    overflow = page.evaluate(REFLOW_JS)
    assert overflow is None, (f"{name or page.url} scrolls sideways at {overflow['width']} px "
                              f"(content {overflow['scrollWidth']} px wide): "
                              f"{overflow['culprits'] or 'absolutely positioned content escaping a scroll container'}")


# --- screenshots -----------------------------------------------------------------------------

@pytest.fixture
def screenshot() -> Callable:
    """``screenshot(page, "name")`` saves name-mobile.png and name-desktop.png (full page).

    At the mobile width it also checks that the page reflows (no sideways scrolling).
    """

    def take(page, name: str) -> list[Path]:
        started = time.perf_counter()
        try:
            return _take(page, name)
        finally:
            TIMINGS["screenshot_seconds"] += time.perf_counter() - started
            TIMINGS["screenshots"] += 2

    def _take(page, name: str) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size
        paths = []
        for label, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            if label == "mobile":
                assert_reflows(page, name)
            path = ARTIFACTS / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        if original:
            page.set_viewport_size(original)
        return paths

    return take


# --- journeys' common steps ------------------------------------------------------------------

@pytest.fixture
def browser_login():
    """``browser_login(page, user)``: log in through the form, as a person would."""

    def do_login(page, user, password: str = "correct-horse-battery") -> None:
        page.goto("/login")
        page.locator("#email").fill(user.email)
        page.locator("#password").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, page.locator("main").inner_text()

    return do_login


@pytest.fixture
def outbox(app):
    """``outbox(kind="password_reset", recipient=...)``: queued mails, oldest first, read and closed at once."""
    from sqlalchemy import select

    from app.extensions import db
    from app.mail.models import OutboxMessage

    def read(kind: str | None = None, recipient: str | None = None) -> list[dict]:
        with app.app_context():
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind:
                query = query.where(OutboxMessage.kind == kind)
            if recipient:
                query = query.where(OutboxMessage.recipient == recipient)
            rows = [{"recipient": r.recipient, "subject": r.subject, "text": r.text_body, "kind": r.kind}
                    for r in db.session.scalars(query)]
            db.session.rollback()
            return rows

    return read

