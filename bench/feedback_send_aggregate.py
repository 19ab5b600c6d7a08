"""Feedback at scale: one ``flask feedback send`` run and one aggregation, timed.

Run from the repository root: ``.venv/bin/python bench/feedback_send_aggregate.py`` (SQLite in a
temporary directory; set ``DATABASE_URL`` to a throw-away PostgreSQL database to measure that).
Creates one meeting with N confirmed registrations, times the send run (invitations + outbox mail),
the second (idempotent) run, N submitted questionnaires, and ``aggregate_form`` with its query count.
"""
from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("KOHTAAMO_INSTANCE", tempfile.mkdtemp())

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.feedback import services  # noqa: E402
from app.feedback.models import FeedbackInvitation  # noqa: E402
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration  # noqa: E402
from config import TestingConfig  # noqa: E402


def main(n: int = 500) -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{os.environ['KOHTAAMO_INSTANCE']}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "BASE_URL": "http://bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = datetime(2026, 10, 6, 14, tzinfo=timezone.utc)
        series = MeetingSeries(uid="bench@kohtaamo", title_fi="Bench", start_local=datetime(2026, 10, 6, 17),
                               duration_minutes=120, capacity=n, status="published")
        db.session.add(series)
        db.session.flush()
        occ = MeetingOccurrence(series_id=series.id, recurrence_id=start, starts_at=start,
                                ends_at=start + timedelta(hours=2), capacity=n, seats_taken=n)
        db.session.add(occ)
        db.session.flush()
        db.session.add_all([Registration(occurrence_id=occ.id, name=f"P {i}", email=f"p{i}@example.org",
                                         status="confirmed", manage_secret=secrets.token_hex(16))
                            for i in range(n)])
        db.session.commit()
        now = occ.ends_at + timedelta(hours=3)

        t0 = time.perf_counter()
        first = services.send_due(now)
        t1 = time.perf_counter()
        second = services.send_due(now)
        t2 = time.perf_counter()
        print(f"{db.engine.dialect.name}: send {first.invitations} invitations in {t1 - t0:.2f} s; "
              f"second run sent {second.invitations} in {t2 - t1:.3f} s")

        form = services.form_for_series(series.id)
        qs = {q.key: q.id for q in services.load_form(form.id).questions}
        invitations = db.session.scalars(db.select(FeedbackInvitation)).all()
        t3 = time.perf_counter()
        for i, invitation in enumerate(invitations):
            raw = {qs[k]: str(i % 5 + 1) for k in ("usefulness", "influence", "networking", "communication",
                                                   "continuity")}
            raw[qs["themes_to_continue"]] = ["grants", "networking"][: i % 3]
            raw[qs["city_next"]] = f"Ehdotus {i}"
            services.submit_response(invitation, raw, now=now)
        db.session.commit()
        t4 = time.perf_counter()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        t5 = time.perf_counter()
        summary = services.aggregate_form(form)
        t6 = time.perf_counter()
        event.remove(db.engine, "before_cursor_execute", listener)
        db.session.remove()
        print(f"{n} responses submitted in {t4 - t3:.2f} s ({(t4 - t3) / n * 1000:.1f} ms each); "
              f"aggregate of {summary['respondents']} respondents in {(t6 - t5) * 1000:.1f} ms, "
              f"{len(statements)} queries")
        db.drop_all()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
