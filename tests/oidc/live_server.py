"""Serve the app with OIDC providers for the browser test: ``python -m tests.oidc.live_server DB FD BASE_URL``.

Like tests/e2e/server.py (CSRF on, real error pages), but on a socket the test process bound
already (file descriptor ``FD``): the test knows the port, hence the redirect URI to register at
the provider, before either process starts, and nothing races for the port. The providers come
from the ``OIDC_*`` environment variables, read by config.py as in production.
"""
from __future__ import annotations

import sys

from werkzeug.serving import make_server

from tests.e2e.server import build_app


def main(argv: list[str]) -> None:
    if len(argv) != 4:
        raise SystemExit("usage: python -m tests.oidc.live_server DATABASE_URI FD BASE_URL")
    app = build_app(argv[1])
    app.config["BASE_URL"] = argv[3]
    server = make_server("127.0.0.1", 0, app, threaded=True, fd=int(argv[2]))
    print(f"PORT {server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
