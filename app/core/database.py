"""Engine set-up that makes SQLite safe under concurrency (DESIGN.md, "Concurrency").

The transaction rule on SQLite (PostgreSQL runs every transaction READ COMMITTED, unchanged):

* A transaction that may write takes the write lock at its start (``BEGIN IMMEDIATE``), so every
  read-check-write sequence (capacity, bookings, waiting lists, mail claims) runs alone: that is
  what makes exactly one of several racers win. This is the default: CLI commands, workers,
  services called outside a request, and every request with an unsafe method (POST, PUT, PATCH,
  DELETE).
* A transaction of a GET/HEAD/OPTIONS request is deferred (plain ``BEGIN``): under WAL it reads a
  snapshot without blocking writers or the other readers, so several workers serve pages at once.
  A GET view that writes (e.g. the language switch) is marked with :func:`writes` and gets the
  write lock up front like a POST. A deferred transaction is never upgraded by a write: SQLite
  would answer SQLITE_BUSY at once when another writer committed in between, whatever the
  busy_timeout; with ``strict`` (the test suite) such a write raises, so an unmarked writer is
  found by the tests. Out-of-band bookkeeping (an API token's ``last_used_at``) runs in its own
  short write transaction (:func:`write_connection`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

READ_ONLY = "kohtaamo_read_only"  # execution option: True = deferred, False = write lock up front
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITES = "_kohtaamo_writes"
_DEFERRED = "kohtaamo_deferred"  # connection.info flag while a deferred transaction is open
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

F = TypeVar("F", bound=Callable)


def writes(view: F) -> F:
    """Mark a GET view that writes: its transaction takes the SQLite write lock at BEGIN."""
    setattr(view, _WRITES, True)
    return view


def write_connection() -> Connection:
    """A connection of its own whose transaction takes the write lock (use as
    ``with write_connection() as conn, conn.begin(): ...``), for small writes during a GET."""
    from app.extensions import db

    return db.engine.connect().execution_options(**{READ_ONLY: False})


def in_reading_request() -> bool:
    """True inside a GET/HEAD/OPTIONS request whose view is not marked :func:`writes`, i.e. one
    whose SQLite transaction is deferred and must not write."""
    if not has_request_context() or request.method not in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not getattr(view, _WRITES, False)


def _deferred(connection: Connection) -> bool:
    option = connection.get_execution_options().get(READ_ONLY)
    if option is not None:
        return bool(option)
    return in_reading_request()


def configure_engine(engine: Engine, *, strict: bool = False) -> None:
    """WAL + busy_timeout + the transaction rule above on SQLite.

    pysqlite sends no BEGIN before a SELECT, so two processes can both read "one seat left" and
    both write: measured 4–8 winners of 8 racers. Taking the write lock at BEGIN serialises the
    read-check-write sequences, and exactly one wins (SQLAlchemy docs, "sqlite_transactions").
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if _deferred(connection):
            connection.info[_DEFERRED] = True
            connection.exec_driver_sql("BEGIN")
        else:
            connection.info.pop(_DEFERRED, None)
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection):
        connection.info.pop(_DEFERRED, None)

    if strict:
        @event.listens_for(engine, "before_cursor_execute")
        def _no_write_in_deferred(connection, _cursor, statement, _params, _context, _many):
            if (connection.info.get(_DEFERRED) and has_request_context()
                    and statement.lstrip()[:7].upper().startswith(_WRITE_VERBS)):
                raise RuntimeError(
                    f"{request.method} {request.endpoint} writes in a deferred SQLite transaction: "
                    "mark the view with app.core.database.writes (or write through write_connection())")


def is_postgresql() -> bool:
    """True when the bound database is PostgreSQL (for the few dialect-specific statements)."""
    from app.extensions import db

    return db.engine.dialect.name == "postgresql"


def insert_ignoring(model):
    """``INSERT`` of the session's dialect, which has ``on_conflict_do_nothing`` on both databases."""
    if is_postgresql():
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)
