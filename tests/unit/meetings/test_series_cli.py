"""``flask meetings materialise`` and the demo series."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.demo import load_demo_data
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme


def _occurrences(app, series_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MeetingOccurrence)
                                 .where(MeetingOccurrence.series_id == series_id))


def test_materialise_extends_published_series(app, runner, make):
    series = make.series(start_local=datetime(2026, 12, 1, 17, 0), rrule="FREQ=WEEKLY", occurrences=2)
    draft = make.series(start_local=datetime(2026, 12, 1, 17, 0), rrule="FREQ=WEEKLY", occurrences=2,
                        status="draft")
    result = runner.invoke(args=["meetings", "materialise", "--now", "2026-12-01T00:00:00+02:00"])
    assert result.exit_code == 0, result.output
    count = _occurrences(app, series.id)
    assert 25 <= count <= 27  # 180 days of Tuesdays
    assert f"{count - 2} occurrences created for 1 published series" in result.output
    assert _occurrences(app, draft.id) == 2
    again = runner.invoke(args=["meetings", "materialise", "--now", "2026-12-01T00:00:00+02:00"])
    assert again.exit_code == 0 and "0 occurrences created" in again.output
    assert _occurrences(app, series.id) == count
    later = runner.invoke(args=["meetings", "materialise", "--now", "2026-12-15T00:00:00"])
    assert later.exit_code == 0 and _occurrences(app, series.id) == count + 2


def test_materialise_bad_now(runner):
    result = runner.invoke(args=["meetings", "materialise", "--now", "next tuesday"])
    assert result.exit_code != 0 and "ISO 8601" in result.output


def test_demo_series_idempotent(app):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        load_demo_data()
        db.session.commit()
        series = db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.id)).all()
        assert [s.title_fi for s in series] == ["Järjestöjen ja kaupungin verkostotapaaminen",
                                                "Asukastilojen verkosto", "Avustusinfo järjestöille",
                                                "Järjestöjen ja kaupungin syysverkosto",  # the past one (history)
                                                "Järjestöyhteistyön kehittämisfoorumi"]  # the records demo
        assert series[0].rrule == "FREQ=MONTHLY;BYDAY=2TU" and series[1].rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
        assert all(s.title_sv and s.title_en and s.themes and s.status == "published" for s in series)
        assert db.session.scalar(select(func.count()).select_from(MeetingTheme)) == 7
        one_off = db.session.scalar(select(func.count()).select_from(MeetingOccurrence)
                                    .where(MeetingOccurrence.series_id == series[2].id))
        assert one_off == 1
