"""Resident-space pages, one module per job: public pages (``pages``), a space's own staff pages
(``manage``), its bookings (``bookings``) and booking requests (``requests``). Thin: form →
``act(service)`` → redirect, or the form again with the refusal."""
from __future__ import annotations

from app.core.dates import timespan
from app.spaces.views import bookings, manage, pages, requests  # noqa: F401  (routes)
from app.spaces.views.common import bp, requests_bp

__all__ = ["bp", "requests_bp", "timespan"]
