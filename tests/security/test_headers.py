"""Security headers on every response a role can get, CSP without inline scripts."""
from __future__ import annotations

from tests.security.conftest import crawl, role_client


def _script_src(csp: str) -> str:
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";") if part.strip()}
    return directives.get("script-src") or directives.get("default-src", "")


def test_every_page_has_security_headers(app, world):
    checked = 0
    for role, level, path, response in crawl(app, world):
        where = f"GET {path} as {role}"
        assert response.status_code < 500, where
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert csp, f"{where}: no Content-Security-Policy"
        script_src = _script_src(csp)
        assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, where
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp, where
        assert "base-uri 'self'" in csp, where
        assert headers.get("X-Content-Type-Options") == "nosniff", where
        assert headers.get("X-Frame-Options") == "DENY", where
        assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), where
        if response.mimetype == "text/html" and (role != "anonymous" or level == "token"):
            assert headers.get("Cache-Control") == "no-store", f"{where}: personal page cacheable"
        checked += 1
    assert checked >= 20


def test_no_inline_scripts_or_handlers_in_pages(app, world):
    """The CSP would block them anyway; catching them here keeps pages working."""
    import re

    for role, _level, path, response in crawl(app, world):
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html, flags=re.I), f"{path} as {role}: inline <script>"
        assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), f"{path} as {role}: inline event handler"
        assert "javascript:" not in html.lower(), f"{path} as {role}: javascript: URL"


def test_error_pages_have_headers(app, world):
    for path in ("/no-such-page", "/api/v1/no-such"):
        response = role_client(app, world, "anonymous").get(path)
        assert response.status_code == 404
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_hsts_when_served_over_https(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://kohtaamo.hel.fi")
    response = app.test_client().get("/")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
