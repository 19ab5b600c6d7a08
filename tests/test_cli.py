"""The command line of CONTRACT.md."""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Organization, User
from app.accounts.services import user_for_api_token
from app.mail.models import OutboxMessage


def test_users_create_with_password(runner, ctx):
    result = runner.invoke(args=["users", "create", "Uusi@Example.org", "--role", "staff", "--name", "Uusi",
                                 "--password", "pitkä-salasana"])
    assert result.exit_code == 0, result.output
    user = ctx.scalar(select(User).where(User.email == "uusi@example.org"))
    assert user.role == "staff" and user.name == "Uusi"


def test_users_create_without_password_mails_a_link(runner, ctx):
    result = runner.invoke(args=["users", "create", "linkki@example.org", "--role", "ngo"], input="")
    assert result.exit_code == 0, result.output
    message = ctx.scalar(select(OutboxMessage))
    assert message.recipient == "linkki@example.org" and "/password/reset/" in message.text_body


def test_users_create_with_organisation(runner, ctx, make):
    org = make.organization()
    result = runner.invoke(args=["users", "create", "j@example.org", "--role", "ngo", "--org", str(org.id),
                                 "--password", "pitkä-salasana"])
    assert result.exit_code == 0
    assert ctx.scalar(select(User.organization_id).where(User.email == "j@example.org")) == org.id


def test_users_create_bad_input_is_one_line_non_zero(runner, make):
    make.user(email="taken@example.org")
    for args in (["users", "create", "taken@example.org", "--role", "ngo", "--password", "pitkä-salasana"],
                 ["users", "create", "bad-email", "--role", "ngo", "--password", "pitkä-salasana"],
                 ["users", "create", "x@example.org", "--role", "ngo", "--password", "short"],
                 ["users", "create", "y@example.org", "--role", "ngo", "--org", "999", "--password", "pitkä-salasana"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_tokens_create_prints_token_on_last_line(runner, ctx, make):
    user = make.user("staff")
    result = runner.invoke(args=["tokens", "create", user.email, "--label", "ci"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert user_for_api_token(token).id == user.id


def test_tokens_create_unknown_user(runner, app):
    result = runner.invoke(args=["tokens", "create", "nobody@example.org"])
    assert result.exit_code != 0 and "nobody@example.org" in result.output


def test_demo_load_is_idempotent(runner, ctx):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = (ctx.scalar(select(func.count(User.id))), ctx.scalar(select(func.count(Organization.id))))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    ctx.expire_all()
    assert (ctx.scalar(select(func.count(User.id))), ctx.scalar(select(func.count(Organization.id)))) == counts
    assert counts[0] >= 4 and counts[1] >= 4
