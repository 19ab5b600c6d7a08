"""Role checks for pages and services (the API has its own Bearer variant in app/api)."""
from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.errors import Forbidden


def require_staff(actor: Any, *, system_allowed: bool = False) -> None:
    """Services' check that ``actor`` is staff (or admin); raises :class:`Forbidden` otherwise.

    ``system_allowed`` lets ``None`` through: the service itself acting for a scheduled job.
    """
    if actor is None and system_allowed:
        return
    if not getattr(actor, "is_staff", False):
        raise Forbidden(_l("Only city staff may do that."))


def role_required(role: str):
    """Logged in and holding ``role`` (admin ⊇ staff ⊇ ngo); otherwise login page or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
