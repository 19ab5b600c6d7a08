"""The report runs the same fixed number of queries (thirteen: ten + three for "what came of it", plus two for
guidance hours when not narrowed to one series) whatever the amount of data."""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.reports.services import cooperation_report
from tests.unit.reports import data


def _count(app, count_queries, **filters) -> int:
    with app.app_context():
        with count_queries() as counter:
            report = cooperation_report(db.session, *data.PERIOD, now=data.NOW, **filters)
        assert report.participation.months
        return _selects(counter)


def _selects(counter) -> int:
    # SQLite's BEGIN IMMEDIATE (sent by our begin hook) is not a query of the report.
    return sum(1 for statement in counter.statements if not statement.lstrip().upper().startswith("BEGIN"))


def test_query_count_is_constant(app, make, count_queries):
    empty = _count(app, count_queries)
    ds, fb = data.build_all(app, make)
    small = _count(app, count_queries)
    # More of everything: another dataset doubles the series, registrations, answers and proposals.
    data.build_feedback(app, make, ds.theme_a, ds.theme_b)
    data.build_proposals(app, make, ds, fb)
    for n in range(5):
        org = make.organization(district="western")
        series = make.series(start_local=data.datetime(2026, 1, 2 + n, 12, 0), occurrences=3)
        for occurrence in make.occurrences(series):
            make.registration(occurrence, organization_id=org.id, attendance="present")
    larger = _count(app, count_queries)
    assert empty == small == larger == 15
    assert _count(app, count_queries, series_id=ds.s1) == 13  # guidance is not per series
    assert _count(app, count_queries, theme_id=ds.theme_a) == 15


def test_long_period_same_count(app, make, count_queries):
    with app.app_context():
        with count_queries() as counter:
            cooperation_report(db.session, date(2022, 1, 1), date(2026, 12, 31), now=data.NOW)
    assert _selects(counter) == 15
