"""Races: a guidance slot never gets two appointments, whatever the concurrency — 8 processes (each
with its own app and engine) and 30 threads against one database, on SQLite and on PostgreSQL.
Bookings, moves into the same slot, and racers whose friendly pre-check is switched off (so only
the database's partial unique index stands between them) all end with exactly one appointment.
The reminder job run by several processes at once mails each appointment exactly once."""
from __future__ import annotations

import multiprocessing
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.core.types import utcnow
from app.errors import Conflict
from app.extensions import db
from app.guidance.models import GuidanceAppointment, GuidanceHour
from app.guidance.services import appointments as booking
from app.mail.models import OutboxMessage
from config import TestingConfig

pytestmark = pytest.mark.slow

PROCESSES = 8
THREADS = 30


def _attempt(hour_id: int, action: tuple) -> str:
    """One racer's transaction: ``("book", n, start)`` or ``("move", appointment_id, start)``;
    ``("book_unchecked", n, start)`` skips the service's friendly check (only the index decides)."""
    kind, value, start = action
    try:
        hour = db.session.get(GuidanceHour, hour_id)
        if kind == "move":
            booking.move(db.session.get(GuidanceAppointment, value), start, by_token=True, now=utcnow())
        else:
            if kind == "book_unchecked":
                booking._slot_taken = lambda *args, **kwargs: False  # noqa: SLF001  (this racer's process/thread)
            data = booking.clean_appointment_data({"name": f"Racer {value}", "email": f"racer{value}@example.org"},
                                                  hour=hour, require_consent=False)
            booking.book(hour, start, data, now=utcnow())
        db.session.commit()
        return "ok"
    except Conflict as exc:
        db.session.rollback()
        return exc.code


def _remind(hour_id: int) -> str:
    """The reminder job as if run an hour before the guidance hour's first window."""
    from app.guidance.models import GuidanceWindow
    from app.guidance.services.reminders import send_due_reminders

    first = db.session.scalar(select(func.min(GuidanceWindow.starts_at)).where(
        GuidanceWindow.guidance_hour_id == hour_id))
    return str(send_due_reminders(first - timedelta(hours=1)))


def _process_racer(uri: str, hour_id: int, action, barrier, results) -> None:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": uri, "BASE_URL": "http://kohtaamo.test"})
    with app.app_context():
        db.engine.connect().close()  # open the connection before the start signal
        barrier.wait(timeout=60)
        try:
            results.put((action, _remind(hour_id) if action == "remind" else _attempt(hour_id, action)))
        except Exception as exc:  # reported to the parent, which fails the test
            results.put((action, f"error: {type(exc).__name__}: {exc}"))
        finally:
            db.session.remove()
            db.engine.dispose()


def race_processes(database_uri: str, hour_id: int, actions: list) -> list[str]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(actions))
    results = context.Queue()
    processes = [context.Process(target=_process_racer, args=(database_uri, hour_id, action, barrier, results))
                 for action in actions]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with the rate limiter's timer thread
        for process in processes:
            process.start()
    collected = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return [outcome for _action, outcome in collected]


def race_threads(app, hour_id: int, actions: list, monkeypatch=None) -> list[str]:
    barrier = threading.Barrier(len(actions))

    def run(action):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                return _attempt(hour_id, action)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return list(pool.map(run, actions))


def _live_at(app, hour_id: int, start) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(GuidanceAppointment.id)).where(
            GuidanceAppointment.guidance_hour_id == hour_id, GuidanceAppointment.starts_at == start,
            GuidanceAppointment.status != "cancelled"))


def _first_slot(make, hour):
    return make.guidance_windows(hour)[0].starts_at


def test_processes_racing_for_one_slot(app, make, database_uri):
    hour = make.guidance_hour()
    start = _first_slot(make, hour)
    outcomes = race_processes(database_uri, hour.id, [("book", n, start) for n in range(PROCESSES)])
    assert sorted(outcomes) == ["ok"] + ["taken"] * (PROCESSES - 1), outcomes
    assert _live_at(app, hour.id, start) == 1


def test_processes_without_the_pre_check_only_the_index_decides(app, make, database_uri):
    hour = make.guidance_hour()
    start = _first_slot(make, hour)
    outcomes = race_processes(database_uri, hour.id, [("book_unchecked", n, start) for n in range(PROCESSES)])
    assert sorted(outcomes) == ["ok"] + ["taken"] * (PROCESSES - 1), outcomes
    assert _live_at(app, hour.id, start) == 1


def test_processes_moving_and_booking_into_one_slot(app, make, database_uri):
    hour = make.guidance_hour()
    window = make.guidance_windows(hour)[0]
    target = window.starts_at + timedelta(minutes=30)
    movers = [make.appointment(hour, start=make.guidance_windows(hour)[k].starts_at) for k in (1, 2, 3)]
    actions = [("move", a.id, target) for a in movers] + [("book", n, target) for n in range(PROCESSES - 3)]
    outcomes = race_processes(database_uri, hour.id, actions)
    assert sorted(outcomes) == ["ok"] + ["taken"] * (PROCESSES - 1), outcomes
    assert _live_at(app, hour.id, target) == 1


def test_threads_racing_for_one_slot(app, make):
    hour = make.guidance_hour()
    start = _first_slot(make, hour)
    outcomes = race_threads(app, hour.id, [("book", n, start) for n in range(THREADS)])
    assert sorted(outcomes) == ["ok"] + ["taken"] * (THREADS - 1), outcomes
    assert _live_at(app, hour.id, start) == 1


def test_threads_without_the_pre_check_only_the_index_decides(app, make, monkeypatch):
    hour = make.guidance_hour()
    start = _first_slot(make, hour)
    monkeypatch.setattr(booking, "_slot_taken", lambda *args, **kwargs: False)
    outcomes = race_threads(app, hour.id, [("book", n, start) for n in range(THREADS)])
    assert sorted(outcomes) == ["ok"] + ["taken"] * (THREADS - 1), outcomes
    assert _live_at(app, hour.id, start) == 1


def test_the_index_refuses_a_second_live_appointment_and_frees_on_cancel(app, make):
    hour = make.guidance_hour()
    first = make.appointment(hour)
    with pytest.raises(IntegrityError):
        make.appointment(hour)
    with app.app_context():
        db.session.get(GuidanceAppointment, first.id).status = "cancelled"
        db.session.commit()
    make.appointment(hour)  # the slot is free again at once
    assert _live_at(app, hour.id, first.starts_at) == 1


def test_reminder_job_on_several_hosts_mails_each_appointment_once(app, make, database_uri):
    hour = make.guidance_hour()
    windows = make.guidance_windows(hour)
    rows = [make.appointment(hour, start=windows[0].starts_at + timedelta(minutes=30 * k)) for k in range(4)]
    outcomes = race_processes(database_uri, hour.id, ["remind"] * 4)
    assert sum(int(o) for o in outcomes) == 4, outcomes
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.kind == "guidance_reminder"))
        assert sorted(mails) == sorted(r.email for r in rows)
