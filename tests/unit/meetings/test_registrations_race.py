"""Races: an occurrence never has more confirmed seats than its capacity, and the waiting list is
promoted in FIFO order, whatever the concurrency (8 processes, each with its own app and engine,
and 50 threads; on SQLite and on PostgreSQL)."""
from __future__ import annotations

import multiprocessing
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app import create_app
from app.errors import Conflict
from app.extensions import db
from app.meetings import registrations as services
from app.meetings.models import MeetingOccurrence, Registration
from config import TestingConfig

pytestmark = pytest.mark.slow

PROCESSES = 8
THREADS = 50


def _attempt(occurrence_id: int, action: tuple[str, object]) -> str:
    """One racer's transaction: register a new email, or cancel a registration by id."""
    kind, value = action
    try:
        if kind == "register":
            occurrence = services.get_occurrence(occurrence_id)
            data = services.clean_registration_data(
                {"name": f"Racer {value}", "email": f"racer{value}@example.org", "seats": 1, "consent": True},
                series=occurrence.series)
            result = services.register(occurrence, data).status
        else:
            registration = db.session.get(Registration, value)
            services.cancel_registration(registration, by_token=True)
            result = "cancelled"
        db.session.commit()
        return result
    except Conflict as exc:
        db.session.rollback()
        return exc.code


def _process_racer(uri: str, occurrence_id: int, action, barrier, results) -> None:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": uri, "BASE_URL": "http://kohtaamo.test"})
    with app.app_context():
        db.engine.connect().close()  # open the connection before the start signal
        barrier.wait(timeout=60)
        try:
            results.put((action, _attempt(occurrence_id, action)))
        except Exception as exc:  # reported to the parent, which fails the test
            results.put((action, f"error: {type(exc).__name__}: {exc}"))
        finally:
            db.session.remove()
            db.engine.dispose()


