"""Topic proposal pages: propose, support, withdraw, staff decisions, the status list."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.feedback.models import TopicProposal, TopicVote


def _proposal_id(app, title):
    with app.app_context():
        value = db.session.scalar(select(TopicProposal.id).filter_by(title=title))
        db.session.remove()
    return value


def test_ngo_proposes_and_others_support(app, client, make, login):
    org = make.organization(name="Kallion Kulttuuriyhdistys ry")
    author, supporter = make.user(organization=org), make.user()
    occ = make.occurrence()
    login(author)
    page = client.get(f"/topics/occurrences/{occ.id}")
    assert page.status_code == 200 and 'name="title"' in page.get_data(as_text=True)
    invalid = client.post(f"/topics/occurrences/{occ.id}", data={"title": "ab", "description": "Kuvaus säilyy"})
    assert invalid.status_code == 400 and "Kuvaus säilyy" in invalid.get_data(as_text=True)
    response = client.post(f"/topics/occurrences/{occ.id}", data={"title": "Iltakäyttö asukastiloissa",
                                                                  "description": "Tilat auki myös iltaisin."})
    assert response.status_code == 302
    proposal_id = _proposal_id(app, "Iltakäyttö asukastiloissa")
    login(supporter)
    assert client.post(f"/topics/{proposal_id}/vote").status_code == 302
    assert client.post(f"/topics/{proposal_id}/vote").status_code == 302  # a double click counts once
    html = client.get(f"/topics/occurrences/{occ.id}").get_data(as_text=True)
    assert "Iltakäyttö asukastiloissa" in html and "Kallion Kulttuuriyhdistys ry" in html
    assert f'action="/topics/{proposal_id}/unvote"' in html
    with app.app_context():
        assert db.session.get(TopicProposal, proposal_id).votes_count == 1
        assert db.session.scalar(select(func.count(TopicVote.id))) == 1
    assert client.post(f"/topics/{proposal_id}/unvote").status_code == 302
    assert client.post(f"/topics/{proposal_id}/withdraw").status_code == 403  # not the proposer
    with app.app_context():
        assert db.session.get(TopicProposal, proposal_id).votes_count == 0
    login(author)
    assert client.post(f"/topics/{proposal_id}/withdraw").status_code == 200  # confirmation page
    assert client.post(f"/topics/{proposal_id}/withdraw", data={"confirm": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(TopicProposal, proposal_id) is None


def test_login_required(client, make):
    occ = make.occurrence()
    response = client.get(f"/topics/occurrences/{occ.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/topics/1/vote").status_code == 404  # unknown (or a draft's): 404 for everyone


def test_past_meeting_takes_no_proposals(app, client, make, login):
    from datetime import datetime, timedelta

    occ = make.occurrence(start_local=datetime.now() - timedelta(days=2))
    login(make.user())
    html = client.get(f"/topics/occurrences/{occ.id}").get_data(as_text=True)
    assert 'name="title"' not in html
    response = client.post(f"/topics/occurrences/{occ.id}", data={"title": "Liian myöhään"})
    assert response.status_code == 400
    assert _proposal_id(app, "Liian myöhään") is None


def test_staff_take_up_and_list_shows_status(app, client, make, login):
    author, staff = make.user(), make.user("staff")
    series = make.series(occurrences=2)
    first, second = make.occurrences(series)
    login(author)
    client.post(f"/topics/occurrences/{first.id}", data={"title": "Avustusten hakuaikataulu"})
    client.post(f"/topics/occurrences/{first.id}", data={"title": "Hylättävä aihe"})
    taken, declined = _proposal_id(app, "Avustusten hakuaikataulu"), _proposal_id(app, "Hylättävä aihe")
    assert client.get(f"/topics/{taken}/decide").status_code == 403
    login(staff)
    assert client.get(f"/topics/{taken}/decide").status_code == 200
    assert client.post(f"/topics/{taken}/decide", data={"status": "taken_up", "linked_occurrence_id": str(second.id),
                                                        "staff_note": "Otetaan esityslistalle"}).status_code == 302
    assert client.post(f"/topics/{declined}/decide", data={"status": "declined",
                                                           "linked_occurrence_id": "0"}).status_code == 302
    with app.app_context():
        row = db.session.get(TopicProposal, taken)
        assert (row.status, row.linked_occurrence_id) == ("taken_up", second.id)
        assert db.session.get(TopicProposal, declined).status == "declined"
    listing = client.get("/topics/?status=taken_up").get_data(as_text=True)
    assert "Avustusten hakuaikataulu" in listing and "Hylättävä aihe" not in listing
    assert "Otetaan esityslistalle" in client.get(f"/topics/occurrences/{first.id}").get_data(as_text=True)


def test_topic_list_query_count_is_fixed(app, client, make, login, count_queries, monkeypatch):
    monkeypatch.setitem(app.config, "TOPICS_PER_USER_PER_OCCURRENCE", 10)
    org = make.organization()
    user = make.user(organization=org)
    occ = make.occurrence()
    login(user)
    client.post(f"/topics/occurrences/{occ.id}", data={"title": "Ensimmäinen aihe"})
    with count_queries() as few:
        client.get("/topics/")
    with count_queries() as few_occ:
        client.get(f"/topics/occurrences/{occ.id}")
    for n in range(5):
        other = make.occurrence()
        client.post(f"/topics/occurrences/{other.id}", data={"title": f"Aihe {n}"})
        client.post(f"/topics/occurrences/{occ.id}", data={"title": f"Toinen aihe {n}"})
    with count_queries() as many:
        html = client.get("/topics/").get_data(as_text=True)
    with count_queries() as many_occ:
        client.get(f"/topics/occurrences/{occ.id}")
    assert html.count("<tr>") == 12
    assert many.count == few.count and many_occ.count == few_occ.count


def test_meeting_pages_link_to_topics_and_feedback(client, make, login):
    occ = make.occurrence()
    login(make.user())
    assert f'href="/topics/occurrences/{occ.id}"' in client.get(f"/meetings/occurrences/{occ.id}").get_data(as_text=True)
    login(make.user("staff"))
    html = client.get(f"/meetings/manage/{occ.series_id}").get_data(as_text=True)
    assert f'href="/topics/occurrences/{occ.id}"' in html and f'href="/feedback/series/{occ.series_id}"' in html


def test_topics_page_is_not_a_dead_end(app, client, make, login):
    """Issue 17, item 4: propose from the topics page (choose the meeting); anonymous: log in first."""
    occurrence = make.occurrence()
    anonymous = client.get("/topics/?lang=en").get_data(as_text=True)
    assert "Log in to propose a topic" in anonymous and "/login?next=" in anonymous
    assert "Log in to propose agenda topics" in client.get(
        f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    login(make.user("ngo", organization=make.organization()))
    page = client.get("/topics/?lang=en").get_data(as_text=True)
    assert "No topic proposals yet." in page and "Be the first: choose a meeting above." in page
    assert f'<option value="{occurrence.id}">' in page
    chosen = client.get(f"/topics/propose?occurrence_id={occurrence.id}")
    assert chosen.status_code == 302
    assert chosen.headers["Location"].endswith(f"/topics/occurrences/{occurrence.id}#propose-heading")
    assert client.get("/topics/propose").status_code == 302  # nothing chosen: back with a message
