"""Configuration from the environment."""
from __future__ import annotations

import multiprocessing

from app import _persistent_secret_key
from config import database_url


def test_database_url_normalisation():
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(None).startswith("sqlite:///") and database_url(None).endswith("instance/kohtaamo.db")


def test_secret_key_is_generated_once_and_persisted(tmp_path):
    first = _persistent_secret_key(tmp_path)
    assert len(first) == 64 and first == _persistent_secret_key(tmp_path)
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first != _persistent_secret_key(tmp_path / "other")


def _read_key(path, queue):
    queue.put(_persistent_secret_key(path))


def test_concurrent_first_start_agrees_on_one_key(tmp_path):
    queue = multiprocessing.get_context("spawn").Queue()
    procs = [multiprocessing.get_context("spawn").Process(target=_read_key, args=(tmp_path, queue)) for _ in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(30)
    keys = {queue.get(timeout=5) for _ in procs}
    assert len(keys) == 1
