"""Secret tokens (API, manage links, feeds, feedback, password reset) are unguessable (≥128 random
bits from ``secrets``, or an HMAC signature with SECRET_KEY) and compared in constant time
(``hmac.compare_digest``) or looked up by hash.

The source checks walk every module under app/, so token code added later is checked too.
"""
from __future__ import annotations

import ast
import math
import re
from pathlib import Path
from unittest import mock

import pytest

APP_DIR = Path(__file__).resolve().parents[2] / "app"
SECRET_NAME = re.compile(r"(secret|token|signature|digest|hmac|mac|password|fingerprint|nonce)", re.I)
NOT_SECRET = re.compile(r"(_id|_at|_version|_count|_label|_prefix|_type|_url|_name|_version|_length|s)$", re.I)
MIN_BYTES = 16  # 128 bits


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), filename=str(path))) for path in sorted(APP_DIR.rglob("*.py"))]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(APP_DIR.parent)}:{node.lineno}"


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    if isinstance(node, ast.Subscript):
        return _dotted(node.value) + "[]"
    return type(node).__name__


def _is_secret_value(node: ast.AST) -> bool:
    """A variable, attribute or call whose own name says it holds a secret (``row.manage_secret``,
    ``_password_fingerprint(user)``), but not an ORM column (``ApiToken.token_hash`` → SQL) or
    an identifier of a secret's owner (``token.user_id``)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id[:1].isupper():
            return False  # Model.column == value builds SQL: a hash look-up in the database
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        return False
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET.search(name)


def _is_column(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id[:1].isupper()


def test_no_non_cryptographic_randomness():
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert "random" not in names, f"{_where(path, node)}: use `secrets`, not `random`"


def test_secrets_calls_draw_at_least_128_bits():
    calls = 0
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func) in (
                    "secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes"):
                calls += 1
                if node.args:
                    size = node.args[0]
                    assert isinstance(size, ast.Constant) and size.value >= MIN_BYTES, \
                        f"{_where(path, node)}: {_dotted(node.func)} needs at least {MIN_BYTES} bytes"
    assert calls >= 3


def test_secrets_are_compared_in_constant_time():
    """``==``/``!=`` between two secret values leaks timing: use hmac.compare_digest or a hash look-up."""
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            if not any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
                continue
            if any(isinstance(o, ast.Constant) or _is_column(o) for o in operands):
                continue  # a constant is no secret; Model.column == x is SQL (a look-up by hash)
            if any(_is_secret_value(o) for o in operands):
                offenders.append(f"{_where(path, node)}: {' vs '.join(_dotted(o) for o in operands)}")
    assert not offenders, "compare secrets with hmac.compare_digest:\n" + "\n".join(offenders)


def test_the_comparison_check_is_not_vacuous():
    tree = ast.parse("if row.manage_secret == given: pass\nif ApiToken.token_hash == h: pass\n"
                     "if token.user_id != actor.id: pass\nif scheme == 'bearer': pass\n"
                     "if ApiToken.token_hash == _hash_token(p): pass")
    flagged = [node for node in ast.walk(tree) if isinstance(node, ast.Compare)
               and not any(_is_column(o) or isinstance(o, ast.Constant) for o in [node.left, *node.comparators])
               and any(_is_secret_value(o) for o in [node.left, *node.comparators])]
    assert len(flagged) == 1 and flagged[0].lineno == 1


def test_signed_tokens_use_the_secret_key():
    """Every itsdangerous serializer is keyed with SECRET_KEY (random per instance), never a constant."""
    found = 0
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1].endswith("Serializer"):
                found += 1
                key = ast.unparse(node.args[0]) if node.args else ""
                assert "SECRET_KEY" in key, f"{_where(path, node)}: serializer keyed with {key!r}"
    assert found >= 2


def test_manage_secret_assignments_use_a_strong_generator():
    """Wherever a registration gets a manage secret, it comes from ``secrets`` (or is cleared)."""
    allowed_calls = {"new_manage_secret", "secrets.token_hex", "secrets.token_urlsafe", "tokens.new_manage_secret"}
    for path, tree in _modules():
        for node in ast.walk(tree):
            values = []
            if isinstance(node, ast.keyword) and node.arg == "manage_secret":
                values.append(node.value)
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "manage_secret"
                                                      for t in node.targets):
                values.append(node.value)
            for value in values:
                ok = (isinstance(value, ast.Constant) and value.value == "") or (
                    isinstance(value, ast.Call) and _dotted(value.func) in allowed_calls)
                assert ok, f"{path.relative_to(APP_DIR.parent)}: manage_secret = {ast.unparse(value)}"


def _bits(token: str) -> float:
    alphabet = 16 if re.fullmatch(r"[0-9a-f]+", token) else 64
    return len(token) * math.log2(alphabet)


def test_api_tokens_have_256_bits_and_only_the_hash_is_stored(app, make):
    from app.accounts.models import ApiToken
    from app.extensions import db

    user = make.user("ngo", password=None)
    plains = {make.token(user) for _ in range(20)}
    assert len(plains) == 20
    for plain in plains:
        assert plain.startswith("kht_") and _bits(plain[4:]) >= 128
    with app.app_context():
        stored = " ".join(f"{t.token_hash} {t.prefix}" for t in db.session.scalars(db.select(ApiToken)))
    assert not any(plain in stored for plain in plains)


def test_manage_secrets_have_128_bits():
    from app.meetings.tokens import new_manage_secret

    secrets_ = {new_manage_secret() for _ in range(500)}
    assert len(secrets_) == 500 and all(_bits(s) >= 128 for s in secrets_)


def test_generated_secret_key_has_256_bits(tmp_path):
    from app import _persistent_secret_key

    key = _persistent_secret_key(tmp_path)
    assert _bits(key) >= 256 and _persistent_secret_key(tmp_path) == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("module, function", [("app.meetings.tokens", "registration_from_token")])
def test_token_checks_call_compare_digest(app, make, module, function):
    import hmac
    import importlib

    from app.extensions import db
    from app.meetings.models import Registration
    from app.meetings.tokens import registration_token

    registration = make.registration(make.occurrence())
    target = importlib.import_module(module)
    with app.app_context():
        token = registration_token(db.session.get(Registration, registration.id))
        # The check lives in app/core/signed_links.py (secret_matches); patching the hmac module sees it.
        with mock.patch.object(hmac, "compare_digest", wraps=hmac.compare_digest) as spy:
            assert getattr(target, function)(token) is not None
        assert spy.called


def test_api_token_lookup_is_by_hash(app, make):
    """The plain token never reaches SQL: only its SHA-256 is compared, by the database index."""
    import hashlib

    from app.accounts.services import user_for_api_token
    from app.extensions import db
    from sqlalchemy import event

    user = make.user("ngo", password=None)
    plain = make.token(user)
    statements = []
    with app.app_context():
        listener = lambda *args: statements.append(repr(args[3]) + repr(args[4]))  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert user_for_api_token(plain).id == user.id
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.rollback()
    sql = " ".join(statements)
    assert plain not in sql and hashlib.sha256(plain.encode()).hexdigest() in sql


def test_staff_space_feed_token_in_the_query_is_checked(app, world):
    """The space feed is public; its staff details need ?token= of a staff member for that space."""
    from app.accounts.models import User
    from app.calendar import tokens as calendar_tokens
    from app.extensions import db as _db

    base = f"/calendar/spaces/{world.space.id}.ics"
    client = app.test_client()
    good = world.space_staff_token
    assert client.get(f"{base}?token={good}").status_code == 200
    with app.app_context():
        ngo_a = _db.session.get(User, world.ngo_a.id)
        not_staff = calendar_tokens.space_staff_token(ngo_a, world.space.id)
    for bad in (good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1], good[: len(good) // 2],
                world.personal_feed_token, not_staff, world.api_tokens["ngo_a"]):
        assert client.get(f"{base}?token={bad}").status_code == 404, bad
