"""/api/v1 guidance hours (CONTRACT.md): publish, slots without personal data, book, 409 taken,
cancel frees the slot; bad input is a clear 4xx and nothing is half-written."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.guidance.models import GuidanceAppointment, GuidanceHour, GuidanceWindow
from app.spaces.models import Booking

HELSINKI = ZoneInfo("Europe/Helsinki")


def _next_tuesday(hour: int = 9) -> datetime:
    today = datetime.now(HELSINKI).replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)
    return today + timedelta(days=7 + (1 - today.weekday()) % 7)


def _body(**overrides):
    body = {"title": {"fi": "Avustusneuvonta", "sv": "Bidragsrådgivning", "en": "Grant advice"},
            "start": _next_tuesday().isoformat(timespec="minutes"), "duration_minutes": 120, "slot_minutes": 30,
            "rrule": "FREQ=WEEKLY;COUNT=4", "location": "Helsingin kaupungintalo"}
    body.update(overrides)
    return body


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                     for model in (GuidanceHour, GuidanceWindow, GuidanceAppointment, Booking))


@pytest.fixture
def staff(make):
    return make.auth("staff")


def test_publish_list_and_slots(client, staff):
    response = client.post("/api/v1/guidance-hours", json=_body(), headers=staff)
    assert response.status_code == 201, response.json
    hour = response.json
    assert hour["slot_minutes"] == 30 and hour["title"]["sv"] == "Bidragsrådgivning"
    assert hour["start_at"].endswith(("+02:00", "+03:00"))
    listed = client.get("/api/v1/guidance-hours").json
    assert [h["id"] for h in listed] == [hour["id"]]
    slots = client.get(f"/api/v1/guidance-hours/{hour['id']}/slots").json
    assert len(slots) == 4 * 4  # four Tuesdays, four 30-minute slots each
    assert set(slots[0]) == {"start", "end", "free"} and all(s["free"] for s in slots)
    assert slots[0]["start"].startswith(_next_tuesday().date().isoformat() + "T09:00")
    assert slots[3]["end"].startswith(_next_tuesday().date().isoformat() + "T11:00")


def test_book_taken_cancel_frees_the_slot(client, make, staff):
    hour = client.post("/api/v1/guidance-hours", json=_body(), headers=staff).json
    org = make.organization()
    ngo = make.auth("ngo", organization=org)
    first = client.get(f"/api/v1/guidance-hours/{hour['id']}/slots").json[1]
    response = client.post(f"/api/v1/guidance-hours/{hour['id']}/appointments", headers=ngo, json={
        "start": first["start"], "name": "Maija", "email": "maija@example.org", "organization_id": org.id,
        "question": "Toiminta-avustus 2027"})
    assert response.status_code == 201, response.json
    booked = response.json
    assert booked["start"] == first["start"] and booked["end"] == first["end"]
    # Taken: 409 {"error": "taken"}; the public list shows it as not free, with no personal data.
    again = client.post(f"/api/v1/guidance-hours/{hour['id']}/appointments", headers=make.auth("ngo"), json={
        "start": first["start"], "name": "Other", "email": "other@example.org"})
    assert again.status_code == 409 and again.json["error"] == "taken"
    slots = client.get(f"/api/v1/guidance-hours/{hour['id']}/slots").json
    assert [s["free"] for s in slots[:2]] == [True, False]
    text = client.get(f"/api/v1/guidance-hours/{hour['id']}/slots").get_data(as_text=True)
    assert "maija" not in text.lower() and "Toiminta" not in text
    # Another NGO may not cancel it; the booker may; the slot is free at once.
    assert client.delete(f"/api/v1/appointments/{booked['id']}", headers=make.auth("ngo")).status_code == 403
    assert client.delete(f"/api/v1/appointments/{booked['id']}", headers=ngo).status_code == 204
    assert client.get(f"/api/v1/guidance-hours/{hour['id']}/slots").json[1]["free"] is True
    assert client.delete(f"/api/v1/appointments/{booked['id']}", headers=ngo).status_code == 409
    retaken = client.post(f"/api/v1/guidance-hours/{hour['id']}/appointments", headers=make.auth("ngo"), json={
        "start": first["start"], "name": "Other", "email": "other@example.org"})
    assert retaken.status_code == 201


def test_staff_cancel_any_appointment(client, make, staff):
    hour = client.post("/api/v1/guidance-hours", json=_body(), headers=staff).json
    slot = client.get(f"/api/v1/guidance-hours/{hour['id']}/slots").json[0]
    booked = client.post(f"/api/v1/guidance-hours/{hour['id']}/appointments", headers=make.auth("ngo"), json={
        "start": slot["start"], "name": "A", "email": "a@example.org"}).json
    assert client.delete(f"/api/v1/appointments/{booked['id']}", headers=staff).status_code == 204


def test_one_upcoming_appointment_per_person(client, make, staff):
    hour = client.post("/api/v1/guidance-hours", json=_body(), headers=staff).json
    slots = client.get(f"/api/v1/guidance-hours/{hour['id']}/slots").json
    ngo = make.auth("ngo")
    body = {"name": "A", "email": "a@example.org"}
    assert client.post(f"/api/v1/guidance-hours/{hour['id']}/appointments", headers=ngo,
                       json=dict(body, start=slots[0]["start"])).status_code == 201
    second = client.post(f"/api/v1/guidance-hours/{hour['id']}/appointments", headers=ngo,
                         json=dict(body, start=slots[5]["start"]))
    assert second.status_code == 409 and second.json["error"] == "duplicate"


@pytest.mark.parametrize("start, code", [
    ("T09:10", "not_a_slot"),   # between two slot starts
    ("T11:00", "not_a_slot"),   # the window's end
    ("T13:00", "not_a_slot"),   # outside the window
])
def test_bad_slots_are_422_and_write_nothing(app, client, make, staff, start, code):
    hour = client.post("/api/v1/guidance-hours", json=_body(), headers=staff).json
    before = _counts(app)
    day = _next_tuesday().date().isoformat()
    response = client.post(f"/api/v1/guidance-hours/{hour['id']}/appointments", headers=make.auth("ngo"),
                           json={"start": day + start, "name": "A", "email": "a@example.org"})
    assert response.status_code == 422 and response.json["error"] == code
    assert "start" in response.json["fields"]
    assert _counts(app) == before


def test_past_slot_and_unknown_hour(app, client, make):
    hour = make.guidance_hour(start_local=datetime.now(HELSINKI).replace(tzinfo=None, microsecond=0, second=0)
                              - timedelta(hours=1), rrule=None, duration_minutes=240)
    window = make.guidance_windows(hour)[0]
    ngo = make.auth("ngo")
    response = client.post(f"/api/v1/guidance-hours/{hour.id}/appointments", headers=ngo,
                           json={"start": window.starts_at.isoformat(), "name": "A", "email": "a@example.org"})
    assert response.status_code == 422 and response.json["error"] == "past"
    missing = client.post("/api/v1/guidance-hours/999999/appointments", headers=ngo,
                          json={"start": window.starts_at.isoformat(), "name": "A", "email": "a@example.org"})
    assert missing.status_code == 404
    assert client.get("/api/v1/guidance-hours/999999/slots").status_code == 404
    assert client.delete("/api/v1/appointments/999999", headers=ngo).status_code == 404


@pytest.mark.parametrize("overrides, field", [
    ({"slot_minutes": 45}, "slot_minutes"),           # 120 is not a multiple of 45
    ({"slot_minutes": 150}, "slot_minutes"),          # longer than the window
    ({"slot_minutes": 0}, "slot_minutes"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"start": "2020-02-04T09:00"}, "start"),         # in the past
    ({"rrule": "FREQ=HOURLY"}, "rrule"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"location": None}, "location"),                 # no place at all
    ({"online_url": "not a link"}, "online_url"),
    ({"space_id": 999999}, "space_id"),
    ({"adviser_ids": [999999]}, "adviser_ids"),
    ({"title": {"fi": ""}}, "title.fi"),
])
def test_bad_guidance_hours_are_422_and_write_nothing(app, client, staff, overrides, field):
    before = _counts(app)
    response = client.post("/api/v1/guidance-hours", json=_body(**overrides), headers=staff)
    assert response.status_code == 422, response.json
    assert field in response.json["fields"], response.json
    assert _counts(app) == before


def test_ngo_users_are_not_advisers(client, make, staff):
    ngo_user = make.user("ngo")
    response = client.post("/api/v1/guidance-hours", json=_body(adviser_ids=[ngo_user.id]), headers=staff)
    assert response.status_code == 422 and "adviser_ids" in response.json["fields"]


def test_resident_space_is_booked_per_window_and_a_conflict_keeps_nothing(app, client, make, staff):
    space = make.space(name="Neuvontatila")
    response = client.post("/api/v1/guidance-hours", json=_body(space_id=space.id, location=None), headers=staff)
    assert response.status_code == 201, response.json
    with app.app_context():
        windows = db.session.scalars(db.select(GuidanceWindow).filter_by(guidance_hour_id=response.json["id"])).all()
        assert len(windows) == 4 and all(w.booking_id for w in windows)
        bookings = db.session.scalars(db.select(Booking).where(Booking.space_id == space.id)).all()
        assert sorted((b.starts_at, b.ends_at) for b in bookings) == sorted((w.starts_at, w.ends_at) for w in windows)
    before = _counts(app)
    clash = client.post("/api/v1/guidance-hours", json=_body(space_id=space.id, location=None,
                                                             title={"fi": "Toinen"}), headers=staff)
    assert clash.status_code == 409 and clash.json["error"] == "conflict"
    assert len(clash.json["conflicts"]) == 4
    assert _counts(app) == before


def test_roles(client, make):
    assert client.post("/api/v1/guidance-hours", json=_body()).status_code == 401
    assert client.post("/api/v1/guidance-hours", json=_body(), headers=make.auth("ngo")).status_code == 403


def test_openapi_describes_the_guidance_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"post", "get"} <= set(paths["/guidance-hours"])
    assert "get" in paths["/guidance-hours/{hour_id}/slots"]
    assert "post" in paths["/guidance-hours/{hour_id}/appointments"]
    assert "409" in paths["/guidance-hours/{hour_id}/appointments"]["post"]["responses"]
    assert "delete" in paths["/appointments/{appointment_id}"]


def test_reminders_can_be_turned_off(client, staff):
    hour = client.post("/api/v1/guidance-hours", json=_body(reminder_hours_before=None), headers=staff).json
    assert hour["reminder_hours_before"] is None
    assert client.post("/api/v1/guidance-hours", json=_body(title={"fi": "B"}), headers=staff
                       ).json["reminder_hours_before"] == 24
