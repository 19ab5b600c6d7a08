"""The file store: random keys, atomic writes, no path tricks."""
from __future__ import annotations

import pytest

from app.records.storage import LocalStorage, new_key


def test_save_open_delete(tmp_path):
    store = LocalStorage(tmp_path)
    key = new_key()
    store.save(key, b"hello")
    assert store.exists(key)
    with store.open(key) as handle:
        assert handle.read() == b"hello"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]  # no temporary file left behind
    store.delete(key)
    store.delete(key)  # twice is fine
    assert not store.exists(key)


@pytest.mark.parametrize("key", ["../secret_key", "a/b", "", "..", "abc.def"])
def test_keys_cannot_leave_the_directory(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).save(key, b"x")


def test_keys_are_random():
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100 and all(len(k) == 32 for k in keys)
