"""An API token's last_used_at: written at most every few minutes, and never inside a GET's
read-only transaction (a separate short write instead)."""
from __future__ import annotations

from datetime import timedelta

from app.accounts.models import ApiToken
from app.accounts.services import LAST_USED_RESOLUTION
from app.core.types import utcnow
from app.extensions import db


def _last_used(app):
    with app.app_context():
        return db.session.scalar(db.select(ApiToken.last_used_at))


def test_recorded_then_throttled(app, client, make):
    headers = make.auth("staff")
    assert _last_used(app) is None
    assert client.get("/api/v1/organizations", headers=headers).status_code == 200
    first = _last_used(app)
    assert first is not None
    assert client.get("/api/v1/series", headers=headers).status_code == 200
    assert _last_used(app) == first  # within LAST_USED_RESOLUTION: no write
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(last_used_at=utcnow() - LAST_USED_RESOLUTION
                                                      - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/api/v1/organizations", headers=headers).status_code == 200
    assert _last_used(app) > first - timedelta(seconds=1)
    assert utcnow() - _last_used(app) < LAST_USED_RESOLUTION


def test_recorded_on_a_write_request_too(app, client, make):
    headers = make.auth("staff")
    response = client.post("/api/v1/organizations", headers=headers,
                           json={"name": "Uusi yhdistys ry", "email": "info@uusi.example"})
    assert response.status_code in (201, 422), response.get_json()
    assert _last_used(app) is not None
