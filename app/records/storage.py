"""Where material files live: a small storage interface, files under ``instance/`` by default.

The web server never serves this directory: downloads go through a view that checks who may
see the file. ``MATERIALS_DIR`` moves it (e.g. to a shared volume when several hosts run the app);
another backend (object storage) only needs ``save``, ``open`` and ``delete``.

Files follow the database transaction: a file written for a row that is rolled back is removed
again, and a file whose row is deleted is removed only after the delete is committed.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

_NEW = "records_new_files"
_DOOMED = "records_doomed_files"


class MaterialStorage(Protocol):
    """What the materials feature needs from a file store."""

    def save(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files in a directory tree: ``<root>/<first two characters of the key>/<key>``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # keys are generated hex; anything else is a bug or an attack
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key[:2] / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary name and renamed: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def new_key() -> str:
    """128 random bits: nobody can guess another file's key."""
    return secrets.token_hex(16)


def get_storage() -> MaterialStorage:
    """The app's storage (created on first use from ``MATERIALS_DIR``, default ``instance/materials``)."""
    storage = current_app.extensions.get("materials_storage")
    if storage is None:
        root = current_app.config.get("MATERIALS_DIR") or os.path.join(current_app.instance_path, "materials")
        storage = current_app.extensions["materials_storage"] = LocalStorage(root)
    return storage


def save_with_transaction(session: Session, storage: MaterialStorage, key: str, data: bytes) -> None:
    """Write the file now; remove it again if the session's transaction does not commit."""
    storage.save(key, data)
    session.info.setdefault(_NEW, []).append((storage, key))


def delete_after_commit(session: Session, storage: MaterialStorage, key: str) -> None:
    """Remove the file once the deletion of its row is committed (kept on rollback)."""
    session.info.setdefault(_DOOMED, []).append((storage, key))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NEW, None)
    for storage, key in session.info.pop(_DOOMED, []):
        try:
            storage.delete(key)
        except OSError:
            pass  # an orphan file is harmless; a failed request after the commit is not


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return  # only the outermost transaction decides
    for storage, key in session.info.pop(_NEW, []):  # still here: the transaction did not commit
        try:
            storage.delete(key)
        except OSError:
            pass
    session.info.pop(_DOOMED, None)
