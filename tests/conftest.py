"""Fixtures shared by the whole suite.

The database is the one named by ``DATABASE_URL`` (PostgreSQL) or a SQLite file per xdist
worker; the schema is created once per worker and emptied after every test.
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import event, make_url, text

from app import create_app
from app.core.versions import clear_caches
from app.extensions import db, limiter
from config import TestingConfig, database_url

pytest_plugins = ["tests.factories", "tests.smtp", "tests.oidc.fixtures"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


def postgres_admin_url(url: str) -> str:
    """The same server's maintenance database, for CREATE/DROP DATABASE."""
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def create_postgres_database(url: str) -> None:
    """Drop and create the database named in ``url`` (a throw-away test database)."""
    import psycopg

    name = make_url(url).database
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    admin = make_url(postgres_admin_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def fresh_database_url(tmp_dir: Path, suffix: str) -> str:
    """A new, empty database of the kind the suite runs on."""
    raw = os.environ.get("DATABASE_URL")
    if raw and raw.startswith(("postgres", "postgresql")):
        url = make_url(database_url(raw))
        url = url.set(database=f"{url.database}_{suffix}_{_worker()}").render_as_string(hide_password=False)
        create_postgres_database(url)
        return url
    return f"sqlite:///{tmp_dir / f'{suffix}.db'}"


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> str:
    return fresh_database_url(tmp_path_factory.mktemp("db"), "t")


@pytest.fixture(scope="session")
def app(database_uri, tmp_path_factory):
    """One app per worker; the schema is created once."""
    os.environ.setdefault("KOHTAAMO_INSTANCE", str(tmp_path_factory.mktemp("instance")))
    application = create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "BASE_URL": "http://kohtaamo.test",
        "SERVER_NAME": None,
        "MATERIALS_DIR": str(tmp_path_factory.mktemp("materials")),
    })
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table (and the rate-limit counters) after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    # Every test client is 127.0.0.1: without a reset the login limit leaks between tests.
    limiter.reset()
    clear_caches()  # pages and feeds cached by content version: the counters start over below
    with application.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app) -> Iterator[Any]:
    """An app context for service tests (no HTTP); yields the session."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user`` (a factory-made user)."""

    def do_login(user, password: str = "correct-horse-battery") -> None:
        with client.session_transaction() as session:
            session.clear()
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data[:500]

    return do_login


class QueryCounter:
    """Counts SQL statements sent to the database while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        with self._lock:
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` then ``counter.count``."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
