"""What every response and redirect must respect: the security headers and same-site ``next`` links.

In core so that features (the login view, the calendar fast path) and the composition (``app/web.py``)
share one definition without a feature importing the composition.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
       "base-uri 'self'; object-src 'none'")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths are followed after login or a language switch."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def security_header_values(app: Flask) -> list[tuple[str, str]]:
    """The security headers of every response (the calendar fast path sends them too)."""
    values = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
              ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"),
              ("Permissions-Policy", "geolocation=(), camera=(), microphone=()")]
    if app.config["BASE_URL"].startswith("https://"):
        values.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return values
