"""Serve the app for the browser tests: ``python -m tests.e2e.server DATABASE_URI``.

A separate process, not a thread of the test process, so that the browser talks to an app with
its own extensions' state (CSRF on, its own rate-limit storage) and so that the test process never
shares a SQLite connection or transaction with the server. It binds a free port on 127.0.0.1 and
prints ``PORT <n>`` on stdout once it accepts connections.
"""
from __future__ import annotations

import sys

from werkzeug.serving import make_server

from app import create_app
from config import TestingConfig


def build_app(database_uri: str):
    """The testing configuration, but with what a real browser session must meet: CSRF checks on."""
    return create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": True,
        "TESTING": False,  # real error pages, no exception propagation
        "BASE_URL": "http://kohtaamo.test",
        "SERVER_NAME": None,
        # Many logins from 127.0.0.1 within a minute are the tests, not an attack.
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m tests.e2e.server DATABASE_URI")
    server = make_server("127.0.0.1", 0, build_app(argv[1]), threaded=True)
    print(f"PORT {server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
