"""Themes of the cooperation model: the defaults, the list and staff's edits of it."""
from __future__ import annotations

import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.audit import audit
from app.core.auth import require_staff
from app.core.validation import ErrorCollector
from app.extensions import db
from app.meetings.models import MeetingTheme

# key, fi, sv, en
DEFAULT_THEMES = (
    ("co-development", "Yhteiskehittäminen", "Samutveckling", "Co-development"),
    ("communication", "Viestintä", "Kommunikation", "Communication"),
    ("cooperation-structures", "Yhteistyön rakenteet", "Samarbetets strukturer", "Structures of cooperation"),
    ("resident-spaces", "Asukastilat", "Invånarlokaler", "Resident spaces"),
    ("grant-guidance", "Avustusneuvonta", "Understödsrådgivning", "Grant guidance"),
    ("cross-sector", "Sektorirajat ylittävä työ", "Sektorsöverskridande arbete", "Cross-sector work"),
    ("wellbeing-health", "Hyvinvointi ja terveys", "Välfärd och hälsa", "Well-being and health"),
)


def ensure_default_themes() -> list[MeetingTheme]:
    """Create the default themes that do not exist yet (by key); idempotent, never renames."""
    existing = {t.key: t for t in db.session.scalars(select(MeetingTheme))}
    position = max((t.position for t in existing.values()), default=-1) + 1
    for key, fi, sv, en in DEFAULT_THEMES:
        if key not in existing:
            theme = MeetingTheme(key=key, name_fi=fi, name_sv=sv, name_en=en, position=position, active=True)
            db.session.add(theme)
            existing[key] = theme
            position += 1
    db.session.flush()
    return list_themes()


def list_themes(*, active_only: bool = False) -> list[MeetingTheme]:
    """Themes in their display order."""
    query = select(MeetingTheme).order_by(MeetingTheme.position, MeetingTheme.id)
    if active_only:
        query = query.where(MeetingTheme.active.is_(True))
    return list(db.session.scalars(query))


def _clean_theme_names(names: dict[str, Any]) -> dict[str, str | None]:
    errors = ErrorCollector()
    out: dict[str, str | None] = {}
    for lang in ("fi", "sv", "en"):
        value = (names.get(f"name_{lang}") or "").strip() or None
        if value and len(value) > 200:
            errors.add(f"name_{lang}", _l("At most %(n)d characters.", n=200))
        out[f"name_{lang}"] = value
    if not out["name_fi"]:
        errors.add("name_fi", _l("Enter the name in Finnish."))
    errors.raise_if_any()
    return out


def create_theme(names: dict[str, Any], *, actor: Any) -> MeetingTheme:
    """Add a theme at the end of the list."""
    require_staff(actor)
    values = _clean_theme_names(names)
    position = (db.session.scalar(select(func.max(MeetingTheme.position))) or 0) + 1
    theme = MeetingTheme(key=f"theme-{uuid.uuid4().hex[:12]}", position=position, active=True, **values)
    db.session.add(theme)
    db.session.flush()
    audit(actor, "theme.create", "meeting_theme", theme.id, name=theme.name_fi)
    return theme


def update_theme(theme: MeetingTheme, names: dict[str, Any], *, actor: Any) -> MeetingTheme:
    """Rename a theme (fi/sv/en)."""
    require_staff(actor)
    values = _clean_theme_names(names)
    for key, value in values.items():
        setattr(theme, key, value)
    db.session.flush()
    audit(actor, "theme.update", "meeting_theme", theme.id, **values)
    return theme


def set_theme_active(theme: MeetingTheme, active: bool, *, actor: Any) -> MeetingTheme:
    """Deactivate (hidden from forms and filters, kept on existing series) or reactivate a theme."""
    require_staff(actor)
    theme.active = bool(active)
    db.session.flush()
    audit(actor, "theme.activate" if active else "theme.deactivate", "meeting_theme", theme.id)
    return theme


def move_theme(theme: MeetingTheme, direction: int, *, actor: Any) -> None:
    """Swap a theme with its neighbour (``direction`` -1 up, +1 down); renumbers positions."""
    require_staff(actor)
    themes = list_themes()
    index = next(i for i, t in enumerate(themes) if t.id == theme.id)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(themes):
        themes[index], themes[other] = themes[other], themes[index]
    for position, item in enumerate(themes):
        item.position = position
    db.session.flush()
    audit(actor, "theme.move", "meeting_theme", theme.id, direction=direction)

