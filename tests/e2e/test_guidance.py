"""Journey: staff publish a month of guidance hours (Finnish), an NGO user books a slot and moves it
(Swedish), the adviser sees it in their day view and in their own calendar feed, and the
cooperation report counts it. axe-core on every guidance page type; screenshots at two widths."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for

pytestmark = pytest.mark.e2e

TITLE_FI, TITLE_SV = "Avustusneuvonta järjestöille", "Bidragsrådgivning för föreningar"
QUESTION = "Vi söker verksamhetsunderstöd för 2027"


def _next_tuesday() -> date:
    today = date.today()
    return today + timedelta(days=7 + (1 - today.weekday()) % 7)


def test_publish_book_move_day_view_feed_and_report(new_page, make, browser_login, axe_check, screenshot, outbox):
    fi, sv = gettext_for("fi"), gettext_for("sv")
    adviser = make.user("staff", name="Niina Neuvoja", locale="fi")
    org = make.organization(name="Föreningen Svenska Hem rf", district="southern")
    ngo = make.user("ngo", organization=org, name="Sofia Nyström", locale="sv")
    first = _next_tuesday()

    # --- staff publish a month of Tuesdays 9–11, 30-minute appointments --------------------------
    staff_page = new_page(locale="fi-FI")
    browser_login(staff_page, adviser)
    staff_page.get_by_role("navigation", name=fi("Main")).get_by_role("link", name=fi("Guidance hours")).click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(fi("Guidance hours"))
    expect(staff_page.get_by_role("main")).to_contain_text(fi("No guidance hours are open for booking at the moment."))
    axe_check(staff_page)
    staff_page.get_by_role("link", name=fi("Manage guidance hours")).click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(fi("Manage guidance hours"))
    axe_check(staff_page)
    staff_page.get_by_role("link", name=fi("Publish guidance hours")).click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(fi("Publish guidance hours"))
    axe_check(staff_page)
    screenshot(staff_page, "guidance-form-fi")

    # A slot length that does not divide the window is refused, the form re-shown with the reason.
    staff_page.locator("#title_fi").fill(TITLE_FI)
    staff_page.locator("#title_sv").fill(TITLE_SV)
    staff_page.locator("#title_en").fill("Grant advice for NGOs")
    staff_page.locator("#first_date").fill(first.isoformat())
    staff_page.locator("#start_time").fill("09:00")
    staff_page.locator("#end_time").fill("11:00")
    staff_page.locator("#slot_minutes").fill("45")
    staff_page.locator("#repeat").select_option("WEEKLY")
    staff_page.locator("#until").fill((first + timedelta(days=28)).isoformat())
    staff_page.get_by_role("button", name=exact(fi("Publish"))).click()
    expect(staff_page.get_by_role("alert")).to_contain_text(fi(
        "The slot length must divide the guidance hour evenly: %(d)d minutes cannot be cut into %(s)d-minute slots.",
        d=120, s=45))
    axe_check(staff_page)
    staff_page.locator("#slot_minutes").fill("30")
    staff_page.locator("#question_fi").fill("Mitä avustusta olette hakemassa?")
    staff_page.locator("#question_sv").fill("Vilket understöd ansöker ni om?")
    staff_page.get_by_role("button", name=exact(fi("Publish"))).click()
    expect(staff_page.get_by_role("status")).to_contain_text(fi("The guidance hours were published: %(n)d dates.", n=5))
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(TITLE_FI)
    axe_check(staff_page)
    screenshot(staff_page, "guidance-manage-detail-fi")

    # --- an NGO user books the first slot, then moves it to the next one (Swedish) ---------------
    page = new_page(locale="sv-FI")
    browser_login(page, ngo)
    page.get_by_role("navigation", name=sv("Main")).get_by_role("link", name=sv("Guidance hours")).click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.get_by_role("link", name=TITLE_SV).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_SV)
    axe_check(page)
    screenshot(page, "guidance-slots-sv")
    page.get_by_role("link", name=re.compile(r"^9\.00–9\.30")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Book a guidance appointment"))
    expect(page.get_by_label("Vilket understöd ansöker ni om?")).to_be_visible()
    axe_check(page)
    screenshot(page, "guidance-book-sv")
    page.get_by_label("Vilket understöd ansöker ni om?").fill(QUESTION)
    page.get_by_role("button", name=exact(sv("Book"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Your guidance appointment"))
    expect(page.get_by_role("status")).to_contain_text(ngo.email)
    expect(page.get_by_role("main")).to_contain_text("9.00–9.30")
    axe_check(page)
    screenshot(page, "guidance-manage-sv")
    [mail] = outbox(kind="guidance_booked", recipient=ngo.email)
    assert "Bidragsrådgivning" in mail["subject"]

    page.get_by_role("link", name=sv("Move to another time")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Move appointment"))
    axe_check(page)
    page.get_by_role("radio").first.check()  # the first free slot: 9.30–10.00 on the same day
    page.get_by_role("button", name=sv("Move the appointment")).click()
    expect(page.get_by_role("status")).to_contain_text(
        sv("Your appointment was moved. An updated calendar invitation was sent by email."))
    expect(page.get_by_role("main")).to_contain_text("9.30–10.00")
    assert outbox(kind="guidance_moved", recipient=ngo.email)

    # The public list now shows 9.00 free again and 9.30 booked, without the booker's name.
    page.get_by_role("link", name=sv("Guidance hour page")).click()
    expect(page.get_by_role("link", name=re.compile(r"^9\.00–9\.30")).first).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Sofia")

    # The guidance page lists the user's own appointment with its manage link.
    page.get_by_role("navigation", name=sv("Main")).get_by_role("link", name=sv("Guidance hours")).click()
    expect(page.get_by_role("heading", name=sv("My guidance appointments"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(re.escape(TITLE_SV) + r".*9\.30–10\.00"))).to_be_visible()
    axe_check(page)
    screenshot(page, "guidance-index-mine-sv")

    # --- the adviser's day view and calendar feed ------------------------------------------------
    staff_page.goto(f"/guidance/day?date={first.isoformat()}")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(fi("My guidance day"))
    main = staff_page.get_by_role("main")
    expect(main).to_contain_text("Sofia Nyström")
    expect(main).to_contain_text(QUESTION)
    expect(main).to_contain_text(org.name)
    expect(main).to_contain_text("9.30–10.00")
    axe_check(staff_page)
    screenshot(staff_page, "guidance-day-fi")
    feed_url = staff_page.locator("#adviser-feed-url").input_value()
    feed_path = re.sub(r"^https?://[^/]+", "", feed_url)
    feed = staff_page.request.get(feed_path)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    body = feed.text().replace("\r\n ", "")
    assert "Sofia Nyström" in body and QUESTION in body
    assert f"DTSTART;TZID=Europe/Helsinki:{first.strftime('%Y%m%d')}T093000" in body

    # --- the cooperation report counts it --------------------------------------------------------
    period = f"from={date.today().isoformat()}&to={(first + timedelta(days=40)).isoformat()}"
    staff_page.goto(f"/reports/cooperation?{period}")
    table = staff_page.locator("#table-guidance")
    expect(table.get_by_role("row", name=re.compile(re.escape(fi("Guidance appointments")) + r"\s+1$"))
           ).to_have_count(1)
    axe_check(staff_page)
    screenshot(staff_page, "guidance-report-fi")
