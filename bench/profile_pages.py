"""Where the time of the main pages goes: cProfile over repeated requests through the test client.

Run from the repository root: ``.venv/bin/python bench/profile_pages.py [--requests 200] [--top 15]``.
Builds the same data as bench/load.py (demo data, 40 published series) in a throw-away SQLite
database (``DATABASE_URL`` to profile another one), warms each page up, then for each page prints the
mean time per request and the functions with the most own time (``tottime``) plus the number of SQL
statements one request sends. By default the pages come from their caches as in production (an
unchanged page); ``--cold`` empties the caches before every request to profile the rendering.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
_TMP = tempfile.mkdtemp(prefix="kohtaamo-profile-")
os.environ.setdefault("KOHTAAMO_INSTANCE", _TMP)

from sqlalchemy import event  # noqa: E402

import load  # noqa: E402  (prepare_database: the same data as the load test)

PAGES = [("home page", "/", None), ("meetings list", "/meetings", None),
         ("staff: organisations", "/organizations/", "staff"), ("staff: manage meetings", "/meetings/manage", "staff"),
         ("API: organisations", "/api/v1/organizations", "token"), ("API: series", "/api/v1/series", "token"),
         ("feed: meetings.ics", "/calendar/meetings.ics", None)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--cold", action="store_true",
                        help="empty the page and feed caches before every request (the rendering path)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{_TMP}/profile.db"
    token = load.prepare_database(url)
    from app import create_app
    from app.core.versions import clear_caches
    from app.extensions import db
    from config import Config, database_url

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": "bench",
                              "BASE_URL": "http://127.0.0.1"})
    statements = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    app.config["WTF_CSRF_ENABLED"] = False
    staff = app.test_client()
    assert staff.post("/login", data={"email": load.STAFF_EMAIL, "password": load.DEMO_PASSWORD}).status_code == 302
    anonymous = app.test_client()
    for label, path, who in PAGES:
        client = staff if who == "staff" else anonymous
        headers = {"Authorization": f"Bearer {token}"} if who == "token" else {}
        for _ in range(20):  # warm: compiled templates and statements, caches
            assert client.get(path, headers=headers).status_code == 200, path
        statements[0] = 0
        if args.cold:
            clear_caches()
        client.get(path, headers=headers)
        per_request = statements[0]
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.requests):
            if args.cold:
                clear_caches()
            client.get(path, headers=headers)
        profile.disable()
        mean = (time.perf_counter() - started) / args.requests * 1000
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
        print(f"\n=== {label}: GET {path}  {mean:.2f} ms/request (under cProfile), {per_request} ORM/Core "
              "SQL statements per request (+ the content-version read of a cached page, sent on a raw connection)")
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print("\n".join(line.replace(str(ROOT) + "/", "") for line in lines[start:start + args.top + 1]))


if __name__ == "__main__":
    main()
