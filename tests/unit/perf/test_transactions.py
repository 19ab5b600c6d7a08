"""SQLite's transaction rule (app/core/database.py): readers deferred, writers locked up front."""
from __future__ import annotations

import sqlite3
import pytest
from flask import Flask
from sqlalchemy import event, make_url

from app.core.database import writes
from app.extensions import db


@pytest.fixture
def sqlite_only(app):
    if not _pushed(app):
        pytest.skip("the rule is about SQLite; PostgreSQL runs READ COMMITTED unchanged")


def _pushed(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "sqlite"


@pytest.fixture
def begins(app):
    """The BEGIN statements sent while the fixture is active."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_get_is_deferred_post_takes_the_lock(app, client, begins, sqlite_only, make):
    make.series(occurrences=1)
    begins.clear()
    client.get("/meetings")
    assert begins and set(begins) == {"BEGIN"}
    begins.clear()
    client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}


def test_without_a_request_the_lock_is_taken_up_front(app, begins, sqlite_only):
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        db.session.rollback()
    assert begins == ["BEGIN IMMEDIATE"]


def test_a_get_view_marked_writes_takes_the_lock(app, client, begins, sqlite_only, make, login):
    login(make.user("ngo"))
    begins.clear()
    assert client.get("/privacy/my-data/export.json").status_code == 200  # the export is audited
    assert "BEGIN IMMEDIATE" in begins and "BEGIN" not in begins


def test_an_unmarked_write_in_a_get_is_refused_in_tests(database_uri, sqlite_only):
    """The suite runs with ``strict``: a GET view that writes without @writes fails loudly."""
    from app import create_app
    from app.spaces.models import Space
    from config import TestingConfig

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_uri, "SERVER_NAME": None})

    @app.get("/_test_unmarked_write")
    def unmarked():  # pragma: no cover - the body is what is tested
        db.session.add(Space(name="Luonnos", address="Katu 1", capacity=1))
        db.session.commit()
        return "written"

    @app.get("/_test_marked_write")
    @writes
    def marked():
        db.session.add(Space(name="Merkitty", address="Katu 2", capacity=1))
        db.session.commit()
        return "written"

    client = app.test_client()
    assert client.get("/_test_unmarked_write").status_code == 500  # RuntimeError: unmarked write
    with app.app_context():
        assert db.session.scalar(db.select(Space.id).where(Space.name == "Luonnos")) is None
    assert client.get("/_test_marked_write").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_readers_are_not_blocked_by_a_writer(app, client, sqlite_only, make):
    """While another process holds the write lock, pages still answer (they read a snapshot)."""
    make.series(occurrences=2)
    with app.app_context():
        path = make_url(db.engine.url).database
    other = sqlite3.connect(path, isolation_level=None, timeout=1)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE organizations SET name = name")
        for url in ("/", "/meetings", "/calendar/meetings.ics", "/healthz"):
            assert client.get(url).status_code == 200, url
    finally:
        other.execute("ROLLBACK")
        other.close()
