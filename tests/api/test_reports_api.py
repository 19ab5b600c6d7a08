"""GET /api/v1/reports/cooperation: figures, filters, validation, roles, OpenAPI."""
from __future__ import annotations

import pytest

from tests.unit.reports import data

PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


@pytest.fixture
def datasets(app, make):
    return data.build_all(app, make)


def test_figures_match_the_report(client, make, datasets):
    ds, fb = datasets
    response = client.get("/api/v1/reports/cooperation", query_string=PERIOD, headers=make.auth("staff"))
    assert response.status_code == 200
    body = response.json
    assert (body["period_start"], body["period_end"], body["series_id"]) == ("2026-01-01", "2026-03-31", None)
    assert body["min_group_size"] == 5
    p = body["participation"]
    assert [m["month"] for m in p["months"]] == ["2026-01", "2026-02", "2026-03"]
    assert p["months"][0] == {"month": "2026-01", "occurrences_held": 1, "occurrences_cancelled": 0,
                              "occurrences_upcoming": 0, "registrations": 4, "confirmed_seats": 4,
                              "attendees": 2, "no_shows": 1}
    assert (p["registrations"], p["confirmed_seats"], p["attendees"], p["no_shows"]) == (16, 18, 16, 1)
    assert p["attendance_rate"] == pytest.approx(16 / 17)
    assert body["reach"]["organisations"] == 3 and body["reach"]["new_organisations"] == 2
    assert body["reach"]["by_district"][0] == {"district": "central", "organisations": 1, "new_organisations": 0}
    feedback = body["feedback"]
    assert (feedback["invitations"], feedback["responses"]) == (9, 8)
    useful, venue = feedback["by_question"]
    assert useful["key"] == "usefulness" and useful["distribution"] == [1, 1, 2, 2, 2]
    assert venue["suppressed"] is True and venue["average"] is None and venue["respondents"] is None
    fmt = next(c for c in feedback["by_choice"] if c["key"] == "format")
    assert [(o["key"], o["count"]) for o in fmt["options"]] == [("live", 4), ("online", 2), ("hybrid", 0)]
    theme_b = next(t for t in feedback["by_theme"] if t["theme_key"] == "spaces")
    assert theme_b["texts_suppressed"] and theme_b["texts"] == []
    theme_a = next(t for t in feedback["by_theme"] if t["theme_key"] == "codev")
    assert len(theme_a["texts"]) == 5 and "submitted_on" not in theme_a["texts"][0]
    assert body["proposals"]["total"] == 4 and body["proposals"]["items"][0]["title"] == "Suosittu aihe"


def test_filters(client, make, datasets):
    ds, fb = datasets
    headers = make.auth("staff")
    body = client.get("/api/v1/reports/cooperation", query_string={**PERIOD, "series": ds.s2},
                      headers=headers).json
    assert body["series_id"] == ds.s2 and body["participation"]["registrations"] == 1
    body = client.get("/api/v1/reports/cooperation", query_string={**PERIOD, "theme": ds.theme_a},
                      headers=headers).json
    assert body["theme_id"] == ds.theme_a and body["reach"]["organisations"] == 2


def test_default_period(client, make):
    body = client.get("/api/v1/reports/cooperation", headers=make.auth("staff")).json
    assert len(body["participation"]["months"]) == 12


@pytest.mark.parametrize("args, field", [
    ({"from": "2026-02-30"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2026-03-01", "to": "2026-01-01"}, "to"),
    ({"from": "2000-01-01", "to": "2026-01-01"}, "to"),
    ({"series": "x"}, "series"),
    ({"series": "999999"}, "series"),
    ({"theme": "999999"}, "theme"),
])
def test_bad_parameters_are_422(client, make, args, field):
    response = client.get("/api/v1/reports/cooperation", query_string=args, headers=make.auth("staff"))
    assert response.status_code == 422
    assert response.json["error"] == "invalid" and field in response.json["fields"]


@pytest.mark.parametrize("role, status", [(None, 401), ("ngo", 403), ("staff", 200), ("admin", 200)])
def test_roles(client, make, role, status):
    headers = make.auth(role) if role else {}
    assert client.get("/api/v1/reports/cooperation", headers=headers).status_code == status


def test_openapi_documents_the_report(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/reports/cooperation"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["from", "to", "series", "theme"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CooperationReportOut"}
    schemas = spec["components"]["schemas"]
    assert "attendance_rate" in schemas["ParticipationOut"]["properties"]
    assert {"by_question", "by_theme", "by_series"} <= set(schemas["FeedbackOut"]["properties"])
    assert "403" in operation["responses"] and "422" in operation["responses"]
