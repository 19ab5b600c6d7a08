"""The Calendars page (feed subscriptions) and the profile's personal feed, in Finnish and
Swedish: axe-core, screenshots, and the feed links really serve iCalendar."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import gettext_for

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_calendars_page_and_personal_feed(new_page, make, browser_login, axe_check, screenshot, lang):
    _ = gettext_for(lang)
    make.series(title_fi="Järjestöaamu", title_sv="Organisationsmorgon")
    user = make.user("ngo", locale=lang)
    page = new_page(locale=f"{lang}-FI")

    page.goto("/calendar/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Calendars"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=3)).to_contain_text(
        ["Organisationsmorgon" if lang == "sv" else "Järjestöaamu"])
    axe_check(page)
    screenshot(page, f"calendars-{lang}")

    # Every https subscription link on the page answers with a calendar.
    hrefs = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => new URL(a.href)).filter(u => u.hostname === 'kohtaamo.test'"
        " && u.pathname.endsWith('.ics')).map(u => u.pathname + u.search)")
    assert hrefs
    for href in sorted(set(hrefs))[:3]:
        response = page.request.get(href)
        assert response.status == 200 and response.headers["content-type"].startswith("text/calendar"), href
        assert response.text().startswith("BEGIN:VCALENDAR")

    browser_login(page, user)
    page.goto("/profile")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Profile"))
    axe_check(page)
    screenshot(page, f"profile-calendar-feed-{lang}")
