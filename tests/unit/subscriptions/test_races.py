"""Races: the cron commands run by several hosts at once (8 processes, each with its own app and
engine, against one database; SQLite and PostgreSQL) send every mail exactly once — each
(person, series) notice, each weekly digest and each meeting reminder."""
from __future__ import annotations

import multiprocessing
import warnings
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.core.types import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.subscriptions import delivery, reminders
from app.subscriptions.models import MeetingReminder, SubscriptionDigest, SubscriptionNotice
from config import TestingConfig

pytestmark = pytest.mark.slow

PROCESSES = 8


def _job(kind: str, now_iso: str) -> int:
    from datetime import datetime

    now = datetime.fromisoformat(now_iso)
    if kind == "notify":
        return delivery.send_immediate(now)
    if kind == "digest":
        return delivery.send_digests(now)
    return reminders.send_reminders(now)


def _racer(uri: str, kind: str, now_iso: str, barrier, results) -> None:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": uri, "BASE_URL": "http://kohtaamo.test"})
    with app.app_context():
        db.engine.connect().close()  # open the connection before the start signal
        barrier.wait(timeout=60)
        try:
            results.put((kind, _job(kind, now_iso)))
        except Exception as exc:  # reported to the parent, which fails the test
            results.put((kind, f"error: {type(exc).__name__}: {exc}"))
        finally:
            db.session.remove()
            db.engine.dispose()


def race(database_uri: str, kinds: list[str], now) -> list[tuple[str, int]]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(kinds))
    results = context.Queue()
    processes = [context.Process(target=_racer, args=(database_uri, kind, now.isoformat(), barrier, results))
                 for kind in kinds]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with the rate limiter's timer thread
        for process in processes:
            process.start()
    collected = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert all(isinstance(count, int) for _kind, count in collected), collected
    return collected


def _mails(app, kind: str) -> Counter:
    with app.app_context():
        return Counter(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.kind == kind)))


def test_immediate_and_digest_on_several_hosts_tell_each_person_once(app, make, database_uri):
    immediate = [make.user("ngo") for _ in range(3)]
    weekly = [make.user("ngo") for _ in range(3)]
    both = make.user("ngo")  # an immediate and a weekly subscription matching the same series
    for user in immediate:
        make.subscription(user, district="eastern")
    for user in weekly:
        make.subscription(user, district="eastern", frequency="weekly")
    theme = make.default_theme().id
    make.subscription(both, district="eastern")
    make.subscription(both, theme=theme, frequency="weekly")
    series = [make.series(district="eastern", themes=[theme]).id for _ in range(2)]
    outcomes = race(database_uri, ["notify"] * 4 + ["digest"] * 4, utcnow())
    sent = Counter()
    for kind, count in outcomes:
        sent[kind] += count
    assert sent == {"notify": 8, "digest": 3}, outcomes  # 4 people × 2 series; 3 weekly people
    assert _mails(app, "subscription_new_series") == Counter({u.email: 2 for u in immediate + [both]})
    assert _mails(app, "subscription_digest") == Counter({u.email: 1 for u in weekly})
    with app.app_context():
        notices = Counter((n.user_id, n.series_id) for n in db.session.scalars(select(SubscriptionNotice)))
        assert len(notices) == 14 and set(notices.values()) == {1}
        assert db.session.scalar(select(db.func.count(SubscriptionDigest.id))) == 3
    assert len(series) == 2


def test_digest_on_several_hosts_sends_one_per_person_per_week(app, make, database_uri):
    people = [make.user("ngo") for _ in range(4)]
    for user in people:
        make.subscription(user, district="western", frequency="weekly")
    make.series(district="western")
    outcomes = race(database_uri, ["digest"] * PROCESSES, utcnow())
    assert sum(count for _kind, count in outcomes) == 4, outcomes
    assert _mails(app, "subscription_digest") == Counter({u.email: 1 for u in people})


def test_reminders_on_several_hosts_remind_each_registrant_once(app, make, database_uri):
    occurrence = make.occurrence()
    registrations = [make.registration(occurrence) for _ in range(5)]
    outcomes = race(database_uri, ["remind"] * PROCESSES, occurrence.starts_at - timedelta(hours=2))
    assert sum(count for _kind, count in outcomes) == 5, outcomes
    assert _mails(app, "meeting_reminder") == Counter({r.email: 1 for r in registrations})
    with app.app_context():
        assert db.session.scalar(select(db.func.count(MeetingReminder.id))) == 5
