"""Journey: a participant answers the feedback questionnaire from the invitation mail, in
Finnish and Swedish (the registration's language); staff then see the results. axe-core on the
questionnaire (empty and with errors), the thank-you page and the results page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import gettext_for, mail_link

pytestmark = pytest.mark.e2e

HELSINKI = ZoneInfo("Europe/Helsinki")
QUESTIONS = {
    "fi": {"usefulness": "Kuinka hyödyllinen tapaaminen oli järjestöllesi?",
           "city_next": "Mitä kaupungin pitäisi tehdä seuraavaksi?"},
    "sv": {"usefulness": "Hur nyttigt var mötet för din organisation?",
           "city_next": "Vad borde staden göra härnäst?"},
}
RATED = ["usefulness", "influence", "networking", "communication", "continuity"]


@pytest.fixture
def feedback_invitation(app, make, outbox):
    """``feedback_invitation(lang)``: a meeting that ended yesterday, one attendee registered in
    ``lang``, and the invitation mail sent as ``flask feedback send`` would; returns (series, mail)."""
    from app.extensions import db
    from app.feedback import services

    def build(lang: str):
        start = (datetime.now(HELSINKI) - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0,
                                                                     tzinfo=None)
        series = make.series(start_local=start, occurrences=1, title_fi="Järjestöfoorumi",
                             title_sv="Organisationsforum", rrule=None)
        occurrence = make.occurrences(series)[0]
        email = f"osallistuja-{lang}@example.org"
        make.registration(occurrence, email=email, locale=lang, attendance="present")
        with app.app_context():
            services.send_due(occurrence.ends_at + timedelta(hours=3))
            db.session.commit()
            db.session.remove()
        [mail] = outbox(kind="feedback_invitation", recipient=email)
        return series, mail

    return build


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_participant_answers_feedback_from_the_mail(new_page, make, browser_login, feedback_invitation, axe_check,
                                                    screenshot, lang):
    _ = gettext_for(lang)
    series, mail = feedback_invitation(lang)
    link = mail_link(mail, r"^/feedback/[^/]+$")
    # The browser's own language differs on purpose: the invitation's language wins.
    page = new_page(locale="en-GB")
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Feedback on the meeting"))
    axe_check(page)
    screenshot(page, f"feedback-form-{lang}")

    # Required ratings missing: the summary links to each question, answers typed are kept.
    page.get_by_label(QUESTIONS[lang]["city_next"]).fill("Lisää yhteisiä työpajoja.")
    page.get_by_role("button", name=_("Send feedback")).click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_count(len(RATED))
    expect(page.get_by_label(QUESTIONS[lang]["city_next"])).to_have_value("Lisää yhteisiä työpajoja.")
    axe_check(page)
    screenshot(page, f"feedback-form-errors-{lang}")

    # Each rating is a group of radio buttons named by its question, with worded labels.
    groups = page.get_by_role("main").get_by_role("group")
    for index in range(len(RATED)):
        groups.nth(index).get_by_label(_("4 – good")).check()
    page.get_by_role("group", name=QUESTIONS[lang]["usefulness"]).get_by_label(_("5 – excellent")).check()
    page.get_by_role("button", name=_("Send feedback")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(_("Thank you for your feedback!"))
    axe_check(page)
    screenshot(page, f"feedback-thanks-{lang}")

    # The same link shows the saved answers, to change until the closing date.
    page.get_by_role("link", name=_("Review or change your answers")).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("group", name=QUESTIONS[lang]["usefulness"]).get_by_label(_("5 – excellent"))) \
        .to_be_checked()
    expect(page.get_by_role("button", name=_("Save changes"))).to_be_visible()

    # Staff see the answer counted in the results.
    staff = make.user("staff", locale=lang)
    staff_page = new_page(locale=f"{lang}-FI")
    browser_login(staff_page, staff)
    staff_page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Feedback")).click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(_("Feedback"))
    row = staff_page.get_by_role("row").filter(has_text="Organisationsforum" if lang == "sv" else "Järjestöfoorumi")
    expect(row).to_contain_text("1")
    axe_check(staff_page)
    screenshot(staff_page, f"feedback-index-{lang}")
    row.get_by_role("link", name=re.compile("^" + re.escape(_("Results")))).click()
    expect(staff_page).to_have_url(re.compile(rf"/feedback/series/{series.id}/results"))
    expect(staff_page.locator("html")).to_have_attribute("lang", lang)
    main = staff_page.get_by_role("main")
    expect(main).to_contain_text(_("%(n)d respondents.", n=1))
    expect(main).to_contain_text(_("average %(avg)s / 5", avg="5.0"))
    # One free-text answer could identify its writer: texts wait for enough respondents.
    expect(main).not_to_contain_text("Lisää yhteisiä työpajoja.")
    axe_check(staff_page)
    screenshot(staff_page, f"feedback-results-{lang}")
