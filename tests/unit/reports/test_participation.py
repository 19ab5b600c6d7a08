"""Participation, reach and attendance figures on hand-made data (exact numbers)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from app.errors import ValidationError
from app.reports.services import cooperation_report, default_period, months_between
from tests.unit.reports import data


@pytest.fixture
def dataset(app, make):
    return data.build(app, make)


def months(report):
    return {(m.month): (m.occurrences_held, m.occurrences_cancelled, m.registrations, m.confirmed_seats,
                        m.attendees, m.no_shows) for m in report.participation.months}


def test_participation_per_month_and_totals(dataset, ctx):
    report = cooperation_report(ctx, *data.PERIOD, now=data.NOW)
    assert months(report) == {
        "2026-01": (1, 0, 4, 4, 2, 1),
        "2026-02": (2, 1, 2, 4, 4, 0),
        "2026-03": (1, 0, 0, 0, 0, 0),
    }
    p = report.participation
    assert (p.occurrences_held, p.occurrences_cancelled, p.occurrences_upcoming) == (4, 1, 0)
    assert (p.registrations, p.cancelled_registrations, p.waitlisted_registrations) == (6, 2, 1)
    assert (p.confirmed_seats, p.attendees, p.no_shows, p.attendance_not_recorded) == (8, 6, 1, 1)
    assert p.attendance_rate == pytest.approx(6 / 7)
    assert p.registrations_without_organisation == 1  # the anonymised one still counts


def test_reach_by_district_and_new_organisations(dataset, ctx):
    reach = cooperation_report(ctx, *data.PERIOD, now=data.NOW).reach
    assert (reach.organisations, reach.new_organisations) == (3, 2)  # X, Y, Z; Y and Z are new
    assert [(r.district, r.organisations, r.new_organisations) for r in reach.by_district] == [
        ("central", 1, 0), ("eastern", 1, 1), (None, 1, 1)]


def test_series_filter(dataset, ctx):
    report = cooperation_report(ctx, *data.PERIOD, series_id=dataset.s2, now=data.NOW)
    assert months(report) == {"2026-01": (0, 0, 0, 0, 0, 0), "2026-02": (1, 1, 1, 3, 3, 0),
                              "2026-03": (0, 0, 0, 0, 0, 0)}
    assert (report.reach.organisations, report.reach.new_organisations) == (1, 1)
    assert report.participation.attendance_rate == 1.0


def test_theme_filter(dataset, ctx):
    report = cooperation_report(ctx, *data.PERIOD, theme_id=dataset.theme_a, now=data.NOW)
    assert months(report)["2026-01"] == (1, 0, 4, 4, 2, 1)
    assert months(report)["2026-02"] == (1, 0, 1, 1, 1, 0)
    assert (report.reach.organisations, report.reach.new_organisations) == (2, 1)  # X old, Y new


def test_period_boundaries_and_upcoming(dataset, ctx):
    # Only February, seen from mid-February: the 20th and the 27th (cancelled) are not held.
    report = cooperation_report(ctx, date(2026, 2, 1), date(2026, 2, 28),
                                now=datetime(2026, 2, 15, tzinfo=timezone.utc))
    p = report.participation
    assert [m.month for m in p.months] == ["2026-02"]
    assert (p.occurrences_held, p.occurrences_cancelled, p.occurrences_upcoming) == (1, 1, 1)
    assert p.registrations == 2
    assert report.reach.organisations == 2  # Y and Z; only Z is new (Y first came in January)
    assert report.reach.new_organisations == 1


def test_local_month_boundaries(app, make):
    # 00:30 on 1 February in Helsinki is still 31 January in UTC: it belongs to February.
    series = make.series(start_local=datetime(2026, 2, 1, 0, 30), occurrences=1)
    make.registration(make.occurrences(series)[0])
    with app.app_context():
        from app.extensions import db

        report = cooperation_report(db.session, date(2026, 1, 1), date(2026, 2, 28), now=data.NOW)
    assert [(m.month, m.registrations) for m in report.participation.months] == [("2026-01", 0), ("2026-02", 1)]
    # A report that starts on 1 February local time includes it.
    with app.app_context():
        report = cooperation_report(db.session, date(2026, 2, 1), date(2026, 2, 1), now=data.NOW)
    assert report.participation.registrations == 1


def test_empty_database(ctx):
    report = cooperation_report(ctx, *data.PERIOD, now=data.NOW)
    assert report.participation.registrations == 0
    assert report.participation.attendance_rate is None
    assert report.reach.by_district == []
    assert len(report.participation.months) == 3


def test_period_validation(ctx):
    with pytest.raises(ValidationError) as exc:
        cooperation_report(ctx, date(2026, 3, 1), date(2026, 2, 1))
    assert "to" in exc.value.fields
    with pytest.raises(ValidationError):
        cooperation_report(ctx, date(2020, 1, 1), date(2026, 1, 1))


def test_default_period_and_months():
    assert default_period(date(2026, 11, 23)) == (date(2025, 12, 1), date(2026, 11, 23))
    assert default_period(date(2026, 1, 5)) == (date(2025, 2, 1), date(2026, 1, 5))
    assert len(months_between(*default_period(date(2026, 11, 23)))) == 12
    assert months_between(date(2025, 12, 31), date(2026, 1, 1)) == [date(2025, 12, 1), date(2026, 1, 1)]


def test_marks_on_a_date_not_yet_held_are_not_attendance(dataset, ctx):
    """A "present" saved before the meeting (old data, an API client) never counts (issue 17)."""
    from datetime import timedelta
    from sqlalchemy import select
    from app.meetings.models import MeetingOccurrence, Registration

    before = cooperation_report(ctx, *data.PERIOD, now=data.NOW).participation
    first = ctx.scalars(select(MeetingOccurrence).where(MeetingOccurrence.status == "scheduled")
                        .order_by(MeetingOccurrence.starts_at)).first()
    marked = ctx.scalars(select(Registration).where(Registration.occurrence_id == first.id,
                                                    Registration.attendance.is_not(None))).all()
    assert marked
    earlier = cooperation_report(ctx, *data.PERIOD, now=first.starts_at - timedelta(minutes=1)).participation
    gone = sum(r.seats for r in marked if r.attendance == "present")
    assert earlier.attendees <= before.attendees - gone
    assert all(m.attendees == 0 for m in earlier.months if m.occurrences_held == 0)
