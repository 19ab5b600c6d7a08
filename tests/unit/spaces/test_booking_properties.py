"""Property tests of the booking rule: whatever sequence of requests arrives, the accepted bookings
of a space never overlap (buffer included), and a request is refused exactly when it would."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from app.extensions import db
from app.spaces import services
from app.spaces.models import Space

DAY = datetime(2030, 6, 3, 6, 0, tzinfo=timezone.utc)  # a Monday far ahead, no holiday
NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)

# (start in 15-minute steps from DAY, duration in 15-minute steps)
requests = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests=requests, buffer=st.sampled_from([0, 15, 30]))
def test_accepted_bookings_never_overlap_and_refusals_are_exact(app, requests, buffer):
    with app.app_context():
        space = Space(name="Ominaisuustila", address="Testikatu 1", capacity=10, buffer_minutes=buffer,
                      opening_hours=None, closed_on_holidays=False, accessibility={}, equipment=[])
        db.session.add(space)
        db.session.flush()
        accepted: list[tuple[datetime, datetime]] = []  # blocks: [start, end + buffer)
        for step, length in requests:
            start = DAY + timedelta(minutes=15 * step)
            end = start + timedelta(minutes=15 * length)
            block = (start, end + timedelta(minutes=buffer))
            clashes = any(block[0] < other[1] and other[0] < block[1] for other in accepted)
            try:
                services.create_booking(space, start, end, "Varaus", None, NOW, strict=False)
            except services.BookingConflict as exc:
                assert clashes, f"refused a free slot {start}–{end}"
                assert exc.conflicts
            else:
                assert not clashes, f"double-booked {start}–{end}"
                accepted.append(block)
        rows = services.find_conflicts(space, DAY - timedelta(days=1), DAY + timedelta(days=2))
        assert len(rows) == len(accepted)
        db.session.rollback()
