"""Journey: staff add a resident space, book it, and see the conflict message when booking a
taken time, in Finnish and Swedish; axe-core on every page type visited."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for

pytestmark = pytest.mark.e2e


def _weekday_ahead(weeks: int = 3) -> date:
    """A Wednesday a few weeks ahead (inside default opening hours, not a holiday-heavy period)."""
    today = date.today()
    day = today + timedelta(days=7 * weeks + (2 - today.weekday()) % 7)
    return day


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_staff_book_a_space_and_see_the_conflict(new_page, make, browser_login, axe_check, screenshot, lang):
    _ = gettext_for(lang)
    staff = make.user("staff", locale=lang)
    page = new_page(locale=f"{lang}-FI")
    browser_login(page, staff)

    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Resident spaces")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Resident spaces"))
    axe_check(page)
    screenshot(page, f"spaces-index-{lang}")

    page.get_by_role("link", name=_("Add a space")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Add a space"))
    axe_check(page)
    page.locator("#name").fill("Kalliolan asukastila")
    page.locator("#capacity").fill("")
    page.get_by_role("main").get_by_role("button", name=exact(_("Save"))).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(_("Enter the street address."))
    expect(summary).to_contain_text(_("Enter how many people the space holds."))
    axe_check(page)
    screenshot(page, f"space-form-errors-{lang}")

    page.locator("#address").fill("Sturenkatu 11, Helsinki")
    page.locator("#capacity").fill("25")
    page.get_by_role("main").get_by_role("button", name=exact(_("Save"))).click()
    expect(page.get_by_role("status").first).to_contain_text(_("The space %(name)s was added.",
                                                               name="Kalliolan asukastila"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalliolan asukastila")
    axe_check(page)
    screenshot(page, f"space-detail-{lang}")

    day = _weekday_ahead()
    page.get_by_role("main").get_by_role("link", name=exact(_("Book"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Book %(name)s", name="Kalliolan asukastila"))
    axe_check(page)
    page.locator("#title").fill("Asukasilta")
    page.locator("#date").fill(day.isoformat())
    page.locator("#start_time").fill("17:00")
    page.locator("#end_time").fill("19:00")
    page.get_by_role("button", name=_("Check availability")).click()
    expect(page.locator("#preview")).to_contain_text(_("Free: nothing has been saved yet"))
    axe_check(page)
    page.get_by_role("button", name=exact(_("Book"))).click()
    expect(page.get_by_role("status").first).to_contain_text(_("The booking was made."))
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Bookings"))
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="Asukasilta")).to_have_count(1)
    axe_check(page)
    screenshot(page, f"space-bookings-{lang}")

    # A second booking overlapping the first is refused with the taken time spelled out.
    page.get_by_role("main").get_by_role("link", name=exact(_("Book"))).click()
    page.locator("#title").fill("Kielikahvila")
    page.locator("#date").fill(day.isoformat())
    page.locator("#start_time").fill("18:00")
    page.locator("#end_time").fill("20:00")
    page.get_by_role("button", name=exact(_("Book"))).click()
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_have_attribute("role", "alert")
    expect(conflicts.get_by_role("heading")).to_have_text(_("The space is already booked at these times"))
    expect(conflicts).to_contain_text("Asukasilta")
    expect(conflicts).to_contain_text(re.compile(r"17[.:]00"))
    expect(page.locator("#title")).to_have_value("Kielikahvila")
    axe_check(page)
    screenshot(page, f"space-booking-conflict-{lang}")

    # Nothing was saved: still one booking.
    page.get_by_role("main").get_by_role("link", name=exact(_("Back"))).click()
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="Kielikahvila")).to_have_count(0)
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="Asukasilta")).to_have_count(1)
