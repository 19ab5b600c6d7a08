"""Topic proposals over the API: propose, list, vote once, withdraw support, staff decisions."""
from __future__ import annotations

from datetime import datetime, timedelta


def test_propose_vote_and_decide(client, make):
    org = make.organization(name="Vallilan Nuoret ry")
    author = make.auth("ngo", organization=org)
    voter = make.auth("ngo")
    staff = make.auth("staff")
    occ = make.occurrence()
    created = client.post(f"/api/v1/occurrences/{occ.id}/topics", json={"title": "Nuorten tilat", "description": "X"},
                          headers=author)
    assert created.status_code == 201
    topic = created.json
    assert topic["organization"] == "Vallilan Nuoret ry" and topic["votes_count"] == 0 and topic["status"] == "proposed"
    for _ in range(2):
        voted = client.post(f"/api/v1/topics/{topic['id']}/votes", headers=voter)
        assert voted.status_code == 200 and voted.json["votes_count"] == 1 and voted.json["voted"] is True
    listed = client.get(f"/api/v1/occurrences/{occ.id}/topics", headers=voter).json
    assert [(t["id"], t["voted"]) for t in listed] == [(topic["id"], True)]
    assert client.get(f"/api/v1/occurrences/{occ.id}/topics", headers=author).json[0]["voted"] is False
    removed = client.delete(f"/api/v1/topics/{topic['id']}/votes", headers=voter)
    assert removed.status_code == 200 and removed.json["votes_count"] == 0
    assert client.patch(f"/api/v1/topics/{topic['id']}", json={"status": "declined"}, headers=voter).status_code == 403
    decided = client.patch(f"/api/v1/topics/{topic['id']}", json={"status": "taken_up", "staff_note": "Ok"},
                           headers=staff)
    assert decided.status_code == 200
    assert decided.json["status"] == "taken_up" and decided.json["linked_occurrence_id"] == occ.id
    late = client.post(f"/api/v1/topics/{topic['id']}/votes", headers=voter)
    assert late.status_code == 409 and late.json["error"] == "decided"


def test_errors(client, make):
    ngo = make.auth("ngo")
    occ = make.occurrence()
    assert client.post(f"/api/v1/occurrences/{occ.id}/topics", json={"title": "x"}).status_code == 401
    invalid = client.post(f"/api/v1/occurrences/{occ.id}/topics", json={"title": "x"}, headers=ngo)
    assert invalid.status_code == 422 and "title" in invalid.json["fields"]
    assert client.post(f"/api/v1/occurrences/{occ.id}/topics", data="nope", headers=ngo).status_code == 400
    assert client.post("/api/v1/occurrences/99999/topics", json={"title": "Hyvä aihe"}, headers=ngo).status_code == 404
    assert client.post("/api/v1/topics/99999/votes", headers=ngo).status_code == 404
    past = make.occurrence(start_local=datetime.now() - timedelta(days=3))
    closed = client.post(f"/api/v1/occurrences/{past.id}/topics", json={"title": "Myöhässä"}, headers=ngo)
    assert closed.status_code == 409 and closed.json["error"] == "closed"
    topic = client.post(f"/api/v1/occurrences/{occ.id}/topics", json={"title": "Hyvä aihe"}, headers=ngo).json
    bad_status = client.patch(f"/api/v1/topics/{topic['id']}", json={"status": "maybe"}, headers=make.auth("staff"))
    assert bad_status.status_code == 422
