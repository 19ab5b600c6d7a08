"""/api/v1/me/subscriptions (CONTRACT.md "The signed-in NGO user") and the series' reminder_hours_before."""
from __future__ import annotations



def test_subscribe_list_delete_and_validation(app, client, make):
    theme = make.default_theme().id
    me, other = make.auth("ngo"), make.auth("ngo")
    assert client.get("/api/v1/me/subscriptions").status_code == 401
    assert client.get("/api/v1/me/subscriptions", headers=me).json == []
    created = client.post("/api/v1/me/subscriptions", json={"theme_id": theme, "frequency": "weekly"}, headers=me)
    assert created.status_code == 201
    body = created.json
    assert body["theme_id"] == theme and body["district"] is None and body["frequency"] == "weekly"
    both = client.post("/api/v1/me/subscriptions", json={"theme_id": theme, "district": "eastern",
                                                         "frequency": "immediate"}, headers=me)
    assert both.status_code == 201
    assert [s["id"] for s in client.get("/api/v1/me/subscriptions", headers=me).json] == [body["id"], both.json["id"]]
    assert client.get("/api/v1/me/subscriptions", headers=other).json == []
    duplicate = client.post("/api/v1/me/subscriptions", json={"theme_id": theme, "frequency": "immediate"}, headers=me)
    assert duplicate.status_code == 409 and duplicate.json["error"] == "exists"
    for bad, field in (({"frequency": "immediate"}, "theme_id"), ({"district": "mars", "frequency": "weekly"}, "district"),
                       ({"theme_id": 999999, "frequency": "weekly"}, "theme_id"),
                       ({"district": "eastern", "frequency": "daily"}, "frequency"),
                       ({"district": "eastern"}, "frequency")):
        response = client.post("/api/v1/me/subscriptions", json=bad, headers=me)
        assert response.status_code == 422, bad
        assert response.json["error"] == "invalid" and field in response.json["fields"], response.json
    assert client.delete(f"/api/v1/me/subscriptions/{body['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/me/subscriptions/{body['id']}", headers=me).status_code == 204
    assert client.delete(f"/api/v1/me/subscriptions/{body['id']}", headers=me).status_code == 404
    assert len(client.get("/api/v1/me/subscriptions", headers=me).json) == 1


def test_openapi_describes_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    path = next(p for p in paths if p.endswith("/me/subscriptions"))
    assert {"get", "post"} <= set(paths[path])
    assert "delete" in paths[next(p for p in paths if p.endswith("/me/subscriptions/{subscription_id}"))]


def test_series_reminder_hours_before_in_post_patch_and_get(client, make):
    staff = make.auth("staff")
    base = {"title": {"fi": "Muistutustesti"}, "start": "2027-03-02T17:00", "duration_minutes": 90, "capacity": 10,
            "location": "Kalasatamankatu 1"}
    default = client.post("/api/v1/series", json=base, headers=staff)
    assert default.status_code == 201 and default.json["reminder_hours_before"] == 24
    off = client.post("/api/v1/series", json=dict(base, reminder_hours_before=None), headers=staff)
    assert off.status_code == 201 and off.json["reminder_hours_before"] is None
    assert client.get(f"/api/v1/series/{off.json['id']}").json["reminder_hours_before"] is None
    patched = client.patch(f"/api/v1/series/{default.json['id']}", json={"reminder_hours_before": 48}, headers=staff)
    assert patched.status_code == 200 and patched.json["reminder_hours_before"] == 48
    untouched = client.patch(f"/api/v1/series/{default.json['id']}", json={"capacity": 12}, headers=staff)
    assert untouched.json["reminder_hours_before"] == 48
    cleared = client.patch(f"/api/v1/series/{default.json['id']}", json={"reminder_hours_before": None}, headers=staff)
    assert cleared.json["reminder_hours_before"] is None
    for bad in (0, 337, "soon"):
        response = client.post("/api/v1/series", json=dict(base, reminder_hours_before=bad), headers=staff)
        assert response.status_code == 422 and "reminder_hours_before" in response.json["fields"], bad
