"""Journeys: an NGO person registers for a meeting and cancels, in Finnish and Swedish, with the
mouse and with the keyboard only; the meeting, form, manage, cancel and "my registrations" pages
are checked with axe-core and photographed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for, mail_link, tab_to

pytestmark = pytest.mark.e2e

TITLES = {"title_fi": "Kaupungin ja järjestöjen verkostotapaaminen",
          "title_sv": "Nätverksträff för staden och organisationerna",
          "title_en": "City and NGO networking meeting"}


def test_visitor_registers_without_an_account_and_cancels_by_the_mail_link(new_page, make, outbox, axe_check,
                                                                            screenshot):
    _ = gettext_for("fi")
    org = make.organization(name="Kontulan Asukasyhdistys ry")
    occurrence = make.occurrences(make.series(capacity=10, **TITLES))[0]
    page = new_page(locale="fi-FI")
    # From the public list of meetings to the date's page.
    page.goto("/")
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Meetings")).click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    axe_check(page)
    screenshot(page, "meetings-index-fi")
    page.get_by_role("link", name=TITLES["title_fi"]).first.click()
    expect(page).to_have_url(re.compile(rf"/meetings/occurrences/{occurrence.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES["title_fi"])
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    axe_check(page)
    screenshot(page, "meeting-registration-form-fi")

    # Sending the form empty: every problem is listed and tied to its field.
    page.get_by_role("button", name=exact(_("Register"))).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(_("Enter your name."))
    expect(summary).to_contain_text(_("Accept the processing of your personal data to register."))
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    screenshot(page, "meeting-registration-errors-fi")

    page.locator("#name").fill("Maija Meikäläinen")
    page.locator("#email").fill("maija@kontula.example")
    page.locator("#organization_id").select_option(label=org.name)
    page.locator("#needs").fill("Gluteeniton ruokavalio")
    page.locator("#consent").check()
    page.get_by_role("button", name=exact(_("Register"))).click()

    # The answer is the same for a new and an already registered address: "check your email".
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Check your email"))
    axe_check(page)
    screenshot(page, "registration-received-fi")

    [mail] = outbox(kind="registration_confirmed", recipient="maija@kontula.example")
    manage_path = mail_link(mail, r"^/registrations/manage/")
    page.goto(manage_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Your registration"))
    expect(page.get_by_role("main")).to_contain_text(_("Confirmed"))
    axe_check(page)
    screenshot(page, "registration-manage-fi")

    # Later, from the mail: cancel, with a confirmation step.
    page.goto(manage_path)
    page.get_by_role("link", name=_("Cancel my registration")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Cancel registration"))
    axe_check(page)
    screenshot(page, "registration-cancel-fi")
    page.get_by_role("button", name=_("Yes, cancel the registration")).click()
    expect(page.locator(".flashes[role=status]")).to_contain_text(
        _("Your registration was cancelled. A confirmation was sent by email."))
    expect(page.get_by_role("link", name=_("Cancel my registration"))).to_have_count(0)
    assert outbox(kind="registration_cancelled", recipient="maija@kontula.example")

    # The seat is free again on the meeting page.
    page.get_by_role("link", name=_("Meeting page")).click()
    expect(page.get_by_role("main")).to_contain_text(_("%(free)d of %(capacity)d", free=10, capacity=10))


def test_ngo_member_registers_in_swedish_and_cancels_from_my_registrations(new_page, make, browser_login,
                                                                            axe_check, screenshot):
    _ = gettext_for("sv")
    org = make.organization(name="Svenska Föreningen i Helsingfors rf")
    user = make.user("ngo", organization=org, locale="sv", name="Anna Andersson")
    occurrence = make.occurrences(make.series(capacity=1, **TITLES))[0]
    make.registration(occurrence)  # the only seat is taken: Anna joins the waiting list
    page = new_page(locale="sv-FI")
    browser_login(page, user)

    # The list of meetings, the series page, then the first date's registration.
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Meetings")).click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    axe_check(page)
    screenshot(page, "meetings-index-sv")
    page.get_by_role("link", name=re.compile("^" + re.escape(_("About the series")))).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES["title_sv"])
    axe_check(page)
    screenshot(page, "series-detail-sv")
    page.get_by_role("table").get_by_role("link", name=re.compile("^" + re.escape(_("Register")))).first.click()
    expect(page).to_have_url(re.compile(rf"/meetings/occurrences/{occurrence.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES["title_sv"])
    expect(page.get_by_role("main")).to_contain_text(_("You register as %(name)s (%(email)s).",
                                                       name="Anna Andersson", email=user.email))
    axe_check(page)
    screenshot(page, "meeting-quick-registration-sv")
    page.get_by_role("button", name=exact(_("Join the waiting list"))).click()
    expect(page.get_by_role("main")).to_contain_text(_("On the waiting list"))
    axe_check(page)

    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("My registrations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("My registrations"))
    row = page.get_by_role("row").filter(has_text=TITLES["title_sv"])
    expect(row).to_contain_text(_("On the waiting list"))
    axe_check(page)
    screenshot(page, "my-registrations-sv")

    row.get_by_role("link", name=re.compile(re.escape(_("Cancel")))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Cancel registration"))
    axe_check(page)
    page.get_by_role("button", name=_("Yes, cancel the registration")).click()
    expect(page.locator(".flashes[role=status]")).to_contain_text(_("The registration was cancelled."))
    expect(row).to_contain_text(_("Cancelled"))
    expect(row.get_by_role("link", name=re.compile(re.escape(_("Cancel"))))).to_have_count(0)
    axe_check(page)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_keyboard_only_user_completes_registration(new_page, make, outbox, axe_check, lang):
    """No mouse: Tab moves through the form in reading order, Space ticks, Enter submits."""
    _ = gettext_for(lang)
    org = make.organization(name="Näkövammaisten Tuki ry")
    occurrence = make.occurrences(make.series(**TITLES))[0]
    page = new_page(locale=f"{lang}-FI")
    page.goto(f"/meetings/occurrences/{occurrence.id}")

    # Skip link first, then straight into the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=_("Skip to main content"))).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Every field is one Tab after the previous one: the focus order is the reading order.
    steps = [("#name", "Kim Keyboard"), ("#email", "kim@keyboard.example"), ("#organization_id", "select"),
             ("#organization_name", None), ("#seats", None), ("#needs", None),
             ("#show_on_participant_list", None), ("#consent", "check")]
    # From <main>, past the meeting's own links (calendar, privacy), to the first field.
    presses = [tab_to(page, page.locator(steps[0][0]), limit=10)]
    for index, (selector, action) in enumerate(steps):
        field = page.locator(selector)
        if index:
            page.keyboard.press("Tab")
            expect(field).to_be_focused()
        assert field.evaluate("el => getComputedStyle(el).outlineStyle") != "none", \
            f"{selector}: the keyboard focus must be visible"
        if action == "select":
            # A closed <select> follows the arrow keys (the only organisation is the second option).
            page.keyboard.press("ArrowDown")
            expect(field).to_have_value(str(org.id))
        elif action == "check":
            page.keyboard.press("Space")
            expect(field).to_be_checked()
        elif action:
            page.keyboard.type(action)
    presses.append(tab_to(page, page.get_by_role("button", name=exact(_("Register"))), limit=3))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(_("Check your email"))
    [mail] = outbox(kind="registration_confirmed", recipient="kim@keyboard.example")
    page.goto(mail_link(mail, r"^/registrations/manage/"))
    expect(page.get_by_role("main")).to_contain_text("Kim Keyboard")
    assert presses[1] == 2, presses  # from the consent box past its privacy-notice link to the button
    axe_check(page)
