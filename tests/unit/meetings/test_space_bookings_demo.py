"""Demo data: spaces are loaded before the series, one series meets in a demo space and books it."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces.models import Booking, Space


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Space, Booking, MeetingSeries, MeetingOccurrence))


def test_demo_load_twice_same_counts_and_the_network_books_its_space(runner, app):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first = _counts()
        series = db.session.scalar(select(MeetingSeries).where(MeetingSeries.title_fi == "Asukastilojen verkosto"))
        space = db.session.get(Space, series.space_id)
        assert space.name == "Kontulan asukastila" and series.location is None
        rows = db.session.scalars(select(MeetingOccurrence).where(MeetingOccurrence.series_id == series.id)).all()
        assert len(rows) > 3
        for occurrence in rows:
            booking = db.session.get(Booking, occurrence.booking_id)
            assert booking.status == "confirmed" and booking.space_id == space.id
            assert (booking.starts_at, booking.ends_at) == (occurrence.starts_at, occurrence.ends_at)
            assert booking.title == "Asukastilojen verkosto"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _counts() == first
        assert first[0] == 4 and first[2] == 5  # three upcoming series, the past one (history), the records forum
