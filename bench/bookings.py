"""Booking speed: time to book with 100 vs 100,000 existing bookings in the space, and bookings/s
under 16 concurrent clients.

Run from the repository root: ``.venv/bin/python bench/bookings.py``. Uses a temporary SQLite file
and, when the server answers, the PostgreSQL database ``kohtaamo_bench_spaces`` (dropped and
re-created; ``BENCH_PG_URL`` overrides the URL). For each database it prints

* the median time of one booking (service + commit, the conflict check included) in a space that
  already has 100 and 100,000 bookings, and their ratio (the conflict look-up reads a short range
  of ``ix_bookings_space_block`` whatever the history, so the ratio stays near 1), plus the query plan;
* bookings per second with 16 threads booking distinct slots of one space at once.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("KOHTAAMO_INSTANCE", tempfile.mkdtemp(prefix="kohtaamo-bench-"))

from sqlalchemy import make_url, text  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.extensions import db  # noqa: E402
from app.spaces import services  # noqa: E402
from app.spaces.models import EXCLUSION_CONSTRAINT, Booking, Space  # noqa: E402
from config import Config, database_url  # noqa: E402

SIZES = (100, 100_000)
SAMPLES = 40
THREADS = 16
PER_THREAD = 25
SLOT = timedelta(minutes=30)
STEP = timedelta(hours=1)


def _app(url: str):
    return create_app(Config, {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                               "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 4, "max_overflow": 0}})


def _setup(app) -> int:
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(email="bench@kohtaamo.example", role="staff", name="Bench")
        db.session.add(user)
        db.session.commit()
        return user.id


def _space(name: str) -> int:
    space = Space(name=name, address="Benchkatu 1", capacity=50, opening_hours=None, closed_on_holidays=False,
                  buffer_minutes=0, booking_horizon_days=365, accessibility={}, equipment=[])
    db.session.add(space)
    db.session.commit()
    return space.id


_COLUMNS = ("space_id", "title", "starts_at", "ends_at", "block_starts_at", "block_ends_at", "status", "sequence",
            "created_at", "updated_at")


def _fill(space_id: int, n: int, base: datetime) -> float:
    """``n`` half-hour bookings one hour apart, the last 100 in the future; returns seconds taken.

    PostgreSQL gets them by COPY, SQLite by one executemany: the ORM's per-row work would
    dominate the benchmark's run time.
    """
    started = time.perf_counter()
    first = base - STEP * (n - 100)
    rows = []
    for i in range(n):
        start = first + STEP * i
        rows.append((space_id, "Olemassa oleva", start, start + SLOT, start, start + SLOT, "confirmed", 0, base, base))
    connection = db.session.connection()
    # Indexes (and PostgreSQL's exclusion constraint) are built once after loading, as a bulk load
    # would: maintaining them row by row dominated the benchmark's run time.
    postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:
        connection.exec_driver_sql(f"ALTER TABLE bookings DROP CONSTRAINT {EXCLUSION_CONSTRAINT}")
    for index in Booking.__table__.indexes:
        index.drop(connection)
    if postgresql:
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY bookings ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        db.session.commit()
    else:
        # SQLAlchemy's SQLite DateTime text format (UTC), so that comparisons with its values hold.
        naive = [tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)
                 for row in rows]
        placeholders = ", ".join("?" for _ in _COLUMNS)
        connection.exec_driver_sql(f"INSERT INTO bookings ({', '.join(_COLUMNS)}) VALUES ({placeholders})", naive)
    connection = db.session.connection()
    for index in Booking.__table__.indexes:
        index.create(connection)
    if postgresql:
        connection.exec_driver_sql(
            f"ALTER TABLE bookings ADD CONSTRAINT {EXCLUSION_CONSTRAINT} EXCLUDE USING gist "
            "(space_id WITH =, tstzrange(block_starts_at, block_ends_at, '[)') WITH &&) WHERE (status <> 'cancelled')")
        connection.exec_driver_sql("ANALYZE bookings")
    db.session.commit()
    return time.perf_counter() - started


def _book_timed(space_id: int, user_id: int, base: datetime) -> list[float]:
    """Book the free half hours between the future bookings, one transaction each."""
    times = []
    warm_up = base - timedelta(days=400) + SLOT  # in a gap of the history: loads code paths and caches
    services.create_booking(db.session.get(Space, space_id), warm_up, warm_up + SLOT, "Lämmittely",
                            db.session.get(User, user_id), base - timedelta(days=1), strict=False)
    db.session.commit()
    for i in range(SAMPLES):
        start = base + STEP * i + SLOT
        t0 = time.perf_counter()
        services.create_booking(db.session.get(Space, space_id), start, start + SLOT, "Uusi",
                                db.session.get(User, user_id), base - timedelta(days=1))
        db.session.commit()
        times.append(time.perf_counter() - t0)
        db.session.expunge_all()
    return times


def _plan(space_id: int, base: datetime) -> str:
    query = services._live_blocks_query(space_id, base, base + SLOT)
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    rows = db.session.execute(text(prefix + sql)).all()
    db.session.rollback()
    return " | ".join(str(row[-1]).strip() for row in rows)


def _concurrency(app, user_id: int, base: datetime) -> tuple[float, int, int]:
    with app.app_context():
        space_id = _space("Kilpailutila")
    barrier = threading.Barrier(THREADS)
    outcome = {"ok": 0, "other": 0}
    lock = threading.Lock()

    def client(k: int) -> None:
        with app.app_context():
            barrier.wait()
            for j in range(PER_THREAD):
                start = base + STEP * (k + THREADS * j)
                try:
                    services.create_booking(db.session.get(Space, space_id), start, start + SLOT, "Rinnakkain",
                                            db.session.get(User, user_id), base - timedelta(days=1))
                    db.session.commit()
                    key = "ok"
                except Exception:  # noqa: BLE001 - counted, shown
                    db.session.rollback()
                    key = "other"
                with lock:
                    outcome[key] += 1
            db.session.remove()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return outcome["ok"] / elapsed, outcome["ok"], outcome["other"]


def run(label: str, url: str) -> None:
    app = _app(url)
    user_id = _setup(app)
    base = (datetime.now(timezone.utc) + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    medians = {}
    print(f"\n== {label} ==")
    with app.app_context():
        for n in SIZES:
            space_id = _space(f"Tila {n}")
            fill = _fill(space_id, n, base)
            times = _book_timed(space_id, user_id, base)
            medians[n] = statistics.median(times)
            print(f"{n:>7} existing bookings: bulk insert {fill:6.2f} s; one booking median "
                  f"{medians[n] * 1000:6.2f} ms (p90 {sorted(times)[int(len(times) * 0.9)] * 1000:6.2f} ms)")
            if n == SIZES[-1]:
                print(f"conflict look-up plan: {_plan(space_id, base)}")
    print(f"ratio {SIZES[-1]:,} / {SIZES[0]:,}: {medians[SIZES[-1]] / medians[SIZES[0]]:.2f}")
    rate, ok, other = _concurrency(app, user_id, base)
    print(f"{THREADS} concurrent clients: {rate:7.1f} bookings/s ({ok} booked, {other} refused)")
    with app.app_context():
        db.engine.dispose()


def _postgres_url() -> str | None:
    url = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/kohtaamo_bench_spaces")
    try:
        import psycopg

        name = make_url(url).database
        admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - no server: SQLite only
        print(f"PostgreSQL not reachable ({type(exc).__name__}); SQLite only")
        return None
    return database_url(url)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.db")
    pg = _postgres_url()
    if pg:
        run("PostgreSQL", pg)


if __name__ == "__main__":
    main()
