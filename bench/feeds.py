"""Feed speed, end to end. Run from the repository root: ``.venv/bin/python bench/feeds.py``.

Prints, in one run (about a minute on the 2-CPU build machine):

1. Build time of a whole feed of 1,000 and 10,000 events: app/scheduling/ical.py from Event objects,
   from cached blocks (a warm feed cache after one series changed), and the ``icalendar`` package
   alone (the approach and events of ``bench/feeds_serializer.py``).
2. HTTP requests per second, served by gunicorn (2 sync workers, the production server of
   ``make serve``) from a temporary SQLite database of 1,000 published weekly series with 8
   occurrences each (some cancelled, some moved): ``/calendar/meetings.ics`` from the feed cache
   (200 with the body), the same with a matching If-None-Match (304), and a static file of the same
   bytes served by the same server through Flask's ``send_from_directory`` (200 and 304), each
   driven by concurrent client threads for a few seconds; then the ratios feed / static file.
   Measured twice: with the fingerprint query on every request (the default) and with
   ``CALENDAR_FINGERPRINT_TTL=2`` (a worker reuses the fingerprint for 2 s).
"""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SERIES = 1_000
OCCURRENCES = 8
THREADS = 8
SECONDS = 2.5
WORKERS = 2


def server_app():
    """The gunicorn entry point: the real app plus one route serving the static copy of the feed."""
    from flask import send_from_directory

    from app import create_app

    app = create_app(overrides={"CALENDAR_FINGERPRINT_TTL": float(os.environ.get("BENCH_TTL", "0"))})
    static_dir = os.environ["BENCH_STATIC_DIR"]
    app.add_url_rule("/bench/static.ics", "bench_static",
                     lambda: send_from_directory(static_dir, "feed.ics", mimetype="text/calendar"))
    return app


# --- 1. serialiser -------------------------------------------------------------------------------

def serialiser_figures() -> None:
    from feeds_serializer import make_events, with_icalendar

    from app.scheduling.ical import build_calendar, serialize_event

    def best_of(runs: int, build) -> tuple[float, int]:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            build()
            times.append(time.perf_counter() - started)
        return min(times), 0

    print("Feed build time (best of 3; icalendar at 10,000 events: one run, it takes seconds)")
    print(f"{'events':>7} {'ical.py':>9} {'cached':>9} {'icalendar':>10} {'icalendar/ical.py':>18}")
    for count in (1_000, 10_000):
        events = make_events(count)
        ours, _ = best_of(3, lambda: build_calendar(events, name="Kohtaamo", lang="fi"))
        blocks = [serialize_event(ev) for ev in events]
        cached, _ = best_of(3, lambda: build_calendar(blocks, name="Kohtaamo", lang="fi"))
        theirs, _ = best_of(3 if count <= 1_000 else 1, lambda: with_icalendar(events))
        print(f"{count:>7} {ours:>8.3f}s {cached:>8.3f}s {theirs:>9.3f}s {theirs / ours:>17.1f}x")


# --- 2. HTTP -------------------------------------------------------------------------------------

