"""/api/v1/series and /api/v1/occurrences (CONTRACT.md)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, MeetingSeries

VALID = {"title": {"fi": "Järjestöjen ja kaupungin verkostotapaaminen", "sv": "Nätverksträff"},
         "description": {"fi": "Kuukausittainen tapaaminen."}, "start": "2027-01-12T17:00",
         "duration_minutes": 120, "rrule": "FREQ=MONTHLY;BYDAY=2TU", "capacity": 40,
         "location": "Kalasatamankatu 1, Helsinki", "registration_closes_minutes_before": 60}


def body(**overrides):
    data = dict(VALID)
    for key, value in overrides.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_create_get_and_occurrences(client, make):
    staff = make.auth("staff")
    response = client.post("/api/v1/series", json=body(), headers=staff)
    assert response.status_code == 201, response.json
    created = response.json
    assert created["id"] and created["status"] == "published" and created["waitlist"] is True
    assert created["timezone"] == "Europe/Helsinki" and created["rrule"] == "FREQ=MONTHLY;BYDAY=2TU"
    assert created["start_at"] == "2027-01-12T17:00:00+02:00"
    assert client.get(f"/api/v1/series/{created['id']}").json["title"]["sv"] == "Nätverksträff"
    assert [s["id"] for s in client.get("/api/v1/series").json] == [created["id"]]
    occurrences = client.get(f"/api/v1/series/{created['id']}/occurrences?from=2027-01-01&to=2027-04-01").json
    assert [o["start"] for o in occurrences] == ["2027-01-12T17:00:00+02:00", "2027-02-09T17:00:00+02:00",
                                                 "2027-03-09T17:00:00+02:00"]
    first = occurrences[0]
    assert first["end"] == "2027-01-12T19:00:00+02:00" and first["recurrence_id"] == first["start"]
    assert first["status"] == "scheduled" and first["capacity"] == 40
    assert first["confirmed_seats"] == 0 and first["waitlisted_seats"] == 0 and first["series_id"] == created["id"]


def test_one_off_series_has_one_occurrence(client, make):
    response = client.post("/api/v1/series", json=body(rrule=..., start="2027-02-03T13:00"),
                           headers=make.auth("staff"))
    assert response.status_code == 201
    occurrences = client.get(f"/api/v1/series/{response.json['id']}/occurrences").json
    assert len(occurrences) == 1 and occurrences[0]["start"] == "2027-02-03T13:00:00+02:00"


def test_summer_offset(client, make):
    response = client.post("/api/v1/series", json=body(start="2027-06-08T17:00", rrule="FREQ=WEEKLY;COUNT=2"),
                           headers=make.auth("staff"))
    occurrences = client.get(f"/api/v1/series/{response.json['id']}/occurrences").json
    assert [o["start"] for o in occurrences] == ["2027-06-08T17:00:00+03:00", "2027-06-15T17:00:00+03:00"]


def test_counts_in_occurrences(client, make):
    series = make.series(capacity=10, occurrences=1)
    occurrence = make.occurrences(series)[0]
    make.registration(occurrence, seats=2)
    make.registration(occurrence, status="waitlisted", seats=3)
    [row] = client.get(f"/api/v1/series/{series.id}/occurrences").json
    assert (row["confirmed_seats"], row["waitlisted_seats"], row["capacity"]) == (2, 3, 10)


@pytest.mark.parametrize("overrides, field", [
    ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
    ({"rrule": "FREQ=HOURLY"}, "rrule"),
    ({"rrule": "FREQ=DAILY"}, "rrule"),  # explodes: more than the limit within the horizon
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": -1}, "capacity"),
    ({"capacity": "many"}, "capacity"),
    ({"capacity": ...}, "capacity"),
    ({"duration_minutes": 0}, "duration_minutes"),  # the end would not be after the start
    ({"duration_minutes": -30}, "duration_minutes"),
    ({"start": "not a date"}, "start"),
    ({"start": ...}, "start"),
    ({"title": {"sv": "Bara svenska"}}, "title.fi"),
    ({"title": {"fi": ""}}, "title.fi"),
    ({"title": "just text"}, "title"),
    ({"space_id": 424242}, "space_id"),
    ({"online_url": "not a url"}, "online_url"),
    ({"status": "secret"}, "status"),
    ({"registration_closes_minutes_before": -5}, "registration_closes_minutes_before"),
    ({"start": "2027-01-13T17:00"}, "start"),  # a Wednesday: not a date of the rule
])
def test_invalid_input_is_422_and_writes_nothing(client, app, make, overrides, field):
    response = client.post("/api/v1/series", json=body(**overrides), headers=make.auth("staff"))
    assert response.status_code == 422, response.json
    assert response.json["error"] == "invalid"
    assert field in response.json["fields"], response.json
    assert _count(app, MeetingSeries) == 0 and _count(app, MeetingOccurrence) == 0


def test_malformed_is_400(client, make):
    response = client.post("/api/v1/series", data="{", content_type="application/json",
                           headers=make.auth("staff"))
    assert response.status_code == 400 and response.json["error"] == "malformed"


@pytest.mark.parametrize("role, status", [(None, 401), ("ngo", 403)])
def test_auth(client, make, role, status):
    headers = make.auth(role) if role else {}
    assert client.post("/api/v1/series", json=body(), headers=headers).status_code == status
    series = make.series()
    assert client.patch(f"/api/v1/series/{series.id}", json={"capacity": 5}, headers=headers).status_code == status
    occurrence = make.occurrences(series)[0]
    response = client.patch(f"/api/v1/occurrences/{occurrence.id}", json={"status": "cancelled"}, headers=headers)
    assert response.status_code == status


def test_drafts_only_for_staff(client, make):
    draft = make.series(status="draft")
    assert client.get(f"/api/v1/series/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/series/{draft.id}/occurrences").status_code == 404
    assert client.get("/api/v1/series").json == []
    staff = make.auth("staff")
    assert client.get(f"/api/v1/series/{draft.id}", headers=staff).status_code == 200
    assert [s["id"] for s in client.get("/api/v1/series", headers=staff).json] == [draft.id]
    assert client.get("/api/v1/series/999999").status_code == 404


def test_patch_series_applies_to_future_and_notifies(client, app, make):
    staff = make.auth("staff")
    created = client.post("/api/v1/series", json=body(), headers=staff).json
    occurrences = client.get(f"/api/v1/series/{created['id']}/occurrences").json
    make.registration(type("O", (), {"id": occurrences[1]["id"]})(), locale="en")
    response = client.patch(f"/api/v1/series/{created['id']}", json={"start": "2027-01-12T18:00"}, headers=staff)
    assert response.status_code == 200, response.json
    assert response.json["start"] == "2027-01-12T18:00" and response.json["sequence"] == 1
    after = client.get(f"/api/v1/series/{created['id']}/occurrences").json
    assert after and all("T18:00:00+0" in o["start"] for o in after)
    assert after[1]["id"] == occurrences[1]["id"]  # the row with a registration is kept
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage))
        assert mail.kind == "series_changed" and mail.ics_method == "REQUEST"


def test_patch_series_partial_and_invalid(client, app, make):
    staff = make.auth("staff")
    created = client.post("/api/v1/series", json=body(), headers=staff).json
    response = client.patch(f"/api/v1/series/{created['id']}", json={"title": {"fi": "Uusi nimi"}}, headers=staff)
    assert response.status_code == 200 and response.json["title"]["fi"] == "Uusi nimi"
    assert response.json["capacity"] == 40 and response.json["sequence"] == 0
    for patch, field in (({"capacity": 0}, "capacity"), ({"rrule": "FREQ=MINUTELY"}, "rrule"),
                         ({"timezone": "Nowhere/City"}, "timezone"), ({"capacity": None}, "capacity")):
        response = client.patch(f"/api/v1/series/{created['id']}", json=patch, headers=staff)
        assert response.status_code == 422 and field in response.json["fields"], (patch, response.json)
    assert client.get(f"/api/v1/series/{created['id']}").json["capacity"] == 40


def test_patch_occurrence_cancel_and_move(client, app, make):
    staff = make.auth("staff")
    series = make.series(occurrences=2)
    first, second = make.occurrences(series)
    make.registration(first)
    response = client.patch(f"/api/v1/occurrences/{first.id}", json={"status": "cancelled", "reason": "Sairaus"},
                            headers=staff)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    new_start = (second.starts_at + timedelta(days=1)).isoformat()
    new_end = (second.starts_at + timedelta(days=1, hours=1)).isoformat()
    response = client.patch(f"/api/v1/occurrences/{second.id}", json={"start": new_start, "end": new_end},
                            headers=staff)
    assert response.status_code == 200, response.json
    assert datetime.fromisoformat(response.json["start"]) == second.starts_at + timedelta(days=1)
    assert response.json["moved"] is True
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage)).kind == "occurrence_cancelled"


@pytest.mark.parametrize("patch, field", [
    ({}, "status"),
    ({"status": "scheduled"}, "status"),
    ({"start": "2030-01-01T10:00"}, "end"),
    ({"start": "2030-01-01T10:00", "end": "2030-01-01T09:00"}, "end"),
    ({"start": "2020-01-01T10:00", "end": "2020-01-01T11:00"}, "start"),
    ({"start": "yesterday", "end": "2030-01-01T11:00"}, "start"),
])
def test_patch_occurrence_invalid(client, make, patch, field):
    occurrence = make.occurrence()
    response = client.patch(f"/api/v1/occurrences/{occurrence.id}", json=patch, headers=make.auth("staff"))
    assert response.status_code == 422 and field in response.json["fields"], response.json


def test_patch_unknown_occurrence_is_404(client, make):
    response = client.patch("/api/v1/occurrences/999999", json={"status": "cancelled"}, headers=make.auth("staff"))
    assert response.status_code == 404 and response.json["error"] == "not_found"


@pytest.mark.parametrize("query, field", [("from=2027-01-01&to=2035-01-01", "to"), ("from=garbage", "from"),
                                          ("from=2027-02-01&to=2027-01-01", "to")])
def test_occurrence_range_validated(client, make, query, field):
    series = make.series()
    response = client.get(f"/api/v1/series/{series.id}/occurrences?{query}")
    assert response.status_code == 422 and field in response.json["fields"]


def test_openapi_documents_meetings(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/series", "/series/{series_id}", "/series/{series_id}/occurrences", "/occurrences/{occurrence_id}"):
        assert any(p.endswith(path) for p in spec["paths"]), path
    assert "SeriesIn" in spec["components"]["schemas"] and "Occurrence" in spec["components"]["schemas"]
    occurrences = next(v for p, v in spec["paths"].items() if p.endswith("/occurrences"))
    assert {p["name"] for p in occurrences["get"]["parameters"]} >= {"series_id", "from", "to"}


def test_series_in_a_resident_space(client, make):
    space_id = make.space(name="Kontulan asukastalo", address="Ostostie 4, Helsinki", capacity=40,
                          district="eastern", closed_on_holidays=True).id
    staff = make.auth("staff")
    response = client.post("/api/v1/series", json=body(location=..., space_id=space_id,
                                                       online_url="https://teams.example/x"), headers=staff)
    assert response.status_code == 201, response.json
    assert response.json["space_id"] == space_id and response.json["online_url"] == "https://teams.example/x"
    page = client.get(f"/meetings/{response.json['id']}?lang=en").get_data(as_text=True)
    assert "Kontulan asukastalo, Ostostie 4, Helsinki" in page
