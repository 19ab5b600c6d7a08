"""Every UI string is translated into Finnish, Swedish and English, placeholders intact."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_catalogue_is_complete(lang):
    missing, broken = [], []
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(ids[0])
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            broken.append(ids[0])
    assert not missing, f"untranslated in {lang}: {missing[:10]}"
    assert not broken, f"placeholders differ in {lang}: {broken[:10]}"


def test_catalogues_cover_every_string_in_the_code(tmp_path):
    """The .pot extracted now has no msgid that the catalogues lack (run `make extract-translations`)."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "_", "--ignore-dirs", ".*", "--no-location", "--omit-header",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("fi") if m.id}
    assert not sorted(wanted - have), f"run `make extract-translations`: {sorted(wanted - have)[:10]}"
