"""The first request of a freshly started gunicorn worker.

Run from the repository root: ``.venv/bin/python bench/first_request.py``. Prepares a throw-away
SQLite database like bench/load.py (demo data, 40 published series), starts
``gunicorn --workers 1 --preload wsgi:app`` (as ``make serve`` does), then for each page: stops the
worker (the master forks a fresh one, as after a crash or ``max_requests``), waits until the new
worker exists and times its very first request. Also the first request after a cold start of
the whole server. Prints milliseconds per page; the goal of issue 13 is < 100 ms.
"""
from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402

PAGES = ["/", "/meetings", "/calendar/meetings.ics", "/spaces/", "/login", "/api/v1/series"]
GOAL_MS = 100


def timed(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    status, _body, _headers = load.request(port, "GET", path)
    return status, (time.perf_counter() - started) * 1000


def fresh_worker(server: load.Server) -> None:
    """Stop the worker; return when its replacement is running (it was forked from the master)."""
    (old,) = server.workers()
    os.kill(old, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = server.workers()
        if workers and old not in workers:
            time.sleep(0.3)  # let it finish starting (what a load balancer's health check waits for)
            return
        time.sleep(0.05)
    raise SystemExit("no new worker")


def main() -> None:
    load.WORKERS = 1
    instance = Path(tempfile.mkdtemp(prefix="kohtaamo-first-"))
    url = f"sqlite:///{instance / 'bench.db'}"
    os.environ["KOHTAAMO_INSTANCE"] = str(instance)
    load.prepare_database(url)
    env = {**os.environ, "DATABASE_URL": url, "KOHTAAMO_INSTANCE": str(instance),
           "SECRET_KEY": "bench-secret-key", "BASE_URL": "http://127.0.0.1"}
    server = load.Server("bench_app:app", env)
    ok = True
    try:
        server.wait_listening()
        time.sleep(0.3)
        status, ms = timed(server.port, "/")
        print(f"{'first request after a cold start: GET /':<52} {ms:>7.1f} ms  (HTTP {status})")
        print(f"{'fresh worker, first request':<52} {'ms':>7}")
        for path in PAGES:
            fresh_worker(server)
            status, ms = timed(server.port, path)
            ok &= ms < GOAL_MS and status == 200
            print(f"{'  GET ' + path:<52} {ms:>7.1f}     (HTTP {status})")
            status, again = timed(server.port, path)
            print(f"{'    (second request)':<52} {again:>7.1f}")
    finally:
        server.stop()
    print(f"goal < {GOAL_MS} ms: {'met' if ok else 'MISSED'}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
