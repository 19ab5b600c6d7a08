"""Load test: the app under gunicorn (several workers) on SQLite and on PostgreSQL, side by side with
two baselines served the same way: a trivial Flask app and a static file (the public feed's bytes).

Run from the repository root: ``.venv/bin/python bench/load.py``. For each database (PostgreSQL only
when 127.0.0.1:5432 answers; database ``kohtaamo_bench_load``, dropped and re-created) it migrates,
loads the demo data plus published series up to 40, creates a staff API token, starts
``gunicorn --workers N`` on ``wsgi:app`` (the production entry point) and

1. warms up: every target is requested until EVERY worker has answered it a few times (the
   answering worker is told by an ``X-Bench-Worker`` header added by bench/support/worker_header.py);
2. measures ROUNDS rounds; in each, every target right after its baseline (the trivial app, or the
   static file for the feed), each driven by T client threads for S seconds;
3. prints per target the medians over the rounds of requests/s, p50 and p99 and of the RATIO to
   the baseline measured just before it (req/s target / req/s baseline), and the goal of issue 13.

The machine's other load shows in the absolute figures; the ratios are what to compare.
Settings: BENCH_WORKERS (4), BENCH_THREADS (16), BENCH_SECONDS (3), BENCH_ROUNDS (2),
BENCH_DATABASES (``sqlite,postgresql``).
"""
from __future__ import annotations

import contextlib
import http.client
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SUPPORT = ROOT / "bench" / "support"
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "kohtaamo_bench_load")
PUBLISHED_SERIES = 40
STAFF_EMAIL, DEMO_PASSWORD = "staff@kohtaamo.example", "kohtaamo-demo"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=2, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"PostgreSQL not used ({type(exc).__name__}: {str(exc).strip()[:100]})")
        return False


def prepare_database(database_url: str) -> str:
    """Migrate, load the demo data and series up to 40 published, create a staff token; returns it."""
    sys.path.insert(0, str(ROOT))
    from datetime import datetime, time as clock, timedelta, timezone

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.accounts import services
    from app.accounts.models import User
    from app.demo import load_demo_data
    from app.extensions import db
    from app.meetings import services as meetings
    from app.meetings.models import MeetingSeries
    from config import Config, database_url as normalise

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": normalise(database_url), "SECRET_KEY": "bench"})
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # alembic's log of every revision
            upgrade(directory=str(ROOT / "migrations"))
        load_demo_data()
        user = db.session.scalar(db.select(User).where(User.email == STAFF_EMAIL))
        now = datetime.now(timezone.utc)
        themes = [t.id for t in meetings.ensure_default_themes()]
        published = db.session.scalar(select(func.count()).where(MeetingSeries.status == "published"))
        for n in range(published, PUBLISHED_SERIES):
            day = now.date() + timedelta(days=1 + n % 28)
            data = meetings.clean_series_data({
                "title_fi": f"Verkostotapaaminen {n}", "title_sv": f"Nätverksträff {n}",
                "title_en": f"Network meeting {n}", "description_fi": "Tapaaminen järjestöille. " * 5,
                "organiser_unit": "Kulttuurin ja vapaa-ajan toimiala", "language": "fi",
                "start_local": datetime.combine(day, clock(9 + n % 9, 0)), "duration_minutes": 90,
                "rrule": ("FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY", None)[n % 4],
                "capacity": 30, "waitlist": True, "max_seats_per_registration": 2,
                "registration_closes_minutes_before": 60, "location": "Kaupungintalo, Helsinki",
                "district": "southern", "status": "published", "theme_ids": themes[n % len(themes):][:2],
            }, now=now)
            meetings.create_series(data, actor=user, now=now)
        _token, plain = services.create_api_token(user, "bench")
        db.session.commit()
        db.engine.dispose()
    return plain


