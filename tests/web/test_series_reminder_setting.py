"""The staff page of a series says whether its registrants are reminded, and when (issue 15)."""
from __future__ import annotations

import re

import pytest


def _facts(html: str) -> dict[str, str]:
    """The first list of facts on the page: label → value."""
    facts = html[html.index('class="facts"'):]
    facts = facts[:facts.index("</dl>")]
    return {dt.strip(): dd.strip() for dt, dd in re.findall(r"<dt>([^<]*)</dt>\s*<dd[^>]*>([^<]*)</dd>", facts)}


@pytest.mark.parametrize("lang, hours, expected", [
    ("fi", 24, ("Muistutus", "24 tuntia ennen")), ("sv", 24, ("Påminnelse", "24 timmar före")),
    ("en", 1, ("Reminder", "1 hour before")), ("fi", None, ("Muistutus", "Ei muistutusta")),
    ("sv", None, ("Påminnelse", "Ingen påminnelse")), ("en", None, ("Reminder", "No reminder"))])
def test_staff_see_the_reminder_setting(client, make, login, lang, hours, expected):
    series = make.series(reminder_hours_before=hours)
    login(make.user("staff", locale=lang))
    html = client.get(f"/meetings/manage/{series.id}").get_data(as_text=True)
    label, value = expected
    assert _facts(html).get(label) == value, _facts(html)
