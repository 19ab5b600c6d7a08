"""/api/v1 registrations: POST/GET /occurrences/<id>/registrations, DELETE /registrations/<id>."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.types import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, Registration

BODY = {"name": "Maija Meikäläinen", "email": "maija@example.org"}


def _url(occurrence):
    return f"/api/v1/occurrences/{occurrence.id}/registrations"


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Registration.id)))


def test_register_confirmed_then_waitlisted(app, client, make):
    occurrence = make.occurrence(capacity=2)
    ngo = make.auth("ngo")
    first = client.post(_url(occurrence), json=dict(BODY, seats=2), headers=ngo)
    assert first.status_code == 201
    assert first.json["status"] == "confirmed" and first.json["id"] and first.json["seats"] == 2
    second = client.post(_url(occurrence), json=dict(BODY, email="b@example.org"), headers=ngo)
    assert second.status_code == 201 and second.json["status"] == "waitlisted"
    with app.app_context():
        assert db.session.get(MeetingOccurrence, occurrence.id).seats_taken == 2
        kinds = list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))
        assert kinds == ["registration_confirmed", "registration_waitlisted"]


def test_full_without_waitlist_is_409_full(app, client, make):
    occurrence = make.occurrence(capacity=1, waitlist=False)
    make.registration(occurrence)
    response = client.post(_url(occurrence), json=BODY, headers=make.auth("ngo"))
    assert response.status_code == 409 and response.json["error"] == "full" and response.json["message"]
    assert _count(app) == 1


@pytest.mark.parametrize("case", ["cancelled", "past", "closed_window"])
def test_closed_is_409_closed(app, client, make, case):
    occurrence = make.occurrence(registration_closes_minutes_before=60 * 24 * 60 if case == "closed_window" else 0)
    with app.app_context():
        row = db.session.get(MeetingOccurrence, occurrence.id)
        if case == "cancelled":
            row.status = "cancelled"
        if case == "past":
            row.starts_at = utcnow() - timedelta(hours=3)
            row.ends_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    response = client.post(_url(occurrence), json=BODY, headers=make.auth("ngo"))
    assert response.status_code == 409 and response.json["error"] == "closed"
    assert _count(app) == 0


@pytest.mark.parametrize("body, field", [
    (dict(BODY, seats=4), "seats"), (dict(BODY, seats=0), "seats"), (dict(BODY, email="nope"), "email"),
    (dict(BODY, name=""), "name"), (dict(BODY, seats="many"), "seats"), ({"email": "x@example.org"}, "name"),
    (dict(BODY, organization_id=424242), "organization_id"),
])
def test_invalid_values_are_422_with_fields(app, client, make, body, field):
    occurrence = make.occurrence(max_seats_per_registration=3)
    response = client.post(_url(occurrence), json=body, headers=make.auth("ngo"))
    assert response.status_code == 422 and field in response.json["fields"], response.json
    assert _count(app) == 0


def test_duplicate_is_409(app, client, make):
    occurrence = make.occurrence()
    ngo = make.auth("ngo")
    assert client.post(_url(occurrence), json=BODY, headers=ngo).status_code == 201
    response = client.post(_url(occurrence), json=dict(BODY, email="MAIJA@example.org"), headers=ngo)
    assert response.status_code == 409 and response.json["error"] == "duplicate"
    assert _count(app) == 1


def test_auth_malformed_and_unknown(client, make):
    occurrence = make.occurrence()
    assert client.post(_url(occurrence), json=BODY).status_code == 401
    response = client.post(_url(occurrence), data="{", content_type="application/json", headers=make.auth("ngo"))
    assert response.status_code == 400 and response.json["error"] == "malformed"
    missing = client.post("/api/v1/occurrences/999999/registrations", json=BODY, headers=make.auth("ngo"))
    assert missing.status_code == 404 and missing.json["error"] == "not_found"


def test_list_is_staff_only_and_in_queue_order(client, make):
    org = make.organization(name="Lista ry")
    occurrence = make.occurrence(capacity=1)
    make.registration(occurrence, name="A", organization_id=org.id)
    make.registration(occurrence, name="B", status="waitlisted")
    make.registration(occurrence, name="C", status="waitlisted")
    make.registration(occurrence, name="X", status="cancelled")
    assert client.get(_url(occurrence), headers=make.auth("ngo")).status_code == 403
    body = client.get(_url(occurrence), headers=make.auth("staff")).json
    assert [(r["name"], r["status"], r["waitlist_position"]) for r in body] == [
        ("A", "confirmed", None), ("B", "waitlisted", 1), ("C", "waitlisted", 2)]
    assert body[0]["organization"] == "Lista ry" and body[0]["created_at"][-6:] in ("+02:00", "+03:00")


def test_delete_by_staff_frees_and_promotes(app, client, make):
    occurrence = make.occurrence(capacity=1)
    reg = make.registration(occurrence)
    waiting = make.registration(occurrence, status="waitlisted")
    response = client.delete(f"/api/v1/registrations/{reg.id}", headers=make.auth("staff"))
    assert response.status_code == 204 and response.data == b""
    with app.app_context():
        assert db.session.get(Registration, reg.id).status == "cancelled"
        assert db.session.get(Registration, waiting.id).status == "confirmed"
        assert db.session.get(MeetingOccurrence, occurrence.id).seats_taken == 1
    again = client.delete(f"/api/v1/registrations/{reg.id}", headers=make.auth("staff"))
    assert again.status_code == 409


def test_delete_by_the_registrant_only(app, client, make):
    occurrence = make.occurrence()
    owner = make.user("ngo")
    owner_headers = {"Authorization": f"Bearer {make.token(owner)}"}
    by_email = make.registration(occurrence, email=owner.email)
    created = client.post(_url(occurrence), json=dict(BODY, email="member@example.org"), headers=owner_headers)
    stranger = make.auth("ngo")
    assert client.delete(f"/api/v1/registrations/{by_email.id}", headers=stranger).status_code == 403
    assert client.delete(f"/api/v1/registrations/{created.json['id']}", headers=stranger).status_code == 403
    assert client.delete(f"/api/v1/registrations/{by_email.id}", headers=owner_headers).status_code == 204
    assert client.delete(f"/api/v1/registrations/{created.json['id']}", headers=owner_headers).status_code == 204
    assert client.delete("/api/v1/registrations/999999", headers=owner_headers).status_code == 404


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/occurrences/{occurrence_id}/registrations"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("RegistrationIn")
    assert {"201", "409", "422"} <= set(post["responses"])
    assert "get" in spec["paths"]["/occurrences/{occurrence_id}/registrations"]
    assert "204" in spec["paths"]["/registrations/{registration_id}"]["delete"]["responses"]
    schema = spec["components"]["schemas"]["RegistrationIn"]
    assert {"name", "email", "organization_id", "seats"} <= set(schema["properties"])
