"""Migrations build the same schema as the models, from empty, on the suite's database."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import fresh_database_url

ROOT = Path(__file__).resolve().parents[1]


def _flask(*args: str, url: str, instance: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url, KOHTAAMO_INSTANCE=str(instance))
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_upgrade_from_empty_then_check(tmp_path):
    url = fresh_database_url(tmp_path, "migrations")
    upgrade = _flask("db", "upgrade", url=url, instance=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask("db", "check", url=url, instance=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    downgrade = _flask("db", "downgrade", "base", url=url, instance=tmp_path)
    assert downgrade.returncode == 0, downgrade.stderr
