"""Calendar-client tests: skipped on a developer machine without libical or ical.js, never in CI
(``CI`` set: a missing client fails, as the browser tests do). One Radicale per session/worker."""
from __future__ import annotations

import os

import pytest

from tests.calendar_clients.clients import Radicale, missing_tools


@pytest.fixture(scope="session")
def calendar_clients_ready() -> None:
    missing = missing_tools()
    if missing:
        message = "calendar clients missing: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " (in CI they must be installed: .ci/setup-calendar-clients)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def radicale(tmp_path_factory, calendar_clients_ready):
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def make_module(app):
    """The factory for a module-scoped scenario (the data is captured before the first test ends)."""
    from app.calendar import feeds
    from tests.factories import Factory

    feeds.clear_caches()
    yield Factory(app)
    feeds.clear_caches()
