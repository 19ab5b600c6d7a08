"""/api/v1/series in a resident space: its dates book the space; a conflict is 409 with the times."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces.models import Booking
from tests.api.test_series_api import body

HEL = ZoneInfo("Europe/Helsinki")


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (MeetingSeries, MeetingOccurrence, Booking))


def test_conflict_is_409_with_times_and_writes_nothing(client, app, make):
    space = make.space()
    taken = datetime(2027, 2, 9, 18, 0, tzinfo=HEL)
    make.booking(space, taken, taken + timedelta(hours=2), title="Kuoro")
    staff = make.auth("staff")
    response = client.post("/api/v1/series", json=body(space_id=space.id, location=...), headers=staff)
    assert response.status_code == 409
    assert response.json["error"] == "conflict"
    assert [{k: c[k] for k in ("start", "end")} for c in response.json["conflicts"]] == [
        {"start": "2027-02-09T18:00:00+02:00", "end": "2027-02-09T20:00:00+02:00"}]
    assert _counts(app) == (0, 0, 1)


def test_series_books_and_patch_moves_bookings(client, app, make):
    space = make.space()
    other = make.space(name="Maunulan asukastila")
    staff = make.auth("staff")
    created = client.post("/api/v1/series", json=body(space_id=space.id, location=...), headers=staff)
    assert created.status_code == 201, created.json
    with app.app_context():
        rows = db.session.scalars(select(MeetingOccurrence).where(
            MeetingOccurrence.series_id == created.json["id"])).all()
        assert rows and all(db.session.get(Booking, o.booking_id).space_id == space.id for o in rows)
    patched = client.patch(f"/api/v1/series/{created.json['id']}", json={"space_id": other.id}, headers=staff)
    assert patched.status_code == 200, patched.json
    with app.app_context():
        live = db.session.scalars(select(Booking).where(Booking.status == "confirmed")).all()
        assert {b.space_id for b in live} == {other.id} and len(live) == len(rows)


def test_openapi_declares_the_conflict(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, method in (("/series", "post"), ("/series/{series_id}", "patch"), ("/occurrences/{occurrence_id}", "patch")):
        assert "409" in spec["paths"][path][method]["responses"], (path, method)


def test_moving_an_occurrence_into_a_taken_slot_is_409(client, app, make):
    space = make.space()
    occurrence = make.occurrence(space_id=space.id, location=None)
    start = occurrence.starts_at + timedelta(days=1)
    make.booking(space, start, start + timedelta(hours=2), title="Kuoro")
    response = client.patch(f"/api/v1/occurrences/{occurrence.id}", headers=make.auth("staff"),
                            json={"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()})
    assert response.status_code == 409 and response.json["error"] == "conflict"
    assert len(response.json["conflicts"]) == 1
    with app.app_context():
        assert db.session.get(MeetingOccurrence, occurrence.id).starts_at == occurrence.starts_at
