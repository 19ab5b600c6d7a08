"""Outcome pages: public list and page, follow / unfollow, staff record and update (one mail per change)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.outcomes.models import Outcome, OutcomeFollower


def test_staff_record_an_outcome_of_a_topic_and_the_proposer_follows(app, client, make, login):
    occ = make.occurrence()
    proposer, staff, other = make.user("ngo"), make.user("staff"), make.user("ngo")
    topic_id = make.topic(occ, title="Iltakäyttö", proposer_id=proposer.id, status="taken_up").id
    login(staff)
    form = client.get(f"/outcomes/new?topic={topic_id}").get_data(as_text=True)
    assert "Iltakäyttö" in form and "checked" in form
    assert client.post("/outcomes/new", data={"title_fi": "", "status": "open"}).status_code == 400
    created = client.post("/outcomes/new", data={"title_fi": "Tilat auki iltaisin", "status": "open",
                                                 "topic_ids": [str(topic_id)]})
    assert created.status_code == 302
    with app.app_context():
        outcome_id = db.session.scalar(select(Outcome.id))
    update = client.post(f"/outcomes/{outcome_id}/update", data={"status": "in_progress", "note_fi": "Valmistelussa"})
    assert update.status_code == 302
    nothing = client.post(f"/outcomes/{outcome_id}/update", data={"status": "in_progress"})
    assert nothing.status_code == 400
    with app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind).filter_by(recipient=proposer.email)
                                 .order_by(OutboxMessage.id)).all()
        assert kinds == ["outcome_created", "outcome_changed"]
    client.post("/logout")
    public = client.get(f"/outcomes/{outcome_id}").get_data(as_text=True)
    assert "Tilat auki iltaisin" in public and "Valmistelussa" in public
    assert "Tilat auki iltaisin" in client.get("/outcomes/?status=in_progress").get_data(as_text=True)
    assert "Tilat auki iltaisin" not in client.get("/outcomes/?status=done").get_data(as_text=True)
    login(other)
    assert client.post(f"/outcomes/{outcome_id}/follow").status_code == 302
    assert client.post(f"/outcomes/{outcome_id}/follow").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(OutcomeFollower.id))) == 2
    assert client.post(f"/outcomes/{outcome_id}/unfollow").status_code == 302
    topics_page = client.get(f"/topics/occurrences/{occ.id}").get_data(as_text=True)
    assert f"/outcomes/{outcome_id}" in topics_page  # the topic shows what came of it
    assert f"/outcomes/{outcome_id}" in client.get("/topics/").get_data(as_text=True)
    assert client.post(f"/outcomes/{outcome_id}/update", data={"status": "done"}).status_code == 403


def test_empty_list_and_unknown_outcome(client):
    assert client.get("/outcomes/").status_code == 200
    assert client.get("/outcomes/12345").status_code == 404
