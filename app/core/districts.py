"""Helsinki's major districts (suurpiirit), used for organisations, spaces and reach reports."""
from __future__ import annotations

# key → (fi, sv, en); keys are stable identifiers stored in the database and used by the API.
DISTRICTS: dict[str, tuple[str, str, str]] = {
    "southern": ("Eteläinen", "Södra", "Southern"),
    "western": ("Läntinen", "Västra", "Western"),
    "central": ("Keskinen", "Mellersta", "Central"),
    "northern": ("Pohjoinen", "Norra", "Northern"),
    "northeastern": ("Koillinen", "Nordöstra", "North-Eastern"),
    "southeastern": ("Kaakkoinen", "Sydöstra", "South-Eastern"),
    "eastern": ("Itäinen", "Östra", "Eastern"),
    "ostersundom": ("Östersundom", "Östersundom", "Östersundom"),
}

_LOCALE_INDEX = {"fi": 0, "sv": 1, "en": 2}


def district_name(key: str | None, locale: str = "fi") -> str:
    """The district's name in ``locale``; empty for no district."""
    if not key or key not in DISTRICTS:
        return ""
    return DISTRICTS[key][_LOCALE_INDEX.get(locale, 0)]


def district_choices(locale: str = "fi") -> list[tuple[str, str]]:
    """(key, name) pairs sorted by name, for select fields."""
    return sorted(((k, district_name(k, locale)) for k in DISTRICTS), key=lambda kv: kv[1])
