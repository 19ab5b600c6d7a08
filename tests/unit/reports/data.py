"""Hand-made data for the cooperation report tests, with the figures worked out by hand.

Period 2026-01-01 … 2026-03-31 (Helsinki dates); ``NOW`` is after it, so every scheduled
occurrence in it has been held.

    S0 (theme A)  2025-12-10  outside the period: X confirmed+present (so X is not new)
    S1 (theme A)  2026-01-13  X 2 seats present, Y 1 no-show, anonymous 1 (unmarked, anonymised),
                              Y waitlisted, W cancelled
                  2026-02-13  Y 1 present
                  2026-03-13  nobody
    S2 (theme B)  2026-02-20  Z 3 seats present
                  2026-02-27  occurrence cancelled; Z's registration cancelled
    S3 (no theme) 2026-04-10  outside the period: W confirmed
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme

PERIOD = (date(2026, 1, 1), date(2026, 3, 31))
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


@dataclass
class Dataset:
    theme_a: int
    theme_b: int
    s0: int
    s1: int
    s2: int
    s3: int
    orgs: dict


def make_theme(app, key: str, name: str) -> int:
    with app.app_context():
        theme = MeetingTheme(key=key, name_fi=name, name_en=name, position=0)
        db.session.add(theme)
        db.session.commit()
        return theme.id


def set_themes(app, series_id: int, *theme_ids: int) -> None:
    with app.app_context():
        series = db.session.get(MeetingSeries, series_id)
        series.themes = [db.session.get(MeetingTheme, t) for t in theme_ids]
        db.session.commit()


def cancel_occurrence(app, occurrence_id: int) -> None:
    with app.app_context():
        db.session.get(MeetingOccurrence, occurrence_id).status = "cancelled"
        db.session.commit()


def build(app, make) -> Dataset:
    """Create the data described in the module docstring."""
    theme_a = make_theme(app, "codev", "Yhteiskehittäminen")
    theme_b = make_theme(app, "spaces", "Asukastilat")
    x = make.organization(name="X ry", district="central")
    y = make.organization(name="Y ry", district="eastern")
    z = make.organization(name="Z ry", district=None)
    w = make.organization(name="W ry", district="eastern")

    s0 = make.series(start_local=datetime(2025, 12, 10, 17, 0), occurrences=1)
    s1 = make.series(start_local=datetime(2026, 1, 13, 17, 0), rrule="FREQ=MONTHLY", occurrences=3)
    s2 = make.series(start_local=datetime(2026, 2, 20, 17, 0), rrule="FREQ=WEEKLY", occurrences=2)
    s3 = make.series(start_local=datetime(2026, 4, 10, 17, 0), occurrences=1)
    set_themes(app, s0.id, theme_a)
    set_themes(app, s1.id, theme_a)
    set_themes(app, s2.id, theme_b)

    (o0,) = make.occurrences(s0)
    jan, feb, mar = make.occurrences(s1)
    feb20, feb27 = make.occurrences(s2)
    (apr,) = make.occurrences(s3)

    make.registration(o0, organization_id=x.id, attendance="present")
    make.registration(jan, seats=2, organization_id=x.id, attendance="present")
    make.registration(jan, organization_id=y.id, attendance="no_show")
    make.registration(jan, anonymised_at=NOW, name="", email="anonymised-1@invalid")
    make.registration(jan, status="waitlisted", organization_id=y.id)
    make.registration(jan, status="cancelled", organization_id=w.id)
    make.registration(feb, organization_id=y.id, attendance="present")
    make.registration(feb20, seats=3, organization_id=z.id, attendance="present")
    make.registration(feb27, status="cancelled", organization_id=z.id)
    cancel_occurrence(app, feb27.id)
    make.registration(apr, organization_id=w.id)
    return Dataset(theme_a=theme_a, theme_b=theme_b, s0=s0.id, s1=s1.id, s2=s2.id, s3=s3.id,
                   orgs={"x": x.id, "y": y.id, "z": z.id, "w": w.id})
