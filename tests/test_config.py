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


def test_base_url_follows_host_and_port_when_not_set():
    from config import default_base_url
    assert default_base_url({}) == "http://127.0.0.1:5000"
    assert default_base_url({"PORT": "5101"}) == "http://127.0.0.1:5101"
    assert default_base_url({"HOST": "localhost", "PORT": "8080"}) == "http://localhost:8080"
    assert default_base_url({"HOST": "0.0.0.0", "PORT": "5101"}) == "http://127.0.0.1:5101"
    assert default_base_url({"HOST": "::1"}) == "http://[::1]:5000"
    assert default_base_url({"BASE_URL": "https://kohtaamo.hel.fi/", "PORT": "5101"}) == "https://kohtaamo.hel.fi"


def test_port_of_make_run_reaches_the_links(tmp_path):
    """`PORT=5101 make run`: the flask commands get PORT, and the app's links carry it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    dry = subprocess.run(["make", "-n", "run", "PORT=5101"], cwd=root, capture_output=True, text=True, check=True)
    commands = [line for line in dry.stdout.splitlines() if "flask --app wsgi" in line]
    assert commands and all("PORT=5101" in line for line in commands)
    assert any("--port 5101" in line for line in commands)
    env = {k: v for k, v in os.environ.items() if k not in {"BASE_URL", "HOST"}}
    env.update(PORT="5101", KOHTAAMO_INSTANCE=str(tmp_path))
    code = "from config import Config; print(Config.BASE_URL)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "http://127.0.0.1:5101"
