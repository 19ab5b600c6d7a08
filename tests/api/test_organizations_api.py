"""/api/v1/organizations, auth and the JSON error format of CONTRACT.md."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Organization
from app.extensions import db

VALID = {"name": "Herttoniemen Seura ry", "email": "seura@example.org", "business_id": "0201256-6",
         "district": "southeastern"}


def test_create_and_list(client, make):
    staff = make.auth("staff")
    response = client.post("/api/v1/organizations", json=VALID, headers=staff)
    assert response.status_code == 201
    body = response.json
    assert body["name"] == VALID["name"] and body["business_id"] == "0201256-6" and body["id"]
    listed = client.get("/api/v1/organizations", headers=make.auth("ngo")).json
    assert [org["id"] for org in listed] == [body["id"]]


@pytest.mark.parametrize("headers, status", [({}, 401), ({"Authorization": "Bearer nope"}, 401),
                                             ({"Authorization": "Basic abc"}, 401)])
def test_missing_or_invalid_token_is_401(client, headers, status):
    response = client.get("/api/v1/organizations", headers=headers)
    assert response.status_code == status and response.json["error"] == "unauthorized"


def test_wrong_role_is_403(client, make):
    response = client.post("/api/v1/organizations", json=VALID, headers=make.auth("ngo"))
    assert response.status_code == 403 and response.json["error"] == "forbidden"


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "null", "{"])
def test_malformed_body_is_400(client, make, body):
    response = client.post("/api/v1/organizations", data=body, content_type="application/json",
                           headers=make.auth("staff"))
    assert response.status_code == 400 and response.json["error"] == "malformed" and response.json["message"]


def test_invalid_values_are_422_with_fields_and_nothing_written(app, client, make):
    response = client.post("/api/v1/organizations", headers=make.auth("staff"),
                           json={"name": "", "email": "x", "business_id": "0201256-5", "district": "mars"})
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"name", "email", "business_id", "district"}
    with app.app_context():
        assert db.session.scalar(select(func.count(Organization.id))) == 0


def test_wrong_types_are_422(client, make):
    response = client.post("/api/v1/organizations", headers=make.auth("staff"), json={"name": 5, "email": []})
    assert response.status_code == 422 and "email" in response.json["fields"]


def test_duplicate_business_id_is_409(client, make):
    headers = make.auth("staff")
    assert client.post("/api/v1/organizations", json=VALID, headers=headers).status_code == 201
    response = client.post("/api/v1/organizations", json=dict(VALID, name="Toinen"), headers=headers)
    assert response.status_code == 409 and response.json["fields"]["business_id"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_messages_follow_accept_language(client, make):
    response = client.get("/api/v1/organizations", headers={"Accept-Language": "fi"})
    assert response.json["message"] != client.get("/api/v1/organizations",
                                                  headers={"Accept-Language": "en"}).json["message"]


def test_openapi_describes_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"get", "post"} <= set(spec["paths"]["/organizations"])
    post = spec["paths"]["/organizations"]["post"]
    assert post["security"] == [{"bearer": []}]
    assert {"201", "401", "403", "422"} <= set(post["responses"])
