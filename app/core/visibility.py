"""One gate for every route that takes the id of something not everyone may see.

Features register, per path parameter name (``series_id``, ``occurrence_id``, ``proposal_id``),
a check that raises ``NotFound`` when the viewer may not see the object. ``install`` runs the
checks for every request before any view (HTML and API alike), so a route added later with such
a parameter is covered without remembering to call anything.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Flask

Check = Callable[[int, Any], None]
_CHECKS: dict[str, Check] = {}


def register(param: str, check: Check) -> None:
    """``check(id, viewer)`` raises NotFound when ``viewer`` may not see the object ``id``."""
    _CHECKS[param] = check


def check_path(values: dict[str, Any] | None, viewer_for: Callable[[], Any]) -> None:
    """Run every registered check whose parameter is in the request's path values."""
    if not values:
        return
    wanted = [(name, values[name]) for name in _CHECKS if isinstance(values.get(name), int)]
    if not wanted:
        return
    viewer = viewer_for()
    for name, value in wanted:
        _CHECKS[name](value, viewer)


def install(app: Flask, viewer_for: Callable[[], Any]) -> None:
    """Check path ids before every view (``viewer_for`` says who is asking)."""

    from flask import request

    # A before_request hook (not a URL value preprocessor) so that blueprints' preprocessors, which
    # run first, can still choose how the request's transaction starts (read-only calendar feeds).
    @app.before_request
    def _check_visibility() -> None:
        check_path(request.view_args, viewer_for)
