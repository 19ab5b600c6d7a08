"""Outcome statuses in words (fi / sv / en through the catalogues)."""
from __future__ import annotations

from flask_babel import gettext as _


def status_label(status: str | None) -> str:
    return {"open": _("Open"), "in_progress": _("In progress"), "done": _("Done"),
            "declined": _("Declined")}.get(status or "", status or "")