class Server:
    """``gunicorn --workers N APP`` on a free port (the same flags for the app and the baselines)."""

    def __init__(self, app_path: str, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [GUNICORN, "--workers", str(WORKERS), "--preload", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--chdir", str(SUPPORT), app_path],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True)

    def workers(self) -> set[int]:
        """The pids of the master's children (its workers)."""
        pids = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.add(int(entry.name))
        return pids

    def wait_listening(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.process.stderr.read()[-3000:]}")
            if len(self.workers()) == WORKERS:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def warm(self, path: str, headers: dict[str, str] | None = None, times: int = 3,
             timeout: float = 120) -> None:
        """Request ``path`` concurrently until every worker has answered it ``times`` times."""
        workers = self.workers()
        seen: Counter[int] = Counter()
        lock = threading.Lock()
        deadline = time.monotonic() + timeout

        def client() -> None:
            while time.monotonic() < deadline:
                with lock:
                    if all(seen[pid] >= times for pid in workers):
                        return
                status, _body, response_headers = request(self.port, "GET", path, headers)
                if status not in (200, 304):
                    raise SystemExit(f"warm-up of {path}: HTTP {status}")
                with lock:
                    seen[int(response_headers["X-Bench-Worker"])] += 1

        threads = [threading.Thread(target=client) for _ in range(WORKERS * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if not all(seen[pid] >= times for pid in workers):
            raise SystemExit(f"warm-up of {path}: not every worker answered ({dict(seen)} of {workers})")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
            body: str | None = None) -> tuple[int, bytes, http.client.HTTPMessage]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def staff_session_cookie(port: int) -> str:
    """Log in through the real form (CSRF token and all) and return the session cookie."""
    status, body, headers = request(port, "GET", "/login")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or \
        re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    form = urlencode({"csrf_token": token.group(1).decode(), "email": STAFF_EMAIL, "password": DEMO_PASSWORD})
    status, _body, headers = request(port, "POST", "/login", {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, form)
    if status != 302:
        raise SystemExit(f"login failed: {status}")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    # Like a browser: keep the cookie the first page after login sets (its CSRF secret).
    _status, _body, headers = request(port, "GET", "/", {"Cookie": cookie})
    return headers["Set-Cookie"].split(";", 1)[0] if headers.get("Set-Cookie") else cookie


@dataclass
class Run:
    rate: float
    p50: float
    p99: float
    errors: int
    ratio: float = 0.0  # to the baseline measured just before


def drive(port: int, path: str, headers: dict[str, str] | None, expect: int) -> Run:
    """THREADS clients request ``path`` back to back for SECONDS; another status counts as an error."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def client() -> None:
        nonlocal errors
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, _body, _headers = request(port, "GET", path, headers)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            failed += status != expect
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    lat = sorted(latencies) or [0.0]
    return Run(len(latencies) / elapsed, statistics.median(lat) * 1000,
               lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, errors)


@dataclass
class Target:
    label: str
    path: str
    headers: dict[str, str] | None = None
    baseline: str = "trivial"  # "trivial", "static", "static 304", or "" for a baseline itself
    goal: float | None = None  # the least ratio issue 13 asks for
    p99_goal: float | None = None  # ms
    expect: int = 200
    server: str = "app"
    runs: list[Run] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(run, attr) for run in self.runs)


def targets_for(token: str, cookie: str, feed_etag: str, static_etag: str) -> list[Target]:
    staff, bearer = {"Cookie": cookie}, {"Authorization": f"Bearer {token}"}
    return [
        Target("baseline: trivial Flask app", "/", baseline="", server="trivial"),
        Target("baseline: static file (feed bytes)", "/static.ics", baseline="", server="trivial"),
        Target("baseline: static file, 304", "/static.ics", {"If-None-Match": static_etag}, baseline="",
               server="trivial", expect=304),
        Target("GET /healthz", "/healthz"),
        Target("GET / (home page)", "/", goal=0.3, p99_goal=150),
        Target("GET /meetings (meetings list)", "/meetings", goal=0.3, p99_goal=150),
        Target("GET /organizations/ (staff)", "/organizations/", staff, goal=0.2),
        Target("GET /meetings/manage (staff)", "/meetings/manage", staff, goal=0.2),
        Target("GET /api/v1/organizations (token)", "/api/v1/organizations", bearer, goal=0.2),
        Target("GET /api/v1/series (token)", "/api/v1/series", bearer, goal=0.2),
        Target("GET /calendar/meetings.ics", "/calendar/meetings.ics", baseline="static", goal=0.8),
        Target("GET /calendar/meetings.ics, 304", "/calendar/meetings.ics", {"If-None-Match": feed_etag},
               baseline="static 304", goal=1.0, expect=304),
    ]


def bench_database(name: str, database_url: str, instance: Path, trivial: Server, static_dir: Path) -> list[Target]:
    os.environ["KOHTAAMO_INSTANCE"] = str(instance)
    env = {**os.environ, "DATABASE_URL": database_url, "KOHTAAMO_INSTANCE": str(instance),
           "SECRET_KEY": "bench-secret-key", "BASE_URL": "http://127.0.0.1"}
    env.pop("REDIS_URL", None)
    token = prepare_database(database_url)
    server = Server("bench_app:app", env)
    try:
        server.wait_listening()
        cookie = staff_session_cookie(server.port)
        status, feed, headers = request(server.port, "GET", "/calendar/meetings.ics")
        (static_dir / "feed.ics").write_bytes(feed)
        feed_etag = headers["ETag"]
        static_etag = request(trivial.port, "GET", "/static.ics")[2]["ETag"]
        targets = targets_for(token, cookie, feed_etag, static_etag)
        servers = {"app": server, "trivial": trivial}
        for target in targets:
            servers[target.server].warm(target.path, target.headers)
        baselines = {"trivial": targets[0], "static": targets[1], "static 304": targets[2]}
        for _round in range(ROUNDS):
            for target in targets[3:]:
                # each target right after its own baseline: the machine's load drifts
                base = baselines[target.baseline]
                base.runs.append(drive(trivial.port, base.path, base.headers, base.expect))
                run = drive(server.port, target.path, target.headers, target.expect)
                run.ratio = run.rate / base.runs[-1].rate
                target.runs.append(run)
        return targets
    finally:
        server.stop()


def report(name: str, targets: list[Target]) -> bool:
    """Print the table of one database; True when every goal is met."""
    print(f"\n{name}  (medians of {ROUNDS} rounds; ratio: to the baseline measured just before)")
    print(f"{'target':<38} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'ratio':>6}  goal")
    ok = True
    for t in targets:
        rate = t.median("rate")
        ratio_text, goal_text = "", ""
        if t.baseline:
            ratio = t.median("ratio")
            ratio_text = f"{ratio:.2f}x"
            if t.goal is not None:
                met = ratio >= t.goal and (t.p99_goal is None or t.median("p99") < t.p99_goal)
                ok &= met
                goal_text = (f">= {t.goal}x {t.baseline}" + (f", p99 < {t.p99_goal:g}" if t.p99_goal else "")
                             + ("  ok" if met else "  MISSED"))
        errors = sum(run.errors for run in t.runs)
        ok &= errors == 0
        print(f"{t.label:<38} {rate:>8.1f} {t.median('p50'):>7.1f} {t.median('p99'):>7.1f} {errors:>6} "
              f"{ratio_text:>6}  {goal_text}")
    return ok


def main() -> None:
    began = time.monotonic()
    print(f"gunicorn --workers {WORKERS} (sync), {THREADS} client threads, {SECONDS:g} s per target, "
          f"{ROUNDS} rounds, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    instance = Path(tempfile.mkdtemp(prefix="kohtaamo-bench-"))
    static_dir = instance / "static"
    static_dir.mkdir()
    (static_dir / "feed.ics").write_bytes(b"")
    trivial = Server("trivial_app:app", {**os.environ, "BENCH_STATIC_DIR": str(static_dir)})
    tables: list[tuple[str, list[Target]]] = []
    try:
        trivial.wait_listening()
        if "sqlite" in DATABASES:
            tables.append(("SQLite", bench_database("SQLite", f"sqlite:///{instance / 'bench.db'}", instance,
                                                    trivial, static_dir)))
        if "postgresql" in DATABASES and postgres_reachable():
            tables.append(("PostgreSQL", bench_database("PostgreSQL", f"{PG_SERVER}/{PG_DATABASE}", instance,
                                                        trivial, static_dir)))
    finally:
        trivial.stop()
        shutil.rmtree(instance, ignore_errors=True)
    ok = all([report(name, targets) for name, targets in tables])
    print(f"\ntotal {time.monotonic() - began:.0f} s; load average now {os.getloadavg()[0]:.1f}")
    print("every goal met" if ok else "some goals missed (or requests failed)")


if __name__ == "__main__":
    main()