def race_processes(database_uri: str, occurrence_id: int, actions: list) -> list[tuple]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(actions))
    results = context.Queue()
    processes = [context.Process(target=_process_racer, args=(database_uri, occurrence_id, action, barrier,
                                                              results)) for action in actions]
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() in a process with threads (the rate limiter's timer);
        # each child builds its own app and engine at once and touches nothing inherited.
        warnings.simplefilter("ignore", DeprecationWarning)
        for process in processes:
            process.start()
    collected = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return collected


def race_threads(app, occurrence_id: int, actions: list) -> list[tuple]:
    barrier = threading.Barrier(len(actions))

    def run(action):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                return action, _attempt(occurrence_id, action)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return list(pool.map(run, actions))


def _check_invariant(app, occurrence_id: int) -> tuple[MeetingOccurrence, list[Registration]]:
    """seats_taken == sum of confirmed seats <= capacity; no one waits while their seats are free."""
    with app.app_context():
        occurrence = db.session.get(MeetingOccurrence, occurrence_id)
        confirmed = db.session.scalar(select(func.coalesce(func.sum(Registration.seats), 0)).where(
            Registration.occurrence_id == occurrence_id, Registration.status == "confirmed"))
        assert occurrence.seats_taken == confirmed <= occurrence.capacity
        rows = list(db.session.scalars(select(Registration).where(Registration.occurrence_id == occurrence_id)
                                       .order_by(Registration.created_at, Registration.id)))
        waiting = [r for r in rows if r.status == "waitlisted"]
        if waiting:
            assert waiting[0].seats > occurrence.capacity - occurrence.seats_taken
        db.session.expunge_all()
        return occurrence, rows


@pytest.mark.parametrize("waitlist", [True, False])
def test_processes_racing_for_the_last_seats(app, make, database_uri, waitlist):
    occurrence = make.occurrence(capacity=3, waitlist=waitlist)
    results = race_processes(database_uri, occurrence.id, [("register", n) for n in range(PROCESSES)])
    outcomes = sorted(outcome for _action, outcome in results)
    assert outcomes == sorted(["confirmed"] * 3 + (["waitlisted"] if waitlist else ["full"]) * (PROCESSES - 3))
    occ, rows = _check_invariant(app, occurrence.id)
    assert occ.seats_taken == 3


def test_processes_cancelling_while_others_register_promote_in_fifo_order(app, make, database_uri):
    occurrence = make.occurrence(capacity=4)
    leaving = [make.registration(occurrence) for _ in range(4)]
    queued = [make.registration(occurrence, status="waitlisted") for _ in range(4)]
    actions = [("cancel", r.id) for r in leaving] + [("register", n) for n in range(4)]
    results = race_processes(database_uri, occurrence.id, actions)
    assert sorted(outcome for _a, outcome in results) == ["cancelled"] * 4 + ["waitlisted"] * 4
    occ, rows = _check_invariant(app, occurrence.id)
    by_id = {r.id: r for r in rows}
    # Every freed seat went to the people already waiting, first come first served.
    assert [by_id[r.id].status for r in queued] == ["confirmed"] * 4
    assert occ.seats_taken == 4


def test_threads_racing_for_seats(app, make):
    occurrence = make.occurrence(capacity=10)
    results = race_threads(app, occurrence.id, [("register", n) for n in range(THREADS)])
    outcomes = [outcome for _a, outcome in results]
    assert outcomes.count("confirmed") == 10 and outcomes.count("waitlisted") == THREADS - 10
    occ, rows = _check_invariant(app, occurrence.id)
    assert occ.seats_taken == 10


def test_threads_cancellations_racing_new_registrations(app, make):
    occurrence = make.occurrence(capacity=10)
    leaving = [make.registration(occurrence) for _ in range(10)]
    queued = [make.registration(occurrence, status="waitlisted") for _ in range(15)]
    actions = [("cancel", r.id) for r in leaving[:6]] + [("register", n) for n in range(THREADS - 6)]
    results = race_threads(app, occurrence.id, actions)
    outcomes = [outcome for _a, outcome in results]
    assert outcomes.count("cancelled") == 6 and outcomes.count("waitlisted") == THREADS - 6
    occ, rows = _check_invariant(app, occurrence.id)
    status = {r.id: r.status for r in rows}
    # FIFO: exactly the six people at the head of the queue were promoted.
    assert [status[r.id] for r in queued] == ["confirmed"] * 6 + ["waitlisted"] * 9
    assert occ.seats_taken == 10
    waiting_order = [r.id for r in rows if r.status == "waitlisted"]
    assert waiting_order[:9] == [r.id for r in queued[6:]]


def test_threads_racing_with_multi_seat_requests(app, make):
    occurrence = make.occurrence(capacity=7, waitlist=False, max_seats_per_registration=3)

    def register(n):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                occ = services.get_occurrence(occurrence.id)
                data = services.clean_registration_data(
                    {"name": "x", "email": f"m{n}@example.org", "seats": 1 + n % 3, "consent": True},
                    series=occ.series)
                services.register(occ, data)
                db.session.commit()
                return "confirmed"
            except Conflict as exc:
                db.session.rollback()
                return exc.code
            finally:
                db.session.remove()

    barrier = threading.Barrier(30)
    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(register, range(30)))
    assert set(outcomes) <= {"confirmed", "full"} and "full" in outcomes
    occ, _rows = _check_invariant(app, occurrence.id)
    # Ten one-seat requests cannot all fit, so one was refused when the 7 seats were full.
    assert occ.seats_taken == 7


def test_threads_registering_the_same_email_get_one_registration(app, make):
    """The friendly duplicate check races; the partial unique index decides, seats are given back."""
    occurrence = make.occurrence(capacity=20)
    barrier = threading.Barrier(8)

    def register(_n):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                occ = services.get_occurrence(occurrence.id)
                data = services.clean_registration_data(
                    {"name": "Sama", "email": "same@example.org", "seats": 1, "consent": True}, series=occ.series)
                status = services.register(occ, data).status
                db.session.commit()
                return status
            except Conflict as exc:
                db.session.rollback()
                return exc.code
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(register, range(8)))
    assert sorted(outcomes) == ["confirmed"] + ["duplicate"] * 7
    occ, rows = _check_invariant(app, occurrence.id)
    assert occ.seats_taken == 1 and len(rows) == 1
