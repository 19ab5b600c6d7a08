"""The guarantee: a space is never double-booked, whatever the concurrency (CONTRACT.md).

Threads (50) and processes (8, each with its own app and engine) race for overlapping slots of one
space on the suite's database: PostgreSQL's exclusion constraint or SQLite's BEGIN IMMEDIATE must
leave exactly one winner; the others get a clean BookingConflict. Touching half-open slots
[10, 11) and [11, 12) are both accepted.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db
from app.spaces import services
from app.spaces.models import Booking, Space
from config import TestingConfig
from tests.timeutil import at, next_weekday

pytestmark = pytest.mark.slow


def _attempt(app, space_id: int, staff_id: int, start: datetime, end: datetime, wait) -> str:
    """One racer: book, commit, report ``ok``/``conflict`` (or the unexpected error)."""
    with app.app_context():
        try:
            preload = db.engine.dialect.name != "sqlite"  # on SQLite a read already takes the write lock
            if preload:
                space, actor = db.session.get(Space, space_id), db.session.get(User, staff_id)
            wait()
            if not preload:
                space, actor = db.session.get(Space, space_id), db.session.get(User, staff_id)
            services.create_booking(space, start, end, "Kilpailu", actor, utcnow())
            db.session.commit()
            return "ok"
        except services.BookingConflict as exc:
            db.session.rollback()
            return "conflict" if exc.conflicts else "conflict-without-details"
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            db.session.rollback()
            return f"error: {type(exc).__name__}: {exc}"
        finally:
            db.session.remove()


def _racing_app(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": uri, "SERVER_NAME": None,
                                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 60, "max_overflow": 0}})


def _live_count(app, space_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Booking.id)).where(Booking.space_id == space_id,
                                                                     Booking.status == "confirmed"))


def _race_threads(app, slots: list[tuple[datetime, datetime]], space_id: int, staff_id: int) -> list[str]:
    racing = _racing_app(app)
    barrier = threading.Barrier(len(slots))
    results: list[str] = [""] * len(slots)

    def run(i: int, start: datetime, end: datetime) -> None:
        results[i] = _attempt(racing, space_id, staff_id, start, end, lambda: barrier.wait(timeout=60))

    threads = [threading.Thread(target=run, args=(i, s, e)) for i, (s, e) in enumerate(slots)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with racing.app_context():
        db.engine.dispose()
    return results


def test_fifty_threads_overlapping_one_winner(app, make):
    staff = make.user("staff")
    space = make.space()
    day = next_weekday(2)
    # Every racer overlaps every other one (they all contain 10:00–10:30).
    slots = [(at(day, 9, 30 + i % 30), at(day, 10, 30 + i % 20)) for i in range(50)]
    results = _race_threads(app, slots, space.id, staff.id)
    assert results.count("ok") == 1, results
    assert results.count("conflict") == 49, results
    assert _live_count(app, space.id) == 1


def test_threads_touching_slots_both_accepted(app, make):
    staff = make.user("staff")
    space = make.space()
    day = next_weekday(3)
    slots = [(at(day, 10), at(day, 11)), (at(day, 11), at(day, 12))] * 8
    results = _race_threads(app, slots, space.id, staff.id)
    assert results.count("ok") == 2 and results.count("conflict") == 14, results
    assert _live_count(app, space.id) == 2


def _process_main(uri: str, instance: str, space_id: int, staff_id: int, start: datetime, end: datetime,
                  barrier, queue) -> None:
    """A separate process with its own app (engine, pool): as two gunicorn workers would race."""
    os.environ["KOHTAAMO_INSTANCE"] = instance
    own_app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": uri, "SERVER_NAME": None})
    queue.put(_attempt(own_app, space_id, staff_id, start, end, lambda: barrier.wait(timeout=60)))


def _race_processes(app, slots, space_id: int, staff_id: int, tmp_path) -> list[str]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(slots))
    queue = context.Queue()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    processes = [context.Process(target=_process_main, args=(uri, str(tmp_path), space_id, staff_id, s, e,
                                                             barrier, queue)) for s, e in slots]
    for process in processes:
        process.start()
    results = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return results


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() in a multi-threaded process (3.12+)
def test_eight_processes_overlapping_one_winner(app, make, tmp_path):
    staff = make.user("staff")
    space = make.space(buffer_minutes=15)
    day = next_weekday(4)
    # Pairwise overlapping once the 15-minute buffer is added: 10:50–11:40 collides with 9:30–10:40.
    slots = [(at(day, 10), at(day, 11)), (at(day, 10, 30), at(day, 11, 30)), (at(day, 9, 30), at(day, 10, 40)),
             (at(day, 10, 50), at(day, 11, 40))] * 2
    results = _race_processes(app, slots, space.id, staff.id, tmp_path)
    assert results.count("ok") == 1, results
    assert results.count("conflict") == 7, results
    assert _live_count(app, space.id) == 1


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_processes_touching_slots_both_accepted(app, make, tmp_path):
    staff = make.user("staff")
    space = make.space()
    day = next_weekday(1)
    slots = [(at(day, 10), at(day, 11)), (at(day, 11), at(day, 12))] * 4
    results = _race_processes(app, slots, space.id, staff.id, tmp_path)
    assert results.count("ok") == 2 and results.count("conflict") == 6, results
    assert _live_count(app, space.id) == 2
