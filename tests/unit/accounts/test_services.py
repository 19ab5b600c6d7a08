"""Account rules, tested without HTTP."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import ApiToken, User
from app.errors import Conflict, ValidationError


def test_create_user_normalises_email_and_hashes_password(ctx):
    user = services.create_user("  Maija.Meikalainen@Example.FI ", role="staff", password="pitkä-salasana-1")
    assert user.email == "maija.meikalainen@example.fi"
    assert user.password_hash and "pitkä" not in user.password_hash
    assert user.has_role("ngo") and user.has_role("staff") and not user.has_role("admin")


@pytest.mark.parametrize("role, ngo, staff, admin", [("ngo", True, False, False), ("staff", True, True, False),
                                                     ("admin", True, True, True)])
def test_roles_are_nested(ctx, role, ngo, staff, admin):
    user = services.create_user(f"{role}@example.org", role=role, password="x" * 12)
    assert (user.has_role("ngo"), user.has_role("staff"), user.has_role("admin")) == (ngo, staff, admin)


def test_duplicate_email_is_a_conflict(ctx):
    services.create_user("a@example.org", role="ngo", password="x" * 12)
    with pytest.raises(Conflict) as info:
        services.create_user("A@example.org", role="ngo", password="x" * 12)
    assert "email" in info.value.fields


@pytest.mark.parametrize("email", ["", "not-an-email", "a@", "@b.fi"])
def test_invalid_email_is_refused(ctx, email):
    with pytest.raises(ValidationError) as info:
        services.create_user(email, role="ngo")
    assert "email" in info.value.fields


def test_short_password_is_refused_and_nothing_written(ctx):
    with pytest.raises(ValidationError) as info:
        services.create_user("short@example.org", role="ngo", password="lyhyt")
    assert "password" in info.value.fields
    ctx.rollback()
    assert ctx.scalar(select(User).where(User.email == "short@example.org")) is None


def test_authenticate(ctx):
    services.create_user("login@example.org", role="ngo", password="oikea-salasana")
    assert services.authenticate("LOGIN@example.org", "oikea-salasana").email == "login@example.org"
    assert services.authenticate("login@example.org", "väärä-salasana") is None
    assert services.authenticate("nobody@example.org", "oikea-salasana") is None


def test_inactive_user_cannot_log_in(ctx):
    user = services.create_user("gone@example.org", role="ngo", password="oikea-salasana")
    user.active = False
    assert services.authenticate("gone@example.org", "oikea-salasana") is None


def test_reset_token_is_single_use_and_tamper_proof(ctx):
    user = services.create_user("reset@example.org", role="ngo", password="vanha-salasana")
    token = services.make_password_reset_token(user)
    assert services.user_for_reset_token(token).id == user.id
    with pytest.raises(ValidationError):
        services.user_for_reset_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    services.set_password(user, "uusi-salasana-123")
    with pytest.raises(ValidationError):  # the old link stops working once used
        services.user_for_reset_token(token)


def test_reset_token_expires(ctx, app, monkeypatch):
    user = services.create_user("expire@example.org", role="ngo", password="vanha-salasana")
    token = services.make_password_reset_token(user)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    with pytest.raises(ValidationError) as info:
        services.user_for_reset_token(token)
    assert info.value.code == "expired"


def test_api_token_is_stored_hashed_and_revocable(ctx):
    user = services.create_user("api@example.org", role="staff", password="x" * 12)
    token, plain = services.create_api_token(user, "integration")
    stored = ctx.scalar(select(ApiToken))
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.token_hash, stored.prefix)
    assert len(plain) >= 43  # 256 random bits, URL-safe
    assert services.user_for_api_token(plain).id == user.id
    assert services.user_for_api_token(plain + "x") is None
    services.revoke_api_token(token, actor=user)
    assert services.user_for_api_token(plain) is None


def test_only_owner_or_admin_revokes_a_token(ctx):
    from app.errors import Forbidden

    owner = services.create_user("owner@example.org", role="staff", password="x" * 12)
    other = services.create_user("other@example.org", role="staff", password="x" * 12)
    admin = services.create_user("admin@example.org", role="admin", password="x" * 12)
    token, _plain = services.create_api_token(owner)
    with pytest.raises(Forbidden):
        services.revoke_api_token(token, actor=other)
    services.revoke_api_token(token, actor=admin)
    assert token.revoked_at is not None
