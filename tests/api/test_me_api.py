"""GET /api/v1/me: profile and memberships of the token's user."""
from __future__ import annotations

from app.accounts import membership
from app.accounts.models import User
from app.extensions import db


def test_me_shows_the_profile_and_memberships(app, client, make):
    org = make.organization(name="Minä ry", business_id="0201256-6")
    other = make.organization(name="Toinen ry")
    user = make.user("ngo", organization=org, name="Maija Meikäläinen")
    newcomer = make.user("ngo")
    with app.app_context():
        membership.request_to_join(db.session.get(User, newcomer.id), other.id)
        db.session.commit()
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {make.token(user)}"}).get_json()
    assert body["name"] == "Maija Meikäläinen" and body["role"] == "ngo"
    assert body["organization"] == {"id": org.id, "name": "Minä ry", "business_id": "0201256-6"}
    [row] = body["memberships"]
    assert (row["role"], row["status"], row["organization"]["id"]) == ("contact", "approved", org.id)
    assert row["requested_at"].endswith(("+02:00", "+03:00"))
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {make.token(newcomer)}"}).get_json()
    assert body["organization"] is None
    assert [(m["status"], m["organization"]["name"]) for m in body["memberships"]] == [("pending", "Toinen ry")]


def test_me_needs_a_token_and_is_in_openapi(client):
    assert client.get("/api/v1/me").status_code == 401
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "get" in spec["paths"]["/me"] and "memberships" in str(spec["paths"]["/me"])
