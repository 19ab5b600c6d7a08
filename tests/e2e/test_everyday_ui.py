"""Issue 17 (everyday use) in a real browser: every reachable page of every role checked with axe at
phone and desktop width, and the pages the walk-through found wanting — the series form's preview,
the confirmation page, the staff menu, participants and week grid on a phone, the profile after a
token, the report's scrolling tables — photographed (tests/e2e/artifacts/)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, VIEWPORTS, assert_reflows
from tests.e2e.helpers import exact, gettext_for, mail_link

HELSINKI = ZoneInfo("Europe/Helsinki")

pytestmark = pytest.mark.e2e

HEL = ZoneInfo("Europe/Helsinki")
PHONE, DESKTOP = VIEWPORTS["mobile"], VIEWPORTS["desktop"]
# Links that are not pages to check: downloads, feeds, the API, leaving the site, signing out.
SKIP = re.compile(r"(\.ics|\.csv|\.xlsx|\.json)(\?|$)|^/api/|^/lang/|/export|/logout|^/calendar/u/|^/static/")
MAX_PAGES = 120


def _setup(make, app):
    org = make.organization(name="Kontulan Asukasyhdistys ry")
    ngo = make.user("ngo", organization=org, locale="fi")
    staff = make.user("staff", locale="fi")
    space = make.space(name="Kontulan asukastila")
    today = date.today()
    start = datetime.combine(today + timedelta(days=8), datetime.min.time()).replace(hour=17)
    series = make.series(start_local=start, occurrences=2, space_id=space.id,
                         title_sv="Nätverksträff", title_en="Networking meeting")
    occurrence = make.occurrences(series)[0]
    make.registration(occurrence, organization_id=org.id, name="Maija Meikäläinen")
    make.registration(occurrence, status="waitlisted", name="Ville Virtanen")
    return org, ngo, staff, space, series, occurrence


def _crawl(page, axe_check, start_paths: list[str]) -> list[str]:
    """Breadth-first over same-site links; one page per URL shape (ids replaced), axe at both widths."""
    seen_shapes: set[str] = set()
    queue = list(start_paths)
    visited: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", urlsplit(path).path) + "?" + ",".join(
            sorted(p.split("=")[0] for p in urlsplit(path).query.split("&") if p))
        if shape in seen_shapes or SKIP.search(path):
            continue
        seen_shapes.add(shape)
        response = page.goto(path)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            axe_check(page)
            if size is PHONE:
                assert_reflows(page, path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith("//"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return visited


@pytest.mark.parametrize("role", ["anonymous", "ngo", "staff"])
def test_every_reachable_page_passes_axe_at_phone_and_desktop_width(new_page, make, app, browser_login,
                                                                     axe_check, role):
    _org, ngo, staff, _space, _series, _occurrence = _setup(make, app)
    page = new_page(locale="fi-FI")
    if role != "anonymous":
        browser_login(page, ngo if role == "ngo" else staff)
    visited = _crawl(page, axe_check, ["/", "/meetings", "/spaces/", "/calendar/", "/profile",
                                       "/registrations/mine"])
    print(f"\n{role}: {len(visited)} page shapes checked at 390 and 1366 px")
    assert len(visited) >= (8 if role == "anonymous" else 14), visited


def test_series_form_preview_counts_checks_the_space_and_shows_only_fitting_fields(
        new_page, make, app, browser_login, axe_check, screenshot):
    _ = gettext_for("fi")
    staff = make.user("staff", locale="fi")
    space = make.space(name="Kalasataman asukastila")
    first = date.today() + timedelta(days=14 + (1 - date.today().weekday()) % 7)  # a Tuesday
    taken = datetime.combine(first + timedelta(days=7), datetime.min.time(), HEL).replace(hour=17, minute=30)
    make.booking(space, taken, taken + timedelta(minutes=30), title="Kuoro")
    page = new_page(locale="fi-FI")
    browser_login(page, staff)
    page.goto("/meetings/manage/new")
    expect(page.locator("#interval")).to_be_hidden()  # "Does not repeat": no repeat fields
    expect(page.locator("#space_id")).to_be_hidden()
    page.locator("#title_fi").fill("Kalasataman verkosto")
    page.locator("#start_date").fill(first.isoformat())
    page.locator("#start_time").fill("17:00")
    page.locator("#freq").select_option("WEEKLY")
    expect(page.locator("#interval")).to_be_visible()
    expect(page.locator("#monthly_mode")).to_be_hidden()
    page.locator("input[name=ends][value=count]").check()
    page.locator("#count").fill("6")
    page.locator("input[name=location_mode][value=space]").check()
    page.locator("#space_id").select_option(str(space.id))
    preview = page.locator("#rrule-preview")
    expect(preview).to_contain_text(_("The first %(shown)d of %(total)d dates:", shown=5, total=6))
    expect(preview.locator("li")).to_have_count(5 + 1)  # five dates and the one conflict
    expect(preview.locator("#conflicts")).to_contain_text("17.30–18.00")
    axe_check(page)
    screenshot(page, "series-form-preview-conflict-fi")

    # Saving is refused with one error box listing the conflict, not two.
    page.get_by_role("button", name=exact(_("Save"))).click()
    expect(page.locator("#conflicts")).to_have_count(1)
    expect(page.locator("#error-summary")).to_have_count(0)
    axe_check(page)
    screenshot(page, "series-form-conflict-fi")


def test_series_form_without_javascript_shows_the_fields_of_the_chosen_repetition(
        new_page, make, browser_login, axe_check, screenshot):
    _ = gettext_for("en")
    staff = make.user("staff", locale="en")
    page = new_page(locale="en-FI")
    # Without the enhancement script (axe itself needs JavaScript, so the script is blocked instead).
    page.route(re.compile(r".*/rrule-preview\.js$"), lambda route: route.abort())
    browser_login(page, staff)
    page.goto("/meetings/manage/new?lang=en")
    expect(page.locator("#interval")).to_be_hidden()
    page.locator("#title_fi").fill("Verkosto")
    page.locator("#start_date").fill((date.today() + timedelta(days=10)).isoformat())
    page.locator("#start_time").fill("17:00")
    page.locator("#freq").select_option("MONTHLY")
    page.get_by_role("button", name=exact(_("Preview dates"))).click()
    expect(page.locator("#interval")).to_be_visible()
    expect(page.locator("#monthly_mode")).to_be_visible()
    expect(page.locator("#byday")).to_be_hidden()
    expect(page.locator("#rrule-preview")).to_contain_text(_("The next %(shown)d dates:", shown=5))
    axe_check(page)
    screenshot(page, "series-form-no-js-en")


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_confirmation_page_adds_to_calendar_and_shows_the_link(new_page, make, outbox, axe_check, screenshot, lang):
    _ = gettext_for(lang)
    occurrence = make.occurrence(title_en="Networking meeting")
    page = new_page(locale=f"{lang}-FI")
    page.goto(f"/meetings/occurrences/{occurrence.id}?lang={lang}")
    page.locator("#name").fill("Maija Meikäläinen")
    page.locator("#email").fill("maija@kontula.example")
    page.locator("#consent").check()
    page.get_by_role("button", name=exact(_("Register"))).click()
    # An anonymous registrant is told to check their email (the same answer for a known address);
    # the mail's link opens the confirmation page.
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Check your email"))
    [mail] = outbox(kind="registration_confirmed", recipient="maija@kontula.example")
    page.goto(mail_link(mail, r"^/registrations/manage/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Your registration"))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile("^" + re.escape(_("Add to Google Calendar"))))).to_be_visible()
    link = page.locator("#manage-link")
    expect(link).to_have_value(re.compile(r"/registrations/manage/"))
    expect(main.get_by_role("button", name=_("Copy address")).first).to_be_visible()
    cancel = main.get_by_role("link", name=_("Cancel my registration"))
    expect(cancel).to_have_class("button-secondary")
    # Dates in Finland's conventions in every language.
    expect(main).to_contain_text(re.compile(r"\d{1,2}\.\d{1,2}\.20\d\d\D{0,6}17\.00–19\.00"))
    axe_check(page)
    screenshot(page, f"registration-confirmation-{lang}")


def test_phone_width_staff_menu_participants_and_week_grid(new_page, make, app, browser_login, axe_check,
                                                           screenshot):
    _ = gettext_for("fi")
    _org, _ngo, staff, space, _series, occurrence = _setup(make, app)
    page = new_page(locale="fi-FI")
    page.set_viewport_size(PHONE)
    browser_login(page, staff)
    page.goto("/")
    nav = page.get_by_role("navigation", name=_("Main"))
    summary = nav.locator("summary")
    expect(summary).to_be_visible()
    expect(nav.get_by_role("link", name=_("Reports"))).to_be_hidden()
    # The content starts near the top: the folded menu is one line.
    assert page.locator("main h1").bounding_box()["y"] < 400
    axe_check(page)
    screenshot(page, "staff-home-menu-folded-fi")
    summary.click()
    expect(nav.get_by_role("link", name=_("Reports"))).to_be_visible()
    expect(nav.get_by_role("link", name=_("Calendars"))).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(ARTIFACTS / "staff-menu-open-fi-mobile.png"), full_page=True)

    # Attendance is marked once a meeting has started: a meeting that began an hour ago.
    held = make.series(start_local=datetime.now(HELSINKI).replace(tzinfo=None, microsecond=0) - timedelta(hours=1),
                       occurrences=1, title_en="Held meeting")
    held_occurrence = make.occurrences(held)[0]
    make.registration(held_occurrence, name="Maija Meikäläinen")
    page.goto(f"/meetings/occurrences/{held_occurrence.id}/participants")
    radio = page.get_by_role("radio", name=_("Present")).first
    expect(radio).to_be_visible()
    box = radio.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # on screen, no sideways scrolling
    axe_check(page)
    screenshot(page, "participants-phone-fi")

    page.goto(f"/spaces/{space.id}")
    today = date.today()
    first_day = page.locator(".week-view thead th").nth(1)
    expect(first_day).to_contain_text(f"{today.day}.{today.month}.")
    axe_check(page)
    screenshot(page, "space-week-from-today-fi")


def test_profile_does_not_scroll_sideways_after_creating_a_token(new_page, make, browser_login, axe_check,
                                                                 screenshot):
    _ = gettext_for("fi")
    user = make.user("ngo", organization=make.organization(), locale="fi")
    page = new_page(locale="fi-FI")
    page.set_viewport_size(PHONE)
    browser_login(page, user)
    page.goto("/profile")
    page.locator("#label").fill("Raportointityökalu, jolla on pitkä nimi")
    page.get_by_role("button", name=_("Create a token")).click()
    expect(page.locator("code.token")).to_be_visible()
    assert_reflows(page, "/profile after creating a token")
    axe_check(page)
    screenshot(page, "profile-token-fi")


def test_report_tables_scroll_by_keyboard_at_phone_width(new_page, make, browser_login, axe_check, screenshot):
    _ = gettext_for("fi")
    occurrence = make.occurrences(make.series())[0]
    make.registration(occurrence, organization_id=make.organization().id)
    staff = make.user("staff", locale="fi")
    page = new_page(locale="fi-FI")
    page.set_viewport_size(PHONE)
    browser_login(page, staff)
    page.goto("/reports/cooperation")
    regions = page.locator(".table-wrap[role=region]")
    assert regions.count() >= 1
    for index in range(regions.count()):
        expect(regions.nth(index)).to_have_attribute("tabindex", "0")
    axe_check(page)  # includes scrollable-region-focusable
    screenshot(page, "report-phone-fi")


def test_feedback_page_get_creates_nothing(new_page, make, app, browser_login, axe_check, screenshot):
    _ = gettext_for("fi")
    series = make.series(occurrences=1)
    staff = make.user("staff", locale="fi")
    page = new_page(locale="fi-FI")
    browser_login(page, staff)
    page.goto(f"/feedback/series/{series.id}")
    expect(page.get_by_role("button", name=_("Create the feedback form"))).to_be_visible()
    with app.app_context():
        from app.feedback.services import form_for_series

        assert form_for_series(series.id) is None
    axe_check(page)
    screenshot(page, "feedback-no-form-fi")
    page.get_by_role("button", name=_("Create the feedback form")).click()
    expect(page.get_by_role("heading", name=_("Settings"))).to_be_visible()


def test_favicon_is_served(page):
    response = page.request.get("/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
