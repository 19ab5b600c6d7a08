"""Races between groups: several contacts register groups for the last seats at the same moment
(separate processes, own engines; SQLite and PostgreSQL). Seats never exceed capacity, every
group is all-or-nothing, and the rest wait in order."""
from __future__ import annotations

import multiprocessing
import warnings

import pytest

from app import create_app
from app.accounts.models import User
from app.errors import DomainError
from app.extensions import db
from app.meetings import group_registrations as groups
from app.meetings import registrations as services
from config import TestingConfig
from tests.unit.meetings.test_registrations_race import _check_invariant

pytestmark = pytest.mark.slow

GROUPS = 6
SIZE = 3


def _racer(uri, occurrence_id, user_id, n, barrier, results, waitlist):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": uri, "BASE_URL": "http://kohtaamo.test"})
    with app.app_context():
        db.engine.connect().close()
        barrier.wait(timeout=60)
        try:
            occurrence = services.get_occurrence(occurrence_id)
            people = [groups.Person(name=f"G{n} P{i}", email=f"g{n}p{i}@example.org") for i in range(SIZE)]
            rows = groups.register_group(occurrence, db.session.get(User, user_id), people)
            statuses = [r.status for r in rows]
            db.session.commit()
            results.put((n, statuses))
        except DomainError as exc:
            db.session.rollback()
            results.put((n, exc.code))
        except Exception as exc:  # reported to the parent, which fails the test
            results.put((n, f"error: {type(exc).__name__}: {exc}"))
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("waitlist", [True, False])
def test_groups_racing_for_the_last_seats(app, make, database_uri, waitlist):
    occurrence = make.occurrence(capacity=5, waitlist=waitlist)
    contacts = [make.user("ngo", organization=make.organization()) for _ in range(GROUPS)]
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(GROUPS), context.Queue()
    processes = [context.Process(target=_racer, args=(database_uri, occurrence.id, c.id, n, barrier, results,
                                                      waitlist)) for n, c in enumerate(contacts)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for process in processes:
            process.start()
    collected = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert not [v for v in collected.values() if isinstance(v, str) and v.startswith("error")], collected
    occ, rows = _check_invariant(app, occurrence.id)
    confirmed = sum(1 for r in rows if r.status == "confirmed")
    if waitlist:
        # Every group was stored whole; exactly the capacity got seats, the rest wait.
        assert all(isinstance(v, list) and len(v) == SIZE for v in collected.values())
        assert confirmed == occ.seats_taken == 5 and len(rows) == GROUPS * SIZE
    else:
        # Whole groups only: one group of 3 fits, the next would need 3 of the 2 left, so it is refused.
        stored = [v for v in collected.values() if isinstance(v, list)]
        assert stored == [["confirmed"] * SIZE]
        assert sorted(v for v in collected.values() if isinstance(v, str)) == ["full"] * (GROUPS - 1)
        assert occ.seats_taken == 3 and len(rows) == 3
