"""An NGO member proposes an agenda topic for the next meeting and another supports it, in
Finnish and Swedish; axe-core on the topic pages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_ngo_members_propose_and_support_a_topic(new_page, make, browser_login, axe_check, screenshot, lang):
    _ = gettext_for(lang)
    occurrence = make.occurrences(make.series())[0]
    proposer, supporter = make.user("ngo", locale=lang), make.user("ngo", locale=lang)

    page = new_page(locale=f"{lang}-FI")
    browser_login(page, proposer)
    page.goto(f"/topics/occurrences/{occurrence.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Agenda topics"))
    page.get_by_role("button", name=exact(_("Propose"))).click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)
    page.get_by_role("textbox", name=_("Topic"), exact=True).fill("Avustushakujen aikataulut 2027")
    page.get_by_role("button", name=exact(_("Propose"))).click()
    expect(page.get_by_role("status").first).to_contain_text(
        _("Your topic was proposed. Others can now support it."))
    expect(page.get_by_role("heading", level=3)).to_have_text("Avustushakujen aikataulut 2027")
    axe_check(page)
    screenshot(page, f"topics-occurrence-{lang}")

    other = new_page(locale=f"{lang}-FI")
    browser_login(other, supporter)
    other.goto(f"/topics/occurrences/{occurrence.id}")
    other.get_by_role("button", name=re.compile("^" + re.escape(_("Support")))).click()
    expect(other.get_by_role("status").first).to_contain_text(
        _("You support the topic “%(title)s”.", title="Avustushakujen aikataulut 2027"))
    expect(other.get_by_role("button", name=re.compile("^" + re.escape(_("Withdraw support"))))).to_be_visible()

    other.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Topics")).click()
    expect(other.get_by_role("heading", level=1)).to_have_text(_("Topic proposals"))
    expect(other.get_by_role("main")).to_contain_text("Avustushakujen aikataulut 2027")
    axe_check(other)
    screenshot(other, f"topics-index-{lang}")
