"""Engine set-up that makes SQLite safe under concurrency (DESIGN.md, "Concurrency")."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


READ_ONLY = "kohtaamo_read_only"


def read_only_session() -> None:
    """Start the request's transaction as a plain (deferred) read on SQLite; call before the first
    query of a request that only reads. On PostgreSQL nothing changes."""
    from app.extensions import db

    db.session.connection(execution_options={READ_ONLY: True})


def configure_engine(engine: Engine) -> None:
    """WAL + busy_timeout + ``BEGIN IMMEDIATE`` on SQLite.

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
        # Pure readers (calendar feeds) may opt out with the execution option READ_ONLY: under WAL
        # a deferred transaction reads a snapshot without blocking writers or the other readers.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgresql() -> bool:
    """True when the bound database is PostgreSQL (for the few dialect-specific statements)."""
    from app.extensions import db

    return db.engine.dialect.name == "postgresql"
