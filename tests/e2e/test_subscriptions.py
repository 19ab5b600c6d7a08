"""Journey: an NGO user finds "My subscriptions" from the profile (Finnish), sees the empty state,
subscribes to a theme, removes it after a confirmation, subscribes again; a new meeting is published
and mailed; the mail's unsubscribe link works in a fresh browser without logging in (Swedish user).
axe-core on both page types at 390 px and 1366 px; screenshots at both widths."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.core.types import utcnow
from app.subscriptions import delivery
from tests.e2e.helpers import exact, gettext_for, mail_link

pytestmark = pytest.mark.e2e

WIDTHS = ({"width": 390, "height": 844}, {"width": 1366, "height": 900})


def _axe_both_widths(page, axe_check) -> None:
    for size in WIDTHS:
        page.set_viewport_size(size)
        axe_check(page)


def test_manage_subscriptions_and_unsubscribe_without_login(app, make, new_page, browser_login, axe_check,
                                                            screenshot, outbox):
    fi, sv = gettext_for("fi"), gettext_for("sv")
    theme = make.default_theme().id
    user = make.user("ngo", name="Outi Tilaaja", locale="fi")
    page = new_page(locale="fi-FI")
    browser_login(page, user)
    page.goto("/profile")
    page.get_by_role("link", name=exact(fi("My subscriptions"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fi("My subscriptions"))
    expect(page.get_by_role("main")).to_contain_text(fi("You have no subscriptions yet. Add one below to hear of new meetings."))
    _axe_both_widths(page, axe_check)
    screenshot(page, "subscriptions-empty-fi")

    # Nothing chosen: refused with the reason next to the field.
    page.get_by_role("button", name=exact(fi("Subscribe"))).click()
    expect(page.get_by_role("alert")).to_contain_text(fi("Choose a theme, a district or both."))
    axe_check(page)
    page.locator("#theme_id").select_option(str(theme))
    page.get_by_label(fi("A weekly digest")).check()
    page.get_by_role("button", name=exact(fi("Subscribe"))).click()
    expect(page.get_by_role("main")).to_contain_text(fi("Weekly digest"))
    _axe_both_widths(page, axe_check)
    screenshot(page, "subscriptions-list-fi")

    page.get_by_role("button", name=fi("Remove")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fi("Remove the subscription?"))
    axe_check(page)
    page.get_by_role("button", name=exact(fi("Remove the subscription"))).click()
    expect(page.get_by_role("main")).to_contain_text(fi("You have no subscriptions yet. Add one below to hear of new meetings."))

    # --- a Swedish-speaking subscriber, a new meeting, the link in the mail ------------------------
    swede = make.user("ngo", name="Sara Svensson", locale="sv")
    sv_page = new_page(locale="sv-FI")
    browser_login(sv_page, swede)
    sv_page.goto(f"/subscriptions/?theme_id={theme}")
    sv_page.get_by_role("button", name=exact(sv("Subscribe"))).click()
    expect(sv_page.get_by_role("main")).to_contain_text(sv("At once"))
    make.series(themes=[theme], title_fi="Asukastilailta", title_sv="Kväll om invånarlokaler")
    with app.app_context():
        assert delivery.send_immediate(utcnow()) == 1
    [mail] = outbox(kind="subscription_new_series")
    assert "Kväll om invånarlokaler" in mail["subject"]
    link = mail_link(mail, r"^/subscriptions/unsubscribe/")

    anonymous = new_page(locale="sv-FI")
    anonymous.goto(link)
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(sv("Unsubscribe"))
    expect(anonymous.get_by_role("main")).to_contain_text(sv("Stop the mail about new meetings from these subscriptions:"))
    _axe_both_widths(anonymous, axe_check)
    screenshot(anonymous, "subscriptions-unsubscribe-sv")
    anonymous.get_by_role("button", name=exact(sv("Unsubscribe"))).click()
    expect(anonymous.get_by_role("status")).to_contain_text(
        sv("You are unsubscribed. You will get no more mail from these subscriptions."))
    axe_check(anonymous)
    sv_page.goto("/subscriptions/")
    expect(sv_page.get_by_role("main")).to_contain_text(sv("You have no subscriptions yet. Add one below to hear of new meetings."))
