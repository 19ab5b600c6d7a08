"""Cooperation report speed on two years of generated data.

Run from the repository root: ``.venv/bin/python bench/report.py [--scale 1.0]``. Builds a throw-away
SQLite database (and, when the server answers, the PostgreSQL database ``kohtaamo_bench_report`` on
127.0.0.1, dropped and re-created) with 2 years of meetings: ~600 occurrences, ~40,000 registrations,
~9,000 feedback invitations with ~5,500 responses and ~24,000 answers, ~1,500 topic proposals, all
written with bulk inserts. Prints for each database the best of 2 wall-clock times of building the
report (last 12 months, and the whole 2 years) and of rendering the page through the test client,
with the number of SQL statements each sent.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_TMP = tempfile.TemporaryDirectory(prefix="kohtaamo-bench-report-")
os.environ.setdefault("KOHTAAMO_INSTANCE", _TMP.name)

from sqlalchemy import event, insert, make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.accounts.models import Organization  # noqa: E402
from app.core.districts import DISTRICTS  # noqa: E402
from app.extensions import db  # noqa: E402
from app.feedback.models import (FeedbackAnswer, FeedbackForm, FeedbackInvitation, FeedbackQuestion,  # noqa: E402
                                 FeedbackResponse, TopicProposal)
from app.meetings.models import (MeetingOccurrence, MeetingSeries, MeetingTheme, Registration,  # noqa: E402
                                 series_themes)
from app.reports.services import cooperation_report, default_period, helsinki_today  # noqa: E402
from config import TestingConfig  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kohtaamo_bench_report"
PASSWORD = "bench-password-123"
TEXTS = ["Hyvä keskustelu, kiitos!", "Enemmän aikaa pienryhmille.", "Tila oli liian pieni.",
         "Toivon jatkoa tälle teemalle.", "Bra möte, tack!", "Useful, thank you."]


def _bulk(model_or_table, rows: list[dict], chunk: int = 5000) -> None:
    """executemany INSERTs; every row gets every key (the first row's keys decide the columns)."""
    table = getattr(model_or_table, "__table__", model_or_table)
    keys = {key for row in rows for key in row}
    rows = [{key: row.get(key) for key in keys} for row in rows]
    for i in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[i:i + chunk])


