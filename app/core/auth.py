"""Role checks for pages (the API has its own Bearer variant in app/api)."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


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
