"""Journeys of issue 17 (everyday use): confirmation before destroying anything, a meeting's space
booking kept consistent, the buffer explained, the NGO side of booking requests, the topics page
and attendance before a meeting; axe-core and screenshots of every changed page."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for

pytestmark = pytest.mark.e2e


def _wednesday(weeks: int = 3) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks + (2 - today.weekday()) % 7)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_cancelling_bookings_is_confirmed_and_a_meetings_booking_points_to_the_meeting(
        app, new_page, make, browser_login, axe_check, screenshot, lang):
    from app.extensions import db
    from app.meetings import space_bookings
    from app.meetings.models import MeetingSeries
    from tests.timeutil import at

    _ = gettext_for(lang)
    space = make.space(name="Vallilan asukastila", buffer_minutes=30)
    day = _wednesday()
    series = make.series(space_id=space.id, location=None, occurrences=1, title_fi="Asukasilta")
    with app.app_context():
        space_bookings.sync_series(db.session.get(MeetingSeries, series.id), None, datetime.now(UTC))
        db.session.commit()
    group = "g-" + lang
    for week in range(3):
        make.booking(space, at(day + timedelta(weeks=week), 10), at(day + timedelta(weeks=week), 12),
                     title="Kuorokerho", group_id=group)
    staff = make.user("staff", locale=lang)
    page = new_page(locale=f"{lang}-FI")
    browser_login(page, staff)

    page.goto(f"/spaces/{space.id}/bookings")
    expect(page.get_by_role("link", name=re.compile("^" + re.escape(_("Change on the meeting's page"))))).to_be_visible()
    axe_check(page)
    screenshot(page, f"everyday-space-bookings-{lang}")

    # A meeting's booking: not cancelled here; the page names the meeting and links to it.
    page.goto(f"/spaces/{space.id}/bookings")
    meeting_row = page.get_by_role("row").filter(has_text=_("Meeting"))
    booking_link = meeting_row.get_by_role("link").first
    expect(booking_link).to_be_visible()
    with app.app_context():
        from sqlalchemy import select

        from app.meetings.models import MeetingOccurrence
        booking_id = db.session.scalar(select(MeetingOccurrence.booking_id)
                                       .where(MeetingOccurrence.series_id == series.id))
    page.goto(f"/spaces/{space.id}/bookings/{booking_id}/cancel")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("This booking belongs to a meeting"))
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    axe_check(page)
    screenshot(page, f"everyday-meeting-booking-refused-{lang}")

    # A recurring booking: the confirmation page lists the dates that would go; nothing happens before.
    page.goto(f"/spaces/{space.id}/bookings")
    page.get_by_role("link", name=re.compile("^" + re.escape(_("Cancel booking")) + ".*Kuorokerho")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Cancel the booking?"))
    expect(page.locator(".confirm-items li")).to_have_count(3)
    axe_check(page)
    screenshot(page, f"everyday-cancel-booking-confirm-{lang}")
    page.get_by_role("link", name=_("Keep the booking")).click()
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="Kuorokerho")).to_have_count(3)
    page.get_by_role("link", name=re.compile("^" + re.escape(_("Cancel booking")) + ".*Kuorokerho")).first.click()
    page.get_by_label(_("Which dates"), exact=True).select_option("series")
    page.get_by_role("button", name=exact(_("Cancel the booking"))).click()
    expect(page.get_by_role("status").first).to_contain_text(_("%(n)d bookings were cancelled.", n=3))

    # The buffer is explained on the form and in the refusal.
    make.booking(space, at(day + timedelta(days=1), 10), at(day + timedelta(days=1), 12), title="Aamu")
    page.goto(f"/spaces/{space.id}/bookings/new")
    expect(page.locator("#buffer-note")).to_contain_text("30")
    page.locator("#title").fill("Iltapäiväkerho")
    page.locator("#date").fill((day + timedelta(days=1)).isoformat())
    page.locator("#start_time").fill("12:15")
    page.locator("#end_time").fill("13:00")
    page.get_by_role("button", name=exact(_("Book"))).click()
    expect(page.locator("#conflicts")).to_contain_text(
        _("The space needs %(n)d minutes between bookings; the previous booking ends %(end)s, so the next can "
          "start %(next)s.", n=30, end="12.00", next="12.30"))
    axe_check(page)
    screenshot(page, f"everyday-buffer-refusal-{lang}")


def test_ngo_request_declined_with_a_suggestion_and_topics_and_attendance(
        app, new_page, make, browser_login, axe_check, screenshot, outbox):

    _ = gettext_for("fi")
    org = make.organization(name="Pasilan kerho ry")
    ngo = make.user("ngo", organization=org, locale="fi")
    staff = make.user("staff", locale="fi")
    space = make.space(name="Pasilan asukastila")
    occurrence = make.occurrence()
    make.registration(occurrence, name="Tuleva Osallistuja")
    day = _wednesday(4)

    # Topics page: choose the meeting to propose a topic for; anonymous visitors get a login prompt.
    anonymous = new_page()
    anonymous.goto("/topics/")
    expect(anonymous.get_by_role("link", name=_("Log in to propose a topic"))).to_be_visible()
    axe_check(anonymous)
    screenshot(anonymous, "everyday-topics-anonymous-fi")

    page = new_page()
    browser_login(page, ngo)
    page.goto("/topics/")
    page.get_by_role("button", name=_("Continue to the proposal form")).click()
    expect(page.get_by_role("heading", level=2, name=_("Propose a topic"))).to_be_visible()
    axe_check(page)

    # A request, declined with another time suggested; the NGO sees the suggestion.
    page.goto(f"/spaces/{space.id}/request")
    page.locator("#title").fill("Kerhoilta")
    page.locator("#date").fill(day.isoformat())
    page.locator("#start_time").fill("10:00")
    page.locator("#end_time").fill("11:00")
    page.locator("#headcount").fill("8")
    page.locator("#purpose").fill("Kerhon kokoontuminen")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status").first).to_contain_text(_("Your request was sent. You will get an email when it has been handled."))

    staff_page = new_page()
    browser_login(staff_page, staff)
    staff_page.goto("/booking-requests/")
    staff_page.get_by_role("link", name=re.compile("^" + re.escape(_("Decline")))).first.click()
    staff_page.locator("#reason").fill("Aamupäivä on jo varattu siivoukselle.")
    staff_page.locator("#suggested_date").fill(day.isoformat())
    staff_page.locator("#suggested_start").fill("13:00")
    staff_page.locator("#suggested_end").fill("14:00")
    axe_check(staff_page)
    screenshot(staff_page, "everyday-decline-with-suggestion-fi")
    staff_page.get_by_role("button", name=exact(_("Decline"))).click()
    expect(staff_page.get_by_role("status").first).to_contain_text(
        _("The request was declined and the requester informed."))
    assert "13.00–14.00" in outbox(kind="booking_request_declined")[-1]["text"]

    page.goto("/booking-requests/mine")
    expect(page.get_by_role("main")).to_contain_text(_("Staff suggest instead: %(when)s", when="").strip())
    axe_check(page)
    screenshot(page, "everyday-my-requests-suggestion-fi")
    page.get_by_role("link", name=re.compile("^" + re.escape(_("Request this time")))).click()
    expect(page.locator("#start_time")).to_have_value("13:00")

    # Attendance before the meeting: no marks, a clear message.
    staff_page.goto(f"/meetings/occurrences/{occurrence.id}/participants")
    expect(staff_page.locator("#attendance-not-open")).to_be_visible()
    expect(staff_page.get_by_role("button", name=_("Save attendance"))).to_have_count(0)
    axe_check(staff_page)
    screenshot(staff_page, "everyday-participants-before-meeting-fi")

    # Cancelling a whole series: a confirmation page listing the dates first.
    staff_page.goto(f"/meetings/manage/{occurrence.series_id}")
    staff_page.get_by_role("button", name=_("Cancel the whole series")).click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(_("Cancel the whole series?"))
    axe_check(staff_page)
    screenshot(staff_page, "everyday-cancel-series-confirm-fi")
