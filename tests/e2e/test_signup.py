"""A new person signs up, confirms the address from the mail, asks to join a demo organisation,
its contact person approves, and the new member sees My organisation; staff approve a proposed
organisation. axe-core on every new page at 390 and 1366 px."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.demo import DEMO_ORGANIZATIONS
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.helpers import exact, gettext_for, mail_link

pytestmark = pytest.mark.e2e
PASSWORD = "uusi-salasana-2026"


@pytest.fixture
def axe_both(axe_check):
    """axe-core at phone and desktop width (the layout differs, so may the findings)."""

    def check(page) -> None:
        original = page.viewport_size
        for size in VIEWPORTS.values():
            page.set_viewport_size(size)
            axe_check(page)
        page.set_viewport_size(original)

    return check


def test_sign_up_join_a_demo_organisation_and_see_it(new_page, make, browser_login, outbox, axe_both, screenshot):
    _ = gettext_for("fi")
    name, business_id, email, district = DEMO_ORGANIZATIONS[0]  # Kallion Kotiseutuyhdistys ry
    org = make.organization(name=name, business_id=business_id, email=email, district=district)
    contact = make.user("ngo", organization=org, name="Niko Järvinen", email="niko@example.org")

    page = new_page(locale="fi-FI")
    page.goto("/login")
    page.get_by_role("link", name=exact(_("Create an account"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Create an account"))
    axe_both(page)
    page.get_by_role("button", name=exact(_("Create the account"))).click()  # empty: errors first
    expect(page.get_by_role("alert")).to_be_visible()
    axe_both(page)
    page.get_by_label(_("Your name"), exact=True).fill("Uusi Ihminen")
    page.get_by_label(_("Email"), exact=True).fill("uusi.ihminen@example.org")
    page.get_by_label(_("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(_("Password again"), exact=True).fill(PASSWORD)
    page.get_by_label(_("I have read the privacy notice.")).check()
    page.get_by_role("button", name=exact(_("Create the account"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Check your email"))
    axe_both(page)
    screenshot(page, "signup-check-email")

    # Not yet: the address is unconfirmed, so there is no account to log in to.
    page.goto("/login")
    page.locator("#email").fill("uusi.ihminen@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()

    page.goto("/signup/resend")
    axe_both(page)
    page.goto("/signup/verify/not-a-real-link")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("The link does not work"))
    axe_both(page)
    [mail] = outbox(kind="signup_verify", recipient="uusi.ihminen@example.org")
    page.goto(mail_link(mail, r"^/signup/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Confirm your email address"))
    axe_both(page)
    page.get_by_role("button", name=exact(_("Confirm and create the account"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Join your organisation"))

    page.goto("/my-organisation")  # nothing yet
    expect(page.get_by_text(_("You are not a member of an organisation yet."))).to_be_visible()
    axe_both(page)
    page.get_by_role("link", name=exact(_("Join your organisation"))).click()
    page.get_by_role("searchbox", name=_("Name or business ID")).fill(business_id)
    page.get_by_role("button", name=exact(_("Search"))).click()
    expect(page.get_by_role("heading", level=3)).to_have_text(name)
    axe_both(page)
    page.get_by_label(_("Message to the contact person")).fill("Olen uusi sihteeri.")
    page.get_by_role("button", name=re.compile("^" + re.escape(_("Ask to join")))).click()
    expect(page.get_by_role("status").first).to_contain_text(name)
    axe_both(page)
    screenshot(page, "signup-join-pending")
    assert outbox(kind="join_request_received", recipient="niko@example.org")

    other = new_page(locale="fi-FI")
    browser_login(other, contact)
    other.get_by_role("navigation").get_by_role("link", name=exact(_("My organisation"))).first.click()
    expect(other.get_by_text("Olen uusi sihteeri.")).to_be_visible()
    axe_both(other)
    other.get_by_role("button", name=re.compile("^" + re.escape(_("Approve")))).click()
    expect(other.get_by_role("status").first).to_contain_text("Uusi Ihminen")
    expect(other.get_by_text(_("No one is waiting to join."))).to_be_visible()
    axe_both(other)
    screenshot(other, "my-organisation-contact")
    assert outbox(kind="join_request_approved", recipient="uusi.ihminen@example.org")

    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name=exact(_("My organisation"))).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("cell", name="Uusi Ihminen")).to_be_visible()
    axe_both(page)
    screenshot(page, "my-organisation-member")


def test_staff_approve_a_proposed_organisation(new_page, make, browser_login, outbox, axe_both, screenshot):
    _ = gettext_for("sv")
    proposer, staff = make.user("ngo", locale="sv", name="Sofia Ny"), make.user("staff", locale="sv")
    page = new_page(locale="sv-FI")
    browser_login(page, proposer)
    page.goto("/organisation/propose")
    axe_both(page)
    page.get_by_label(_("Name"), exact=True).fill("Nya Föreningen rf")
    page.get_by_label(_("Business ID (Y-tunnus)")).fill("0201256-5")  # wrong check digit
    page.get_by_label(_("Contact email")).fill("info@nya.example")
    page.get_by_role("button", name=exact(_("Send the proposal"))).click()
    expect(page.get_by_role("alert")).to_contain_text(str(_("The check digit of the business ID (Y-tunnus) is wrong.")))
    axe_both(page)
    page.get_by_label(_("Business ID (Y-tunnus)")).fill("0201256-6")
    page.get_by_role("button", name=exact(_("Send the proposal"))).click()
    expect(page.get_by_role("status").first).to_be_visible()

    desk = new_page(locale="sv-FI")
    browser_login(desk, staff)
    desk.goto("/organisation-requests")
    expect(desk.get_by_role("cell", name="Nya Föreningen rf", exact=True)).to_be_visible()
    axe_both(desk)
    screenshot(desk, "organisation-requests")
    desk.get_by_role("link", name=re.compile("^" + re.escape(_("Decline")))).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(_("Decline the proposed organisation?"))
    axe_both(desk)
    desk.get_by_role("link", name=exact(_("Keep the proposal"))).click()
    desk.get_by_role("button", name=re.compile("^" + re.escape(_("Approve")))).click()
    expect(desk.get_by_text(_("No proposed organisations are waiting."))).to_be_visible()
    assert outbox(kind="organization_proposal_approved")

    page.goto("/my-organisation")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nya Föreningen rf")
    expect(page.get_by_role("cell", name=_("Contact person"), exact=True)).to_be_visible()
