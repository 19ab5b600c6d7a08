"""Journeys on the foundation pages: languages, login, organisations, profile, error pages.

Every page type is checked with axe-core (WCAG 2.1 A/AA) and photographed at mobile and desktop
width (tests/e2e/artifacts/).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import mail_link

pytestmark = pytest.mark.e2e

HEADINGS = {
    "fi": {"/accessibility": "Saavutettavuusseloste", "/privacy": "Tietosuojaseloste", "/login": "Kirjaudu sisään",
           "/password/forgot": "Unohditko salasanasi?", "/ei-ole-olemassa": "Sivua ei löytynyt"},
    "sv": {"/accessibility": "Tillgänglighetsutlåtande", "/privacy": "Dataskyddsbeskrivning", "/login": "Logga in",
           "/password/forgot": "Glömt lösenordet?", "/ei-ole-olemassa": "Sidan hittades inte"},
}


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("path", ["/", "/login", "/password/forgot", "/accessibility", "/privacy",
                                  "/ei-ole-olemassa"])
def test_public_page_types_are_accessible(new_page, axe_check, screenshot, lang, path):
    page = new_page(locale=f"{lang}-FI")
    response = page.goto(path)
    assert response.status == (404 if path == "/ei-ole-olemassa" else 200)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    if path in HEADINGS[lang]:
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[lang][path])
    # Landmarks every page type shares.
    for role in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(role)).to_have_count(1)
    axe_check(page)
    name = path.strip("/").replace("/", "-") or "home"
    screenshot(page, f"{name}-{lang}")


def test_language_switch_changes_the_page_language(page, axe_check):
    page.goto("/accessibility")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Saavutettavuusseloste")

    language_nav = page.get_by_role("navigation", name="Kieli")
    language_nav.get_by_role("link", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(re.compile(r"/accessibility$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsutlåtande")
    expect(page.get_by_role("navigation", name="Språk").get_by_role("link", name="Svenska")) \
        .to_have_attribute("aria-current", "true")
    axe_check(page)

    page.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")

    # The choice is remembered on the next page.
    page.get_by_role("link", name="Privacy notice").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tietosuojaseloste")


def test_wrong_password_shows_an_accessible_error(page, make, axe_check, screenshot):
    user = make.user("staff")
    page.goto("/login")
    page.get_by_label("Sähköposti").fill(user.email)
    page.get_by_label("Salasana").fill("not-the-password")
    page.get_by_role("main").get_by_role("button", name="Kirjaudu sisään").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Väärä sähköpostiosoite tai salasana.")
    expect(page.get_by_role("main").get_by_role("link", name="Kirjaudu sisään")).to_have_count(0)
    axe_check(page)
    screenshot(page, "login-error-fi")


@pytest.mark.parametrize("lang, texts", [
    ("fi", {"orgs": "Järjestöt", "add": "Lisää järjestö", "name": "Nimi", "business_id": "Y-tunnus",
            "email": "Yhteyssähköposti", "save": "Tallenna", "added": "lisättiin", "profile": "Profiili",
            "logout": "Kirjaudu ulos", "logged_out": "Olet kirjautunut ulos."}),
    ("sv", {"orgs": "Organisationer", "add": "Lägg till en organisation", "name": "Namn",
            "business_id": "FO-nummer", "email": "E-postadress för kontakt", "save": "Spara", "added": "lades till",
            "profile": "Profil", "logout": "Logga ut", "logged_out": "Du är utloggad."}),
])
def test_staff_adds_an_organisation_after_fixing_errors(new_page, make, browser_login, axe_check, screenshot,
                                                        lang, texts):
    make.organization(name="Kallion Nuoret ry")
    staff = make.user("staff", locale=lang)
    page = new_page(locale=f"{lang}-FI")
    browser_login(page, staff)
    expect(page.locator("html")).to_have_attribute("lang", lang)

    page.get_by_role("navigation", name=re.compile("Päävalikko|Huvudmeny")).get_by_role(
        "link", name=texts["orgs"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["orgs"])
    expect(page.get_by_role("link", name="Kallion Nuoret ry")).to_be_visible()
    axe_check(page)
    screenshot(page, f"organisations-index-{lang}")

    page.get_by_role("link", name=texts["add"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["add"])
    axe_check(page)

    # A wrong check digit and a missing email: the form comes back with both errors.
    page.get_by_label(texts["name"], exact=True).fill("Vallilan Kulttuuriyhdistys ry")
    page.get_by_label(re.compile(texts["business_id"])).fill("0201256-5")
    page.get_by_role("button", name=texts["save"]).click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(2)
    business_id = page.get_by_label(re.compile(texts["business_id"]))
    expect(business_id).to_have_attribute("aria-invalid", "true")
    expect(business_id).to_have_value("0201256-5")
    axe_check(page)
    screenshot(page, f"organisation-form-errors-{lang}")

    # The summary's link moves the focus to the field.
    summary.get_by_role("link").first.click()
    expect(page.locator("input[aria-invalid=true]").first).to_be_focused()

    business_id.fill("0201256-6")
    page.get_by_label(texts["email"]).fill("info@vallilankulttuuri.example")
    page.get_by_role("button", name=texts["save"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vallilan Kulttuuriyhdistys ry")
    expect(page.get_by_role("status")).to_contain_text(texts["added"])
    expect(page.get_by_text("0201256-6")).to_be_visible()
    axe_check(page)
    screenshot(page, f"organisation-detail-{lang}")

    page.get_by_role("link", name=staff.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["profile"])
    axe_check(page)
    screenshot(page, f"profile-{lang}")

    page.get_by_role("button", name=texts["logout"]).click()
    expect(page.get_by_role("status")).to_contain_text(texts["logged_out"])
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_ngo_user_sees_own_organisation_but_not_others(page, make, browser_login, axe_check):
    own = make.organization(name="Itäkeskuksen Seniorit ry")
    other = make.organization(name="Toinen Yhdistys ry")
    user = make.user("ngo", organization=own)
    browser_login(page, user)
    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Oma järjestö").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Itäkeskuksen Seniorit ry")
    axe_check(page)

    response = page.goto(f"/organizations/{other.id}")
    assert response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    axe_check(page)
    assert page.goto("/organizations/").status == 403


def test_keyboard_only_login_with_skip_link(page, make, axe_check):
    user = make.user("staff")
    page.goto("/login")

    # The first Tab reaches the skip link, which becomes visible and moves the focus to <main>.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Siirry pääsisältöön")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["width"] > 1, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # From <main>, Tab leads to the email field: no mouse needed.
    page.keyboard.press("Tab")
    email = page.get_by_label("Sähköposti")
    expect(email).to_be_focused()
    outline = email.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the keyboard focus must be visible"
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Salasana")).to_be_focused()
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Olet kirjautunut sisään.")
    expect(page.get_by_role("link", name=user.display_name)).to_be_visible()
    axe_check(page)


def test_forgot_password_answers_the_same_for_unknown_addresses(page, axe_check):
    page.goto("/login")
    page.get_by_role("link", name="Unohditko salasanasi?").click()
    page.get_by_label("Sähköposti").fill("nobody@example.org")
    page.get_by_role("main").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text("Jos osoite kuuluu käyttäjätilille")
    axe_check(page)


def test_password_reset_by_mail_in_swedish(new_page, make, outbox, axe_check, screenshot):
    user = make.user("ngo", locale="sv", email="anna@forening.example")
    page = new_page(locale="sv-FI")
    page.goto("/password/forgot")
    page.get_by_label("E-post").fill("anna@forening.example")
    page.get_by_role("main").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    [mail] = outbox(kind="password_reset", recipient=user.email)
    page.goto(mail_link(mail, r"^/password/reset/"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    axe_check(page)
    screenshot(page, "password-reset-sv")

    page.get_by_label("Nytt lösenord", exact=True).fill("a-new-long-password")
    page.get_by_label("Nytt lösenord igen").fill("something-else-entirely")
    page.get_by_role("main").get_by_role("button").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)

    page.get_by_label("Nytt lösenord", exact=True).fill("a-new-long-password")
    page.get_by_label("Nytt lösenord igen").fill("a-new-long-password")
    page.get_by_role("main").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Lösenord").fill("a-new-long-password")
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("status")).to_contain_text("Du är inloggad.")
