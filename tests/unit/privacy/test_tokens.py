"""Registration manage tokens (app/meetings/tokens.py)."""
from __future__ import annotations

from itsdangerous import URLSafeSerializer

from app.extensions import db
from app.meetings import tokens
from app.meetings.models import Registration


def test_round_trip(app, make):
    registration = make.registration(make.occurrence())
    with app.app_context():
        row = db.session.get(Registration, registration.id)
        token = tokens.registration_token(row)
        assert tokens.registration_from_token(token).id == registration.id


def test_token_signed_with_documented_scheme(app, make):
    registration = make.registration(make.occurrence())
    with app.app_context():
        token = URLSafeSerializer(app.config["SECRET_KEY"], salt="registration-manage").dumps(
            {"r": registration.id, "s": registration.manage_secret})
        assert tokens.registration_from_token(token).id == registration.id
        assert tokens.registration_token(db.session.get(Registration, registration.id)) == token


def test_wrong_secret_wrong_key_or_garbage_refused(app, make):
    registration = make.registration(make.occurrence())
    with app.app_context():
        good = URLSafeSerializer(app.config["SECRET_KEY"], salt="registration-manage")
        assert tokens.registration_from_token(good.dumps({"r": registration.id, "s": "0" * 32})) is None
        assert tokens.registration_from_token(good.dumps({"r": registration.id})) is None
        assert tokens.registration_from_token(good.dumps({"r": "1", "s": registration.manage_secret})) is None
        assert tokens.registration_from_token(good.dumps([registration.id])) is None
        assert tokens.registration_from_token(good.dumps({"r": 10**30, "s": "x"})) is None
        other_key = URLSafeSerializer("another-key", salt="registration-manage")
        assert tokens.registration_from_token(
            other_key.dumps({"r": registration.id, "s": registration.manage_secret})) is None
        other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="password-reset")
        assert tokens.registration_from_token(
            other_salt.dumps({"r": registration.id, "s": registration.manage_secret})) is None
        for junk in ("", "abc", "a.b", "\x00", "é" * 50, "x" * 5000):
            assert tokens.registration_from_token(junk) is None


def test_rotating_the_secret_revokes_the_link(app, make):
    registration = make.registration(make.occurrence())
    with app.app_context():
        row = db.session.get(Registration, registration.id)
        token = tokens.registration_token(row)
        row.manage_secret = tokens.new_manage_secret()
        db.session.commit()
        assert tokens.registration_from_token(token) is None


def test_new_secret_has_128_bits():
    secret = tokens.new_manage_secret()
    assert len(secret) == 32 and int(secret, 16) >= 0
    assert len({tokens.new_manage_secret() for _ in range(1000)}) == 1000
