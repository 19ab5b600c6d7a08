"""The header leads an NGO user without an organisation to the join page (issue 15)."""
from __future__ import annotations

import re

import pytest

JOIN = {"fi": "Liity järjestöön", "sv": "Gå med i en organisation", "en": "Join an organisation"}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_person_without_an_organisation_finds_the_join_page(client, make, login, lang):
    login(make.user("ngo", locale=lang))
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a [^>]*href="/organisation/join"[^>]*>\s*' + re.escape(JOIN[lang]) + r"\s*</a>", html), html


def test_members_and_staff_have_no_join_entry(client, make, login):
    org = make.organization()
    login(make.user("ngo", organization=org, locale="en"))
    html = client.get("/").get_data(as_text=True)
    assert JOIN["en"] not in html and "My organisation" in html
    login(make.user("staff", locale="en"))
    assert JOIN["en"] not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert JOIN["fi"] not in client.get("/").get_data(as_text=True)
