"""Public pages, language choice, security headers, error pages, health check."""
from __future__ import annotations

import pytest

PUBLIC_PAGES = ["/", "/login", "/accessibility", "/privacy", "/password/forgot"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_with_landmarks(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for marker in ('<html lang="fi">', 'class="skip-link" href="#main"', "<main", "<header", "<footer",
                   'href="/accessibility"', 'href="/privacy"'):
        assert marker in html


@pytest.mark.parametrize("code, heading", [("fi", "Saavutettavuusseloste"), ("sv", "Tillgänglighetsutlåtande"),
                                           ("en", "Accessibility statement")])
def test_language_switch_is_remembered(client, code, heading):
    response = client.get(f"/lang/{code}?next=/accessibility")
    assert response.status_code == 302 and response.headers["Location"] == "/accessibility"
    html = client.get("/accessibility").get_data(as_text=True)
    assert f'<html lang="{code}">' in html and heading in html
    assert f'<html lang="{code}">' in client.get("/").get_data(as_text=True)


def test_ui_strings_are_translated(client):
    client.get("/lang/sv")
    assert "Logga in" in client.get("/login").get_data(as_text=True)
    client.get("/lang/fi")
    assert "Kirjaudu sisään" in client.get("/login").get_data(as_text=True)


def test_browser_language_is_used_without_a_choice(client):
    html = client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9"}).get_data(as_text=True)
    assert '<html lang="sv">' in html


def test_unknown_language_falls_back_to_finnish(client):
    assert client.get("/lang/xx").status_code == 302
    assert '<html lang="fi">' in client.get("/?lang=de").get_data(as_text=True)


def test_language_switch_refuses_open_redirect(client):
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/lang/en?next=//evil.example/").headers["Location"] == "/"


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(client, make):
    user = make.user("ngo")
    response = client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_not_found_page_is_html_and_translated(client):
    response = client.get("/ei-ole-olemassa")
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}
