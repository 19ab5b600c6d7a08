"""The layer rule of the code (one package a concern, imports only downward) as part of the suite.

``make test`` runs ``lint-imports`` before pytest; this runs the same contracts (``.importlinter``)
so that a plain ``pytest`` run fails on an upward import too, and pins the order of the layers.
"""
from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAYERS = [  # highest first
    "api",
    "calendar | reports | privacy",
    "records | outcomes | guidance | (subscriptions) | (my_organisation)",
    "feedback",
    "meetings",
    "spaces",
    "accounts",
    "mail",
    "scheduling",
    "core : errors : extensions",
]


def _contracts() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def test_the_layers_are_in_the_documented_order():
    layers = _contracts()["importlinter:contract:layers"]["layers"]
    assert [line.strip() for line in layers.strip().splitlines()] == LAYERS


def test_no_module_imports_upward():
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
