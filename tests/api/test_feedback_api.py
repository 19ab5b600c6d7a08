"""GET /api/v1/series/<id>/feedback: staff only, aggregated answers, documented in openapi.json."""
from __future__ import annotations

from app.extensions import db
from app.feedback import services
from tests.unit.feedback.conftest import invite  # noqa: F401  (fixture)


def _answer(app, tokens, ratings):
    with app.app_context():
        for (_id, token), rating in zip(tokens, ratings):
            invitation = services.invitation_for_token(token)
            q = {x.key: x.id for x in services.load_form(invitation.form_id).questions}
            raw = {q[k]: str(rating) for k in ("usefulness", "influence", "networking", "communication", "continuity")}
            raw[q["themes_to_continue"]] = ["grants"]
            raw[q["city_next"]] = f"Vastaus {rating}"
            services.submit_response(invitation, raw)
        db.session.commit()
        db.session.remove()


def test_roles(client, make, invite):
    occ, _ = invite()
    url = f"/api/v1/series/{occ.series_id}/feedback"
    assert client.get(url).status_code == 401
    response = client.get(url, headers=make.auth("ngo"))
    assert response.status_code == 403 and response.json["error"] == "forbidden"
    assert client.get("/api/v1/series/99999/feedback", headers=make.auth("staff")).json["error"] == "not_found"


def test_aggregated_answers(app, client, make, invite):
    occ, tokens = invite(n=5)
    _answer(app, tokens[:4], [5, 4, 4, 3])
    headers = make.auth("staff")
    body = client.get(f"/api/v1/series/{occ.series_id}/feedback?lang=en", headers=headers).json
    assert body["respondents"] == 4 and body["texts_shown"] is False and body["anonymous"] is False
    by_key = {q["key"]: q for q in body["questions"]}
    assert by_key["usefulness"]["average"] == 4.0
    assert by_key["usefulness"]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 2, "5": 1}
    assert by_key["usefulness"]["text"] == "How useful was the meeting for your organisation?"
    assert {o["key"]: o["count"] for o in by_key["themes_to_continue"]["options"]}["grants"] == 4
    assert by_key["city_next"]["texts"] is None
    _answer(app, tokens[4:], [1])
    body = client.get(f"/api/v1/series/{occ.series_id}/feedback", headers=headers).json
    assert body["respondents"] == 5 and sorted(body["questions"][-1]["texts"]) == [
        "Vastaus 1", "Vastaus 3", "Vastaus 4", "Vastaus 4", "Vastaus 5"]
    # Filters: the occurrence, and a period without meetings.
    assert client.get(f"/api/v1/series/{occ.series_id}/feedback?occurrence_id={occ.id}",
                      headers=headers).json["respondents"] == 5
    later = (occ.starts_at.replace(year=occ.starts_at.year + 1)).isoformat()
    assert client.get(f"/api/v1/series/{occ.series_id}/feedback", query_string={"from": later},
                      headers=headers).json["respondents"] == 0


def _form_count(app) -> int:
    from sqlalchemy import func, select

    from app.feedback.models import FeedbackForm

    with app.app_context():
        count = db.session.scalar(select(func.count(FeedbackForm.id)))
        db.session.remove()
        return count


def test_a_get_never_creates_the_feedback_form(app, client, make):
    """Issue 17 item 17: looking is not an action; a series without a form answers "no form yet"."""
    series = make.series(occurrences=1)
    before = _form_count(app)
    response = client.get(f"/api/v1/series/{series.id}/feedback", headers=make.auth("staff"))
    assert response.status_code == 200 and _form_count(app) == before
    body = response.json
    assert body["form_id"] is None and body["respondents"] == 0 and body["questions"] == []
    assert body["series_id"] == series.id and body["texts_shown"] is False


def test_creating_the_form_is_an_explicit_action(app, client, make):
    series = make.series(occurrences=1)
    headers = make.auth("staff")
    before = _form_count(app)
    assert client.post(f"/api/v1/series/{series.id}/feedback/form", headers=make.auth("ngo")).status_code == 403
    response = client.post(f"/api/v1/series/{series.id}/feedback/form", headers=headers)
    assert response.status_code == 201 and _form_count(app) == before + 1
    body = response.json
    assert body["form_id"] is not None and body["respondents"] == 0 and len(body["questions"]) == 7
    again = client.post(f"/api/v1/series/{series.id}/feedback/form", headers=headers)
    assert again.status_code == 200 and again.json["form_id"] == body["form_id"] and _form_count(app) == before + 1
    assert client.get(f"/api/v1/series/{series.id}/feedback", headers=headers).json["form_id"] == body["form_id"]
    assert client.post("/api/v1/series/99999/feedback/form", headers=headers).status_code == 404


def test_bad_query_values_are_422(client, make, invite):
    occ, _ = invite()
    headers = make.auth("staff")
    for query in ({"from": "yesterday"}, {"from": "2026-01-01T00:00:00"}, {"lang": "de"}, {"occurrence_id": "x"}):
        response = client.get(f"/api/v1/series/{occ.series_id}/feedback", query_string=query, headers=headers)
        assert response.status_code == 422, query
        assert response.json["error"] == "invalid" and response.json["fields"]
    other = make.occurrence()
    response = client.get(f"/api/v1/series/{occ.series_id}/feedback?occurrence_id={other.id}", headers=headers)
    assert response.status_code == 404


def test_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/series/{series_id}/feedback"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"series_id", "occurrence_id", "from", "to", "lang"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("FeedbackSummary")
    summary = spec["components"]["schemas"]["FeedbackSummary"]
    assert {"respondents", "questions"} <= set(summary["properties"])
    assert "QuestionSummary" in spec["components"]["schemas"]
