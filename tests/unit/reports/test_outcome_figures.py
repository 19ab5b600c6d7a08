""""What came of it" in the cooperation report: by status and theme, share of topics, median days, k ≥ 5."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from app.accounts.models import User
from app.extensions import db
from app.outcomes import services
from app.reports.services import cooperation_report

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def _topics(make, occ, n: int, created: datetime) -> list[int]:
    return [make.topic(occ, title=f"T{i}", created_at=created).id for i in range(n)]


def test_figures_and_small_group_rule(app, make):
    occ = make.occurrence(start_local=datetime(2026, 10, 6, 17, 0))
    staff = make.user("staff")
    created = datetime(2026, 9, 1, 9, 0, tzinfo=timezone.utc)
    topic_ids = _topics(make, occ, 6, created)
    theme = make.theme(key="fig-theme", name_fi="Avustukset", name_en="Grants")
    with app.app_context():
        actor = db.session.get(User, staff.id)
        for i, (status, days) in enumerate([("done", 10), ("in_progress", 20), ("open", 30), ("declined", 40)]):
            services.create_outcome(services.OutcomeData(
                title={"fi": f"O{i}"}, status=status, topic_ids=[topic_ids[i]],
                theme_ids=[theme.id] if i < 2 else []), actor=actor, now=created + timedelta(days=days))
        db.session.commit()
        report = cooperation_report(db.session, date(2026, 1, 1), date(2026, 11, 30), now=NOW)
    figures = report.outcomes
    assert figures.total == 4
    assert figures.by_status == {"open": 1, "in_progress": 1, "done": 1, "declined": 1}
    themed = [r for r in figures.by_theme if r.theme_id is not None][0]
    assert themed.counts["done"] == 1 and themed.counts["in_progress"] == 1 and themed.total == 2
    assert figures.by_theme[-1].theme_id is None and figures.by_theme[-1].total == 2
    assert figures.topics_proposed == 6 and figures.topics_with_outcome == 4
    assert not figures.share_suppressed and abs(figures.topic_share - 4 / 6) < 1e-9
    # Only four proposals got an outcome: fewer than five, so the median is withheld.
    assert figures.median_suppressed and figures.median_days_to_outcome is None


def test_median_days_with_enough_proposals(app, make):
    occ = make.occurrence(start_local=datetime(2026, 10, 6, 17, 0))
    staff = make.user("staff")
    created = datetime(2026, 9, 1, 9, 0, tzinfo=timezone.utc)
    topic_ids = _topics(make, occ, 5, created)
    with app.app_context():
        actor = db.session.get(User, staff.id)
        for i, days in enumerate([5, 10, 15, 20, 60]):
            services.create_outcome(services.OutcomeData(title={"fi": f"O{i}"}, topic_ids=[topic_ids[i]]),
                                    actor=actor, now=created + timedelta(days=days))
        # A second, later outcome of the first topic does not move its "first outcome".
        services.create_outcome(services.OutcomeData(title={"fi": "later"}, topic_ids=[topic_ids[0]]),
                                actor=actor, now=created + timedelta(days=80))
        db.session.commit()
        report = cooperation_report(db.session, date(2026, 1, 1), date(2026, 11, 30), now=NOW)
        small = cooperation_report(db.session, date(2026, 10, 1), date(2026, 11, 30), now=NOW)
    assert report.outcomes.median_days_to_outcome == 15.0 and report.outcomes.topic_share == 1.0
    assert small.outcomes.topics_proposed == 0 and small.outcomes.share_suppressed


def test_tables_and_exports_have_the_section(app, make, login, client):
    staff = make.user("staff", locale="en")
    login(staff)
    page = client.get("/reports/cooperation?lang=en")
    assert page.status_code == 200 and "What came of it" in page.get_data(as_text=True)
    csv = client.get("/reports/cooperation.csv?table=outcomes_status&lang=en")
    assert csv.status_code == 200 and "Outcomes" in csv.get_data(as_text=True)
    assert client.get("/reports/cooperation.xlsx").status_code == 200