def generate(scale: float, seed: int = 7) -> dict[str, int]:
    """Two years of data up to today, written with executemany inserts; returns the row counts."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=730)
    n_orgs, n_series, per_series = int(400 * scale), 25, 24
    themes = [{"id": i, "key": f"theme{i}", "name_fi": f"Teema {i}", "name_en": f"Theme {i}", "position": i,
               "active": True} for i in range(1, 7)]
    _bulk(MeetingTheme, themes)
    districts = list(DISTRICTS) + [None]
    _bulk(Organization, [{"id": i, "name": f"Järjestö {i} ry", "email": f"org{i}@example.org",
                          "district": rng.choice(districts), "created_at": now, "updated_at": now}
                         for i in range(1, n_orgs + 1)])
    series_rows, links, occurrences, forms, questions = [], [], [], [], []
    occ_id = 0
    for s in range(1, n_series + 1):
        series_rows.append({"id": s, "uid": f"bench-{s}@kohtaamo.test", "title_fi": f"Verkosto {s}",
                            "start_local": start.replace(tzinfo=None), "timezone": "Europe/Helsinki",
                            "duration_minutes": 120, "capacity": 200, "waitlist": True,
                            "max_seats_per_registration": 3, "registration_closes_minutes_before": 0,
                            "status": "published", "sequence": 0, "language": "fi", "skip_holidays": False,
                            "created_at": now, "updated_at": now})
        links.append({"series_id": s, "theme_id": themes[s % len(themes)]["id"]})
        forms.append({"id": s, "series_id": s, "anonymous": s % 3 == 0, "open_days": 14, "send_after_hours": 2,
                      "remind_after_days": 3, "enabled": True, "created_at": now, "updated_at": now})
        base = 5 * (s - 1)
        questions += [
            {"id": base + 1, "form_id": s, "position": 0, "kind": "rating", "key": "usefulness",
             "text_fi": "Hyödyllisyys", "required": True, "options_from_themes": False, "created_at": now,
             "updated_at": now},
            {"id": base + 2, "form_id": s, "position": 1, "kind": "rating", "key": "influence",
             "text_fi": "Vaikuttaminen", "required": False, "options_from_themes": False,
             "theme_id": themes[s % len(themes)]["id"], "created_at": now, "updated_at": now},
            {"id": base + 3, "form_id": s, "position": 2, "kind": "rating", "key": None,
             "text_fi": f"Sarjan {s} oma kysymys", "required": False, "options_from_themes": False,
             "created_at": now, "updated_at": now},
            {"id": base + 4, "form_id": s, "position": 3, "kind": "text", "key": "ideas", "text_fi": "Ideat",
             "required": False, "options_from_themes": False, "theme_id": themes[s % len(themes)]["id"],
             "created_at": now, "updated_at": now},
            {"id": base + 5, "form_id": s, "position": 4, "kind": "single", "key": "format", "text_fi": "Muoto",
             "required": False, "options_from_themes": False, "created_at": now, "updated_at": now,
             "options": [{"key": "live", "fi": "Paikan päällä"}, {"key": "online", "fi": "Etänä"}]},
        ]
        for k in range(per_series):
            occ_id += 1
            when = start + timedelta(days=k * 30 + s, hours=rng.randint(0, 3))
            occurrences.append({"id": occ_id, "series_id": s, "recurrence_id": when, "starts_at": when,
                                "ends_at": when + timedelta(hours=2), "capacity": 200, "seats_taken": 0,
                                "status": "cancelled" if rng.random() < 0.04 else "scheduled", "moved": False,
                                "sequence": 0, "created_at": now, "updated_at": now})
    _bulk(MeetingSeries, series_rows)
    _bulk(series_themes, links)
    _bulk(MeetingOccurrence, occurrences)
    _bulk(FeedbackForm, forms)
    _bulk(FeedbackQuestion, questions)

    registrations, invitations, responses, answers = [], [], [], []
    per_occurrence = int(67 * scale)
    reg_id = inv_id = resp_id = ans_id = 0
    for occ in occurrences:
        held = occ["status"] == "scheduled" and occ["starts_at"] < now
        for _ in range(per_occurrence):
            reg_id += 1
            status = rng.choices(("confirmed", "waitlisted", "cancelled"), (85, 5, 10))[0]
            attendance = None
            if held and status == "confirmed":
                attendance = rng.choices(("present", "no_show", None), (80, 12, 8))[0]
            registrations.append({
                "id": reg_id, "occurrence_id": occ["id"], "name": "", "email": f"p{reg_id}@example.org",
                "organization_id": rng.randint(1, n_orgs) if rng.random() < 0.9 else None,
                "seats": rng.choice((1, 1, 1, 2)), "status": status, "locale": "fi", "manage_secret": "x",
                "attendance": attendance, "show_on_participant_list": False,
                "anonymised_at": now if occ["starts_at"] < now - timedelta(days=30) else None,
                "created_at": occ["starts_at"] - timedelta(days=7), "updated_at": now})
            if attendance == "present" and rng.random() < 0.35:
                inv_id += 1
                invitations.append({"id": inv_id, "occurrence_id": occ["id"], "registration_id": reg_id,
                                    "form_id": occ["series_id"], "secret": "x", "locale": "fi",
                                    "sent_at": occ["ends_at"], "closes_at": occ["ends_at"] + timedelta(days=14),
                                    "created_at": occ["ends_at"]})
                if rng.random() < 0.6:
                    resp_id += 1
                    responses.append({"id": resp_id, "invitation_id": inv_id, "occurrence_id": occ["id"],
                                      "form_id": occ["series_id"], "registration_id": reg_id, "locale": "fi",
                                      "submitted_at": occ["ends_at"] + timedelta(days=1),
                                      "updated_at": occ["ends_at"] + timedelta(days=1)})
                    base = 5 * (occ["series_id"] - 1)
                    for q in (1, 2, 3):
                        ans_id += 1
                        answers.append({"id": ans_id, "response_id": resp_id, "question_id": base + q,
                                        "rating": rng.randint(2, 5), "text": None, "choices": None})
                    ans_id += 1
                    answers.append({"id": ans_id, "response_id": resp_id, "question_id": base + 5,
                                    "rating": None, "text": None, "choices": [rng.choice(("live", "online"))]})
                    if rng.random() < 0.4:
                        ans_id += 1
                        answers.append({"id": ans_id, "response_id": resp_id, "question_id": base + 4,
                                        "rating": None, "text": rng.choice(TEXTS), "choices": None})
    _bulk(Registration, registrations)
    _bulk(FeedbackInvitation, invitations)
    _bulk(FeedbackResponse, responses)
    _bulk(FeedbackAnswer, answers)
    proposals = [{"id": i, "series_id": rng.randint(1, n_series), "title": f"Aihe {i}",
                  "status": rng.choice(("proposed", "taken_up", "declined")), "votes_count": rng.randint(0, 40),
                  "created_at": start + timedelta(days=rng.randint(0, 729)), "updated_at": now}
                 for i in range(1, int(1500 * scale) + 1)]
    _bulk(TopicProposal, proposals)
    db.session.commit()
    return {"organisations": n_orgs, "series": n_series, "occurrences": len(occurrences),
            "registrations": len(registrations), "invitations": len(invitations), "responses": len(responses),
            "answers": len(answers), "proposals": len(proposals)}


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1


def best_of(fn, runs: int = 2) -> tuple[float, int]:
    """Best wall-clock time of ``runs`` calls and the SQL statements one call sent."""
    counter = Counter()
    engine = db.engine
    times = []
    for run in range(runs):
        counter.count = 0
        event.listen(engine, "before_cursor_execute", counter)
        t0 = time.perf_counter()
        try:
            fn()
        finally:
            times.append(time.perf_counter() - t0)
            event.remove(engine, "before_cursor_execute", counter)
    return min(times), counter.count


def run(label: str, url: str, scale: float) -> None:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None})
    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        counts = generate(scale)
        generated = time.perf_counter() - t0
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        staff = accounts.create_user("bench-staff@example.org", role="staff", name="Bench", password=PASSWORD)
        db.session.commit()
        print(f"\n== {label}: generated in {generated:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        today = helsinki_today()
        periods = {"last 12 months": default_period(today), "2 years": (today - timedelta(days=729), today)}
        for name, (start, end) in periods.items():
            seconds, queries = best_of(lambda: cooperation_report(db.session, start, end, text_limit=50))
            print(f"report build ({name}): {seconds * 1000:7.1f} ms, {queries} SQL statements")
        start, end = periods["2 years"]
        seconds, queries = best_of(lambda: cooperation_report(db.session, start, end, series_id=3))
        print(f"report build (2 years, one series): {seconds * 1000:7.1f} ms, {queries} SQL statements")
        db.session.remove()

    client = app.test_client()
    response = client.post("/login", data={"email": "bench-staff@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    for name, (start, end) in periods.items():
        args = {"from": start.isoformat(), "to": end.isoformat(), "lang": "fi"}

        def page():
            reply = client.get("/reports/cooperation", query_string=args)
            assert reply.status_code == 200, reply.status_code

        with app.app_context():
            seconds, queries = best_of(page)
        print(f"page render ({name}): {seconds * 1000:7.1f} ms, {queries} SQL statements (incl. login user, "
              f"filter choices)")

    def xlsx():
        reply = client.get("/reports/cooperation.xlsx", query_string=args)
        assert reply.status_code == 200

    with app.app_context():
        seconds, queries = best_of(xlsx, runs=1)
    print(f"XLSX export (2 years): {seconds * 1000:7.1f} ms, {queries} SQL statements")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True,
                             connect_timeout=3) as conn:
            name = make_url(PG_URL).database
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:  # no server, no rights: the SQLite figures still stand
        print(f"\n== PostgreSQL skipped: {exc.__class__.__name__}: {exc}")
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the amount of data (default 1)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    run("SQLite", f"sqlite:///{Path(_TMP.name) / 'bench.db'}", args.scale)
    if _postgres_available():
        run("PostgreSQL", PG_URL, args.scale)
    print(f"\ntotal {time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(the times grow with the load)")


if __name__ == "__main__":
    main()
