"""Outcomes over the API (CONTRACT.md "Outcomes")."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage


def test_create_patch_follow_and_list(app, client, make):
    occ = make.occurrence()
    proposer = make.user("ngo")
    topic_id = make.topic(occ, title="Aihe", proposer_id=proposer.id).id
    staff, follower = make.auth("staff"), make.auth("ngo")
    assert client.post("/api/v1/outcomes", json={"title": {"fi": "T"}}, headers=follower).status_code == 403
    assert client.post("/api/v1/outcomes", json={"title": {"fi": "T"}, "status": "finished"},
                       headers=staff).status_code == 422
    assert client.post("/api/v1/outcomes", json={"title": {"fi": "T"}, "topic_ids": [999999]},
                       headers=staff).status_code == 422
    created = client.post("/api/v1/outcomes", json={"title": {"fi": "Tulos", "sv": "Resultat"}, "topic_ids": [topic_id],
                                                    "occurrence_ids": [occ.id]}, headers=staff)
    assert created.status_code == 201
    outcome = created.json
    assert outcome["status"] == "open" and outcome["followers_count"] == 1  # the proposer, automatically
    assert [t["id"] for t in outcome["topics"]] == [topic_id] and outcome["timeline"][0]["status"] == "open"
    url = f"/api/v1/outcomes/{outcome['id']}"
    for _ in range(2):
        assert client.post(url + "/followers", headers=follower).status_code == 204
    assert client.get(url).json["followers_count"] == 2
    patched = client.patch(url, json={"status": "done", "note": {"fi": "Valmis"}}, headers=staff)
    assert patched.status_code == 200 and patched.json["status"] == "done"
    assert patched.json["timeline"][-1]["note"]["fi"] == "Valmis" and patched.json["timeline"][-1]["at"]
    with app.app_context():
        changed = db.session.scalars(select(OutboxMessage.recipient).filter_by(kind="outcome_changed")).all()
        assert len(changed) == 2 and len(set(changed)) == 2  # one mail per follower
    for _ in range(2):
        assert client.delete(url + "/followers", headers=follower).status_code == 204
    assert client.get(url).json["followers_count"] == 1
    assert [o["id"] for o in client.get("/api/v1/outcomes?status=done").json] == [outcome["id"]]
    assert client.get("/api/v1/outcomes?status=open").json == []
    assert client.get("/api/v1/outcomes?status=bogus").status_code == 422
    assert client.get("/api/v1/outcomes/999999").status_code == 404
    assert client.post("/api/v1/outcomes/999999/followers", headers=follower).status_code == 404
