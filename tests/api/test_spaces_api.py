"""/api/v1 spaces, availability and bookings: CONTRACT.md shapes, errors, nothing written on bad input."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.spaces.models import Booking, Space
from tests.timeutil import HEL, WEEKDAY_HOURS, at, next_weekday

SPACE = {"name": "Maunulan asukastila", "address": "Suursuonlaita 3, Helsinki", "district": "northern",
         "capacity": 30}


def _bookings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Booking.id)))


def test_create_space_defaults_and_read_it_back(client, make):
    response = client.post("/api/v1/spaces", json=SPACE, headers=make.auth("staff"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["id"] and body["opening_hours"] is None and body["buffer_minutes"] == 0
    assert body["booking_horizon_days"] >= 365 and body["closed_on_holidays"] is False
    assert client.get(f"/api/v1/spaces/{body['id']}").json["name"] == SPACE["name"]
    assert [s["id"] for s in client.get("/api/v1/spaces").json] == [body["id"]]
    assert client.get("/api/v1/spaces?district=eastern").json == []


def test_create_space_with_hours_and_buffer(client, make):
    body = dict(SPACE, opening_hours={"mon": [["08:00", "20:00"]], "sat": [["10:00", "14:00"]]}, buffer_minutes=15,
                accessibility={"step_free": True, "induction_loop": True}, equipment=["projector"],
                description={"fi": "Olohuone", "en": "Living room"})
    response = client.post("/api/v1/spaces", json=body, headers=make.auth("staff"))
    assert response.status_code == 201
    assert response.json["opening_hours"] == {"mon": [["08:00", "20:00"]], "sat": [["10:00", "14:00"]]}
    assert response.json["description"]["en"] == "Living room" and response.json["closed_on_holidays"] is True
    found = client.get("/api/v1/spaces?accessibility=step_free,induction_loop").json
    assert [s["id"] for s in found] == [response.json["id"]]


@pytest.mark.parametrize("body, field", [
    ({"capacity": 0}, "capacity"),
    ({"capacity": "many"}, "capacity"),
    ({"name": ""}, "name"),
    ({"district": "mars"}, "district"),
    ({"opening_hours": {"monday": [["08:00", "20:00"]]}}, "opening_hours"),
    ({"opening_hours": {"mon": [["20:00", "08:00"]]}}, "opening_hours"),
    ({"buffer_minutes": -5}, "buffer_minutes"),
])
def test_create_space_invalid_is_422(app, client, make, body, field):
    response = client.post("/api/v1/spaces", json=dict(SPACE, **body), headers=make.auth("staff"))
    assert response.status_code == 422 and field in response.json["fields"], response.json
    with app.app_context():
        assert db.session.scalar(select(func.count(Space.id))) == 0


def test_space_endpoints_roles(client, make):
    assert client.post("/api/v1/spaces", json=SPACE).status_code == 401
    assert client.post("/api/v1/spaces", json=SPACE, headers=make.auth("ngo")).status_code == 403
    assert client.get("/api/v1/spaces/999").status_code == 404
    assert client.get("/api/v1/spaces/999").json["error"] == "not_found"


def test_single_booking_then_conflict_409(app, client, make):
    space = make.space()
    staff = make.auth("staff")
    day = next_weekday(1)
    url = f"/api/v1/spaces/{space.id}/bookings"
    response = client.post(url, json={"title": "Kerho", "start": at(day, 10).isoformat(),
                                      "end": at(day, 11).isoformat()}, headers=staff)
    assert response.status_code == 201, response.json
    assert response.json["occurrences"] == [{"id": response.json["id"], "start": at(day, 10).isoformat(),
                                             "end": at(day, 11).isoformat()}]
    assert response.json["skipped"] == []
    clash = client.post(url, json={"title": "Toinen", "start": at(day, 10, 30).isoformat(),
                                   "end": at(day, 12).isoformat()}, headers=staff)
    assert clash.status_code == 409
    assert clash.json["error"] == "conflict"
    assert clash.json["conflicts"][0]["start"] == at(day, 10).isoformat()
    assert clash.json["conflicts"][0]["end"] == at(day, 11).isoformat()
    touching = client.post(url, json={"title": "Kolmas", "start": at(day, 11).isoformat(),
                                      "end": at(day, 12).isoformat()}, headers=staff)
    assert touching.status_code == 201
    assert _bookings(app) == 2


def test_naive_times_are_the_spaces_local_time_and_offsets_in_responses(app, client, make):
    space = make.space()
    day = next_weekday(2)
    response = client.post(f"/api/v1/spaces/{space.id}/bookings", headers=make.auth("staff"),
                           json={"title": "X", "start": f"{day}T17:00", "end": f"{day}T19:00"})
    assert response.status_code == 201
    assert response.json["occurrences"][0]["start"] == at(day, 17).isoformat()
    assert response.json["occurrences"][0]["start"][-6:] in ("+02:00", "+03:00")


def test_recurring_with_skip_conflicts(app, client, make):
    space = make.space()
    first = next_weekday(3)
    taken = first + timedelta(weeks=1)
    make.booking(space, at(taken, 18), at(taken, 19))
    staff = make.auth("staff")
    url = f"/api/v1/spaces/{space.id}/bookings"
    body = {"title": "Kuoro", "start": at(first, 17).isoformat(), "end": at(first, 19).isoformat(),
            "rrule": "FREQ=WEEKLY;COUNT=4"}
    all_or_nothing = client.post(url, json=body, headers=staff)
    assert all_or_nothing.status_code == 409
    assert [c["requested"]["start"] for c in all_or_nothing.json["conflicts"]] == [at(taken, 17).isoformat()]
    assert _bookings(app) == 1
    response = client.post(url, json=dict(body, skip_conflicts=True), headers=staff)
    assert response.status_code == 201
    assert len(response.json["occurrences"]) == 3 and response.json["group_id"]
    assert response.json["skipped"] == [{"start": at(taken, 17).isoformat(), "end": at(taken, 19).isoformat(),
                                         "reason": "conflict"}]
    assert _bookings(app) == 4


@pytest.mark.parametrize("case, field", [
    ("end_before_start", "end"), ("outside_hours", "start"), ("beyond_horizon", "start"),
    ("over_capacity", "headcount"), ("bad_rrule", "rrule"), ("missing_title", "title"), ("bad_time", "start"),
])
def test_booking_bad_input_is_422_and_nothing_written(app, client, make, case, field):
    space = make.space(opening_hours=WEEKDAY_HOURS, capacity=10)
    day = next_weekday(1)
    far = next_weekday(1, weeks=60)
    body = {"title": "X", "start": at(day, 10).isoformat(), "end": at(day, 11).isoformat()}
    if case == "end_before_start":
        body["end"] = at(day, 9).isoformat()
    elif case == "outside_hours":
        body.update(start=at(day, 21).isoformat(), end=at(day, 22).isoformat())
    elif case == "beyond_horizon":
        body.update(start=at(far, 10).isoformat(), end=at(far, 11).isoformat())
    elif case == "over_capacity":
        body["headcount"] = 11
    elif case == "bad_rrule":
        body["rrule"] = "FREQ=SOMETIMES"
    elif case == "missing_title":
        del body["title"]
    elif case == "bad_time":
        body["start"] = "tomorrow at ten"
    response = client.post(f"/api/v1/spaces/{space.id}/bookings", json=body, headers=make.auth("staff"))
    assert response.status_code == 422, response.json
    assert field in response.json["fields"] and response.json["message"]
    assert _bookings(app) == 0


def test_override_outside_hours_with_reason(app, client, make):
    space = make.space(opening_hours=WEEKDAY_HOURS)
    day = next_weekday(5)
    response = client.post(f"/api/v1/spaces/{space.id}/bookings", headers=make.auth("staff"),
                           json={"title": "Talkoot", "start": at(day, 10).isoformat(), "end": at(day, 12).isoformat(),
                                 "override_reason": "Talkoopäivä"})
    assert response.status_code == 201


def test_booking_roles(app, client, make):
    space = make.space()
    day = next_weekday(1)
    body = {"title": "X", "start": at(day, 10).isoformat(), "end": at(day, 11).isoformat()}
    assert client.post(f"/api/v1/spaces/{space.id}/bookings", json=body).status_code == 401
    assert client.post(f"/api/v1/spaces/{space.id}/bookings", json=body, headers=make.auth("ngo")).status_code == 403
    assert client.get(f"/api/v1/spaces/{space.id}/bookings", headers=make.auth("ngo")).status_code == 403
    assert client.post("/api/v1/spaces/999/bookings", json=body, headers=make.auth("staff")).status_code == 404


def test_availability_and_bookings_list_and_delete(app, client, make):
    space = make.space(opening_hours=WEEKDAY_HOURS)
    day = next_weekday(2)
    booking = make.booking(space, at(day, 10), at(day, 11), title="Sisäinen nimi")
    start, end = quote(at(day, 0).isoformat()), quote(at(day, 23).isoformat())
    response = client.get(f"/api/v1/spaces/{space.id}/availability?from={start}&to={end}")
    assert response.status_code == 200
    assert response.json["busy"] == [{"start": at(day, 10).isoformat(), "end": at(day, 11).isoformat()}]
    assert response.json["open"] == [{"start": at(day, 8).isoformat(), "end": at(day, 20).isoformat()}]
    assert "Sisäinen nimi" not in response.get_data(as_text=True)  # public: no titles
    # an unencoded "+" arrives as a space and is still understood
    raw = client.get(f"/api/v1/spaces/{space.id}/availability?from={at(day, 0).isoformat()}"
                     f"&to={at(day, 23).isoformat()}")
    assert raw.status_code == 200 and raw.json["busy"] == response.json["busy"]
    staff = make.auth("staff")
    listed = client.get(f"/api/v1/spaces/{space.id}/bookings?from={start}&to={end}", headers=staff).json
    assert [b["id"] for b in listed] == [booking.id] and listed[0]["title"] == "Sisäinen nimi"
    assert client.delete(f"/api/v1/bookings/{booking.id}", headers=make.auth("ngo")).status_code == 403
    assert client.delete(f"/api/v1/bookings/{booking.id}", headers=staff).status_code == 204
    assert client.delete("/api/v1/bookings/999", headers=staff).status_code == 404
    again = client.get(f"/api/v1/spaces/{space.id}/availability?from={start}&to={end}").json
    assert again["busy"] == []
    assert client.get(f"/api/v1/spaces/{space.id}/bookings?from={start}&to={end}", headers=staff).json == []


@pytest.mark.parametrize("query, field", [("from=2026-01-01T00:00:00Z&to=2027-06-01T00:00:00Z", "to"),
                                          ("from=yesterday", "from"),
                                          ("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")])
def test_availability_range_errors_are_422(make, app, client, query, field):
    space = make.space()
    response = client.get(f"/api/v1/spaces/{space.id}/availability?{query}")
    assert response.status_code == 422 and field in response.json["fields"], response.json


def test_openapi_documents_space_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/spaces", "/spaces/{space_id}", "/spaces/{space_id}/availability", "/spaces/{space_id}/bookings",
                 "/bookings/{booking_id}"):
        assert path in spec["paths"], path
    post = spec["paths"]["/spaces/{space_id}/bookings"]["post"]
    assert {"201", "409", "422", "401", "403"} <= set(post["responses"])
    assert "BookingIn" in spec["components"]["schemas"] and "ConflictError" in spec["components"]["schemas"]
    params = [p["name"] for p in spec["paths"]["/spaces/{space_id}/availability"]["get"]["parameters"]]
    assert {"from", "to"} <= set(params)


def test_delete_series_cancels_the_later_dates(app, client, make):
    space = make.space()
    first = next_weekday(1)
    staff = make.auth("staff")
    until = (first + timedelta(weeks=3)).isoformat().replace("-", "")
    created = client.post(f"/api/v1/spaces/{space.id}/bookings", headers=staff, json={
        "title": "Sarja", "start": at(first, 9).isoformat(), "end": at(first, 10).isoformat(),
        "rrule": f"FREQ=WEEKLY;UNTIL={until}"}).json
    assert len(created["occurrences"]) == 4 and "UNTIL=" in created["rrule"]
    second = created["occurrences"][1]["id"]
    assert client.delete(f"/api/v1/bookings/{second}?scope=series", headers=staff).status_code == 204
    with app.app_context():
        statuses = db.session.scalars(select(Booking.status).order_by(Booking.starts_at)).all()
    assert statuses == ["confirmed", "cancelled", "cancelled", "cancelled"]


def _meeting_booking(app, make, space):
    """A published series in ``space`` whose first date has booked the space: (occurrence id, booking id)."""
    from app.meetings import space_bookings
    from app.meetings.models import MeetingOccurrence, MeetingSeries

    series = make.series(space_id=space.id, location=None, occurrences=2)
    with app.app_context():
        space_bookings.sync_series(db.session.get(MeetingSeries, series.id), None, datetime.now(HEL))
        db.session.commit()
        occurrence = db.session.scalars(select(MeetingOccurrence).where(MeetingOccurrence.series_id == series.id)
                                        .order_by(MeetingOccurrence.starts_at)).first()
        return occurrence.id, occurrence.booking_id


def _status(app, booking_id: int) -> str:
    with app.app_context():
        return db.session.get(Booking, booking_id).status


def test_delete_refuses_a_meetings_booking_and_the_meeting_frees_it(app, client, make):
    space = make.space()
    occurrence_id, booking_id = _meeting_booking(app, make, space)
    staff = make.auth("staff")
    response = client.delete(f"/api/v1/bookings/{booking_id}", headers=dict(staff, **{"Accept-Language": "en"}))
    assert response.status_code == 409 and response.json["error"] == "conflict"
    assert "belongs to the meeting" in response.json["message"] and "/occurrences/" in response.json["message"]
    assert response.json["owner"]["kind"] == "meeting" and response.json["reason"] == "belongs_to_meeting"
    assert client.delete(f"/api/v1/bookings/{booking_id}?scope=series", headers=staff).status_code == 409
    assert _status(app, booking_id) == "confirmed"
    # Through the meeting: cancelling the date frees its booking.
    assert client.patch(f"/api/v1/occurrences/{occurrence_id}", json={"status": "cancelled"},
                        headers=staff).status_code == 200
    assert _status(app, booking_id) == "cancelled"


def test_delete_refuses_a_guidance_hours_booking(app, client, make):
    from app.guidance.models import GuidanceHour
    from app.guidance.services import space_bookings

    space = make.space()
    hour = make.guidance_hour(space_id=space.id, location=None, rrule="FREQ=WEEKLY;COUNT=2")
    with app.app_context():
        row = db.session.get(GuidanceHour, hour.id)
        space_bookings.book_windows(row, row.windows, actor=None, now=datetime.now(HEL))
        db.session.commit()
        booking_id = row.windows[0].booking_id
    assert booking_id is not None
    response = client.delete(f"/api/v1/bookings/{booking_id}", headers=dict(make.auth("staff"),
                                                                          **{"Accept-Language": "en"}))
    assert response.status_code == 409 and response.json["error"] == "conflict"
    assert "guidance hour" in response.json["message"] and response.json["owner"]["kind"] == "guidance"
    assert _status(app, booking_id) == "confirmed"
    # A plain booking of the same space is still cancelled as before.
    day = next_weekday(4)
    plain = make.booking(space, at(day, 18), at(day, 19), title="Kerho")
    assert client.delete(f"/api/v1/bookings/{plain.id}", headers=make.auth("staff")).status_code == 204
    assert _status(app, plain.id) == "cancelled"
