"""Journey: an NGO contact registers three colleagues in one go, removes one (with a confirmation
step), and every colleague gets their own mail with their own manage link. The group page, its
errors, the confirmation page and the "send me my link again" answer are checked with axe-core at
390 and 1366 px."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for, mail_link

pytestmark = pytest.mark.e2e

COLLEAGUES = [("Aino Aaltonen", "aino@kumpula.example"), ("Bertil Berg", "bertil@kumpula.example"),
              ("Cecilia Chen", "cecilia@kumpula.example")]


def test_contact_registers_three_colleagues_edits_the_group_and_each_gets_mail(
        new_page, make, browser_login, outbox, axe_check, screenshot):
    _ = gettext_for("fi")
    org = make.organization(name="Kumpulan kyläyhdistys ry")
    contact = make.user("ngo", organization=org, email="yhteys@kumpula.example", name="Yhteys Henkilö")
    occurrence = make.occurrences(make.series(capacity=10, title_fi="Järjestöfoorumi"))[0]
    page = new_page(locale="fi-FI")
    browser_login(page, contact)
    page.goto(f"/meetings/occurrences/{occurrence.id}")
    page.get_by_role("link", name=_("Register a group from your organisation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Register a group"))
    axe_check(page)
    screenshot(page, "group-registration-empty-fi")

    # A mistake in one row: the error is next to it and nothing is saved.
    page.locator("#name-0").fill(COLLEAGUES[0][0])
    page.locator("#email-0").fill("ei-osoite")
    page.get_by_role("button", name=exact(_("Register these people"))).click()
    expect(page.get_by_role("alert").get_by_role("link")).to_contain_text(_("Enter a valid email address."))
    expect(page.locator("#email-0")).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    screenshot(page, "group-registration-errors-fi")

    for index, (name, email) in enumerate(COLLEAGUES):
        page.locator(f"#name-{index}").fill(name)
        page.locator(f"#email-{index}").fill(email)
    page.get_by_role("button", name=exact(_("Register these people"))).click()
    expect(page.get_by_role("status").first).to_contain_text("3")
    members = page.locator("#group-members")
    for name, email in COLLEAGUES:
        expect(members).to_contain_text(name)
    axe_check(page)
    screenshot(page, "group-registration-done-fi")

    # Each colleague has their own mail with their own manage link.
    links = set()
    for name, email in COLLEAGUES:
        [mail] = outbox(kind="registration_confirmed", recipient=email)
        links.add(mail_link(mail, r"^/registrations/manage/"))
    assert len(links) == 3

    # Remove Bertil: a confirmation page first.
    members.get_by_role("row").filter(has_text=COLLEAGUES[1][0]).get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Remove %(name)s from the group?",
                                                                name=COLLEAGUES[1][0]))
    axe_check(page)
    screenshot(page, "group-registration-remove-confirm-fi")
    page.get_by_role("button", name=_("Remove from the group")).click()
    expect(page).to_have_url(re.compile(rf"/meetings/occurrences/{occurrence.id}/group$"))
    expect(members).not_to_contain_text(COLLEAGUES[1][0])
    expect(members).to_contain_text(COLLEAGUES[0][0])
    assert outbox(kind="registration_cancelled", recipient=COLLEAGUES[1][1])

    # A colleague who lost the mail asks for the link again: the same answer for any address.
    other = new_page(locale="fi-FI")
    other.goto(f"/meetings/occurrences/{occurrence.id}")
    other.locator("#manage-link-email").fill(COLLEAGUES[2][1])
    other.get_by_role("button", name=_("Send me my link again")).click()
    expect(other.locator("#manage-link-sent")).to_be_visible()
    axe_check(other)
    screenshot(other, "manage-link-sent-fi")
    [again] = outbox(kind="registration_links", recipient=COLLEAGUES[2][1])
    assert mail_link(again, r"^/registrations/manage/") in links
