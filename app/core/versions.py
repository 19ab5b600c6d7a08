"""Content versions: one counter per kind of public content, bumped in the same transaction as
any change to it, so that a cache can ask "has anything changed?" with ONE indexed row read
instead of a scan, and every edit is seen by every worker (and host) at the moment it commits.

Features declare what each counter covers with :func:`watch` (tables). Session events see every
ORM insert, update or delete of those tables (objects flushed, and ``insert()/update()/delete()``
statements run through the session) and, just before the commit, bump each touched counter with
one upsert. The bump is the transaction's last statement, taken in name order: on PostgreSQL the
counter's row lock is held only while committing, so it cannot be part of a deadlock.
Writes that bypass the session (``engine.begin()``, raw SQL text) are not seen.

A new value is ``max(old + 1, now in microseconds)``: values never repeat, even after the table
is emptied or restored from a backup, so a cache keyed by a value can never serve old content.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

from sqlalchemy import BigInteger, String, case, event, inspect, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

_PENDING = "kohtaamo_versions_touched"
_WATCHED: dict[str, set[str]] = {}  # table name → counter names
_CACHE_CLEARERS: list[Callable[[], None]] = []


class ContentVersion(db.Model):
    """The current version of one kind of content (e.g. ``meetings``)."""

    __tablename__ = "content_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


_NARROW: dict[str, tuple[frozenset[str], str]] = {}  # table name → (columns, counter name)


def _table_name(table) -> str:
    return getattr(table, "__tablename__", None) or table.name


def watch(name: str, tables: Iterable) -> None:
    """Bump ``name`` whenever a row of one of ``tables`` (models or Table objects) changes."""
    for table in tables:
        _WATCHED.setdefault(_table_name(table), set()).add(name)


def watch_columns(name: str, table, columns: Iterable[str]) -> None:
    """An update of ``table`` that changes nothing but ``columns`` bumps ``name`` INSTEAD of the
    table's other counters (e.g. free seats: shown by the pages, not by the feeds)."""
    _NARROW[_table_name(table)] = (frozenset(columns), name)
    _WATCHED.setdefault(_table_name(table), set())


def on_clear(clear: Callable[[], None]) -> None:
    """Register a process-local cache to forget in :func:`clear_caches`."""
    _CACHE_CLEARERS.append(clear)


def clear_caches() -> None:
    """Forget every cache keyed by versions (tests, after emptying the database)."""
    for clear in _CACHE_CLEARERS:
        clear()


def versions(*names: str, engine=None) -> tuple[int, ...]:
    """The current values of ``names`` (0 for a counter never bumped): ONE statement, sent on a
    pooled DBAPI connection of its own, outside the request's transaction and the ORM (this runs
    on every request a cache answers, so its cost is the cache's cost). Reading outside the
    request's transaction is safe: whatever is rendered after it is at least as new."""
    sql = _SQL.get(names)
    if sql is None:
        if not all(_NAME.fullmatch(name) for name in names):
            raise ValueError(f"bad content version name in {names!r}")
        sql = _SQL[names] = ("SELECT name, version FROM content_versions WHERE name IN ("
                             + ", ".join(f"'{name}'" for name in names) + ")")
    engine = engine if engine is not None else db.engine
    raw = engine.raw_connection()
    try:
        postgresql = engine.dialect.name == "postgresql"
        driver = raw.driver_connection
        if postgresql:
            driver.autocommit = True  # one round trip, no BEGIN/ROLLBACK
        try:
            cursor = raw.cursor()
            cursor.execute(sql)
            found = dict(cursor.fetchall())
            cursor.close()
        finally:
            if postgresql:
                driver.autocommit = False
    finally:
        raw.close()  # back to the pool
    return tuple(found.get(name, 0) for name in names)


_NAME = re.compile(r"[a-z_]{1,40}")
_SQL: dict[tuple[str, ...], str] = {}


def version(name: str) -> int:
    """The current value of one counter."""
    return versions(name)[0]


def touch(session: Session, *names: str) -> None:
    """Mark ``names`` as changed by the session's transaction (for changes the events cannot see)."""
    session.info.setdefault(_PENDING, set()).update(names)


def _names_for(table_name: str | None, columns: set[str] | None = None) -> set[str]:
    """The counters a change of ``table_name`` bumps; ``columns``: the updated ones (None: any)."""
    narrow = _NARROW.get(table_name) if table_name else None
    if narrow is not None and columns is not None and columns <= narrow[0]:
        return {narrow[1]}
    return _WATCHED.get(table_name, set()) if table_name else set()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if not _WATCHED:
        return
    names: set[str] = set()
    for obj in (*session.new, *session.deleted):
        names |= _names_for(getattr(type(obj), "__tablename__", None))
    for obj in session.dirty:
        table_name = getattr(type(obj), "__tablename__", None)
        if table_name not in _WATCHED or not session.is_modified(obj, include_collections=True):
            continue
        state = inspect(obj)
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        names |= _names_for(table_name, changed)
    if names:
        touch(session, *names)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table_name = getattr(getattr(state.statement, "table", None), "name", None)
        if table_name not in _WATCHED:
            return
        columns = None
        if state.is_update:
            values = getattr(state.statement, "_values", None) or {}
            columns = {getattr(key, "key", key) for key in values} or None
        names = _names_for(table_name, columns)
        if names:
            touch(state.session, *names)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outermost commit bumps
        return
    if session.info.get(_PENDING) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # the commit's own flush comes after this event: see its changes now
    names = session.info.pop(_PENDING, None)
    if not names:
        return
    table = ContentVersion.__table__
    stamp = time.time_ns() // 1000
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for name in sorted(names):
        statement = insert(table).values(name=name, version=stamp)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.name],
            set_={"version": case((table.c.version + 1 > literal(stamp), table.c.version + 1),
                                  else_=literal(stamp))})
        session.execute(statement)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost one: committed (bumped) or rolled back
        session.info.pop(_PENDING, None)
