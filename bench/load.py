"""Load test: the app under gunicorn (several workers) on SQLite and on PostgreSQL, next to a trivial
Flask app served the same way, driven by concurrent clients.

Run from the repository root: ``.venv/bin/python bench/load.py``. For each database (PostgreSQL only
when 127.0.0.1:5432 answers; database ``kohtaamo_bench_load``, dropped and re-created) it migrates,
loads the demo data, creates a staff API token, starts ``gunicorn --workers N wsgi:app`` and drives
each target with T client threads for S seconds; it prints requests/s, p50 and p99 latency and the
number of failed requests per target. Settings: BENCH_WORKERS (4), BENCH_THREADS (16),
BENCH_SECONDS (3). Both apps run with ``--preload`` (imported once, then forked). The machine's other load shows in the figures: compare against the trivial app
measured in the same run.
"""
from __future__ import annotations

import http.client
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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "kohtaamo_bench_load"
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
    """Migrate, load the demo data, create a staff token, in this process; returns the token."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from app import create_app
    from app.accounts import services
    from app.accounts.models import User
    from app.demo import load_demo_data
    from app.extensions import db
    from config import Config, database_url as normalise

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": normalise(database_url), "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo_data()
        user = db.session.scalar(db.select(User).where(User.email == STAFF_EMAIL))
        _token, plain = services.create_api_token(user, "bench")
        db.session.commit()
        db.engine.dispose()
    return plain


class Server:
    """``gunicorn --workers N`` on a free port, stopped on exit."""

    def __init__(self, app_path: str, env: dict[str, str], chdir: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            # --preload: import once, then fork (starts fast on a busy machine; same for both apps)
            [GUNICORN, "--workers", str(WORKERS), "--preload", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning",
             "--chdir", str(chdir), app_path],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.process.stderr.read()[-3000:]}")
            try:
                status, _body, _headers = request(self.port, "GET", path)
                if status == 200:
                    # every worker must be up: a few more requests spread over them
                    for _ in range(WORKERS * 2):
                        request(self.port, "GET", path)
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not become ready")

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
    return headers["Set-Cookie"].split(";", 1)[0]


@dataclass
class Result:
    label: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    def row(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        return (f"{self.label:<46} {self.requests / self.seconds:>8.1f} {p50:>8.1f} {p99:>8.1f} "
                f"{self.errors:>6}")


def drive(label: str, port: int, path: str, headers: dict[str, str] | None = None) -> Result:
    """THREADS clients request ``path`` back to back for SECONDS; a non-200 answer counts as an error."""
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
            failed += status != 200
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(label, len(latencies), errors, time.monotonic() - started, latencies)


def bench_app(name: str, database_url: str, instance: Path) -> list[Result]:
    os.environ["KOHTAAMO_INSTANCE"] = str(instance)
    env = {**os.environ, "DATABASE_URL": database_url, "KOHTAAMO_INSTANCE": str(instance),
           "SECRET_KEY": "bench-secret-key", "BASE_URL": "http://127.0.0.1"}
    env.pop("REDIS_URL", None)
    token = prepare_database(database_url)
    server = Server("wsgi:app", env, ROOT)
    try:
        server.wait_ready("/healthz")
        cookie = staff_session_cookie(server.port)
        return [
            drive(f"{name}: GET /healthz", server.port, "/healthz"),
            drive(f"{name}: GET / (home page)", server.port, "/"),
            drive(f"{name}: GET /organizations/ (staff session)", server.port, "/organizations/",
                  {"Cookie": cookie}),
            drive(f"{name}: GET /api/v1/organizations (token)", server.port, "/api/v1/organizations",
                  {"Authorization": f"Bearer {token}"}),
        ]
    finally:
        server.stop()


def main() -> None:
    began = time.monotonic()
    print(f"gunicorn --workers {WORKERS} (sync), {THREADS} client threads, {SECONDS:g} s per target, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    results: list[Result] = []
    trivial = Server("trivial_app:app", {**os.environ}, ROOT / "bench" / "support")
    try:
        trivial.wait_ready("/")
        results.append(drive("trivial Flask app: GET / (baseline)", trivial.port, "/"))
    finally:
        trivial.stop()
    instance = Path(tempfile.mkdtemp(prefix="kohtaamo-bench-"))
    try:
        results += bench_app("SQLite", f"sqlite:///{instance / 'bench.db'}", instance)
        if postgres_reachable():
            results += bench_app("PostgreSQL", f"{PG_SERVER}/{PG_DATABASE}", instance)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    print(f"{'target':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for result in results:
        print(result.row())
    measuring = sum(r.seconds for r in results)
    total = time.monotonic() - began
    print(f"total {total:.0f} s ({measuring:.0f} s measuring, {total - measuring:.0f} s starting servers "
          f"and loading data)")
    if any(r.errors for r in results):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
