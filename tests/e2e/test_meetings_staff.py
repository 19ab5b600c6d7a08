"""Journey: city staff create a recurring meeting series, cancel one date and mark attendance,
in Finnish and in Swedish; every page type on the way is checked with axe-core."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for

pytestmark = pytest.mark.e2e

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _next_weekday(weekday: int, weeks_ahead: int = 2) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks_ahead + (weekday - today.weekday()) % 7)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_staff_create_series_cancel_a_date_and_mark_attendance(new_page, make, browser_login, outbox, axe_check,
                                                               screenshot, lang):
    _ = gettext_for(lang)
    staff = make.user("staff", locale=lang)
    page = new_page(locale=f"{lang}-FI")
    browser_login(page, staff)

    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Manage meetings")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Manage meetings"))
    axe_check(page)
    page.get_by_role("link", name=_("New meeting series")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("New meeting series"))
    axe_check(page)
    screenshot(page, f"series-form-{lang}")

    # Saving without the required fields lists the problems and keeps what was typed.
    page.locator("#title_sv").fill("Nätverksträff i Östra Helsingfors")
    page.locator("#start_time").fill("")
    page.get_by_role("button", name=exact(_("Save"))).click()
    expect(page.get_by_role("alert")).to_contain_text(_("Enter the title in Finnish."))
    expect(page.locator("#title_fi")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title_sv")).to_have_value("Nätverksträff i Östra Helsingfors")
    axe_check(page)
    screenshot(page, f"series-form-errors-{lang}")

    first = _next_weekday(1)  # a Tuesday two weeks ahead
    page.locator("#title_fi").fill("Itä-Helsingin järjestöverkosto")
    page.locator("#start_date").fill(first.isoformat())
    page.locator("#start_time").fill("17:00")
    page.locator("#duration_minutes").fill("120")
    page.locator("#freq").select_option("WEEKLY")
    page.locator(f"input[name=byday][value={WEEKDAYS[first.weekday()]}]").check()
    page.locator("input[name=ends][value=count]").check()
    page.locator("#count").fill("4")
    page.locator("input[name=location_mode][value=address]").check()
    page.locator("#location").fill("Turunlinnantie 1, Helsinki")
    page.locator("#capacity").fill("12")
    page.locator("#status").select_option("published")

    # The server-side preview (works without JavaScript) lists the dates before saving.
    page.get_by_role("button", name=exact(_("Preview dates"))).click()
    preview = page.locator("#rrule-preview")
    expect(preview.get_by_role("heading")).to_have_text(_("Preview"))
    expect(preview.get_by_role("listitem")).to_have_count(4)
    axe_check(page)

    page.get_by_role("button", name=exact(_("Save"))).click()
    expect(page.get_by_role("status")).to_contain_text(_("The meeting series was created."))
    title = "Nätverksträff i Östra Helsingfors" if lang == "sv" else "Itä-Helsingin järjestöverkosto"
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    dates = page.get_by_role("table").get_by_role("row")
    expect(dates).to_have_count(1 + 4)
    axe_check(page)
    screenshot(page, f"series-manage-{lang}")

    series_id = int(re.search(r"/meetings/manage/(\d+)", page.url).group(1))
    occurrences = make.occurrences(SimpleNamespace(id=series_id))
    assert len(occurrences) == 4
    first_occurrence, second_occurrence = occurrences[0], occurrences[1]
    present = make.registration(first_occurrence, name="Pekka Paikalla", email="pekka@example.org")
    absent = make.registration(first_occurrence, name="Liisa Poissa", email="liisa@example.org")
    make.registration(second_occurrence, name="Ville Vahinko", email="ville@example.org", locale=lang)

    # Cancel the second date, with a reason that goes to its registrants.
    page.reload()
    second_row = page.get_by_role("table").get_by_role("row").nth(2)
    second_row.get_by_role("link", name=re.compile("^" + re.escape(_("Cancel")))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Cancel a meeting"))
    axe_check(page)
    screenshot(page, f"occurrence-cancel-{lang}")
    page.get_by_label(_("Reason (sent to the registrants)")).fill("Tila on remontissa.")
    page.get_by_role("button", name=_("Cancel this meeting")).click()
    expect(page.get_by_role("status")).to_contain_text(
        _("The meeting was cancelled and the registrants were informed."))
    second_row = page.get_by_role("table").get_by_role("row").nth(2)
    expect(second_row).to_contain_text(_("Cancelled"))
    expect(second_row).to_contain_text("Tila on remontissa.")
    expect(second_row.get_by_role("link", name=re.compile("^" + re.escape(_("Cancel"))))).to_have_count(0)
    assert [m["recipient"] for m in outbox() if "ville@example.org" == m["recipient"]], \
        "the registrant of the cancelled date is told"

    # The public series page shows the cancelled date without a registration link.
    page.get_by_role("link", name=_("Public page")).click()
    public_row = page.get_by_role("table").get_by_role("row").nth(2)
    expect(public_row).to_contain_text(_("Cancelled"))
    expect(public_row.get_by_role("link")).to_have_count(0)
    axe_check(page)
    screenshot(page, f"series-public-{lang}")

    # Attendance: not before a date has started (issue 17) ...
    page.goto(f"/meetings/occurrences/{first_occurrence.id}")
    page.get_by_role("link", name=_("Participant list (staff)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Participants"))
    expect(page.locator("#attendance-not-open")).to_be_visible()
    expect(page.get_by_role("button", name=_("Save attendance"))).to_have_count(0)
    axe_check(page)
    # ... and on one that was held yesterday.
    held = make.occurrence(start_local=(datetime.now() - timedelta(days=1)).replace(hour=10, minute=0, second=0,
                                                                              microsecond=0))
    present = make.registration(held, name="Pekka Paikalla", email="pekka@example.org")
    absent = make.registration(held, name="Liisa Poissa", email="liisa@example.org")
    page.goto(f"/meetings/occurrences/{held.id}/participants")
    page.get_by_role("group", name=_("Attendance of %(name)s", name=present.name)).get_by_label(
        _("Present")).check()
    page.get_by_role("group", name=_("Attendance of %(name)s", name=absent.name)).get_by_label(
        _("No-show")).check()
    page.get_by_role("button", name=_("Save attendance")).click()
    expect(page.get_by_role("status")).to_contain_text(_("Attendance saved (%(n)d changed).", n=2))
    expect(page.get_by_role("group", name=_("Attendance of %(name)s", name=present.name)).get_by_label(
        _("Present"))).to_be_checked()
    expect(page.get_by_role("group", name=_("Attendance of %(name)s", name=absent.name)).get_by_label(
        _("No-show"))).to_be_checked()
    axe_check(page)
    screenshot(page, f"participants-{lang}")