def fill_database() -> None:
    """1,000 published weekly series, 8 occurrences each, every 10th with a cancelled and a moved one."""
    from app import create_app
    from app.extensions import db
    from app.meetings.models import MeetingOccurrence, MeetingSeries

    app = create_app()
    with app.app_context():
        db.create_all()
        stamp = datetime(2026, 9, 1, 8, tzinfo=timezone.utc)
        series_rows = []
        for i in range(SERIES):
            start = datetime(2027, 1, 5, 17) + timedelta(days=i % 60, hours=i % 4)
            series_rows.append(MeetingSeries(
                uid=f"bench-{i}@kohtaamo.test", title_fi=f"Verkostotapaaminen {i}: nuoret, kulttuuri",
                description_fi="Asialista:\n1. Tervetuloa\n2. Ajankohtaista – välkommen!", start_local=start,
                timezone="Europe/Helsinki", duration_minutes=120, rrule=f"FREQ=WEEKLY;COUNT={OCCURRENCES}",
                capacity=30, status="published", location="Kalasatamankatu 1, Helsinki", updated_at=stamp,
                created_at=stamp))
        db.session.add_all(series_rows)
        db.session.flush()
        hel = __import__("zoneinfo").ZoneInfo("Europe/Helsinki")
        occurrence_rows = []
        for i, series in enumerate(series_rows):
            first = series.start_local.replace(tzinfo=hel)
            for n in range(OCCURRENCES):
                start = (first + timedelta(weeks=n)).astimezone(timezone.utc)
                moved = i % 10 == 0 and n == 3
                new_start = start + timedelta(hours=1) if moved else start
                occurrence_rows.append(MeetingOccurrence(
                    series_id=series.id, recurrence_id=start, starts_at=new_start,
                    ends_at=new_start + timedelta(hours=2), capacity=30, moved=moved, sequence=int(moved),
                    status="cancelled" if i % 10 == 0 and n == 5 else "scheduled", updated_at=stamp,
                    created_at=stamp))
        db.session.add_all(occurrence_rows)
        db.session.commit()
        db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def _wait_until_up(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            _get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def load(port: int, path: str, headers: dict[str, str], expect: int) -> float:
    """Requests per second over ``SECONDS`` with ``THREADS`` concurrent clients."""
    stop = time.monotonic() + SECONDS
    counts = [0] * THREADS
    errors: list[str] = []

    def worker(slot: int) -> None:
        while time.monotonic() < stop:
            status, _, _ = _get(port, path, headers)
            if status != expect:
                errors.append(f"{path}: {status}")
                return
            counts[slot] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / elapsed


@contextmanager
def gunicorn(static_dir: Path, ttl: float):
    """The app under gunicorn on a free port; yields the port."""
    port = _free_port()
    env = dict(os.environ, BENCH_STATIC_DIR=str(static_dir), BENCH_TTL=str(ttl))
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.feeds:server_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        _wait_until_up(port, proc)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def http_figures(workdir: Path) -> None:
    fill_database()
    static_dir = workdir / "static"
    static_dir.mkdir()
    rows = []
    for ttl in (0, 2):
        with gunicorn(static_dir, ttl) as port:
            started = time.perf_counter()
            status, headers, body = _get(port, "/calendar/meetings.ics")
            cold = time.perf_counter() - started
            assert status == 200, status
            for _ in range(WORKERS * 4):  # every worker builds its own cache once
                _get(port, "/calendar/meetings.ics")
            etag = headers["etag"]
            if ttl == 0:
                (static_dir / "feed.ics").write_bytes(body)
                _, static_headers, static_body = _get(port, "/bench/static.ics")
                assert static_body == body
                print(f"\nHTTP, gunicorn {WORKERS} sync workers, {THREADS} client threads, {SECONDS:g} s each; "
                      f"{SERIES} series x {OCCURRENCES} occurrences, feed {len(body) / 1e3:.0f} kB, "
                      f"first (cold) build {cold:.2f} s")
                static_200 = load(port, "/bench/static.ics", {}, 200)
                static_304 = load(port, "/bench/static.ics", {"If-None-Match": static_headers["etag"]}, 304)
            feed_200 = load(port, "/calendar/meetings.ics", {}, 200)
            feed_304 = load(port, "/calendar/meetings.ics", {"If-None-Match": etag}, 304)
            label = "fingerprint per request" if ttl == 0 else f"CALENDAR_FINGERPRINT_TTL={ttl}"
            rows.append((f"200 cached, {label}", feed_200, static_200))
            rows.append((f"304, {label}", feed_304, static_304))
    print(f"{'':40}{'feed':>9} {'static file':>12} {'feed/static':>12}")
    for label, feed, static in rows:
        print(f"{label:40}{feed:>7.0f}/s {static:>10.0f}/s {feed / static:>11.2f}x")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kohtaamo-bench-feeds-"))
    os.environ.update({"KOHTAAMO_INSTANCE": str(workdir), "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
                       "BASE_URL": "https://kohtaamo.example"})
    os.environ.pop("REDIS_URL", None)
    try:
        serialiser_figures()
        http_figures(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
