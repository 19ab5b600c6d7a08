"""When answers may be shown: one privacy rule for the series results, the API and the report.

A group of answers (a series, a date, a theme of the report) shows its free texts, averages and
distributions only when at least ``MIN_RESPONDENTS`` people answered in that group (anyone who
sent a response with an answer there, whether or not they wrote a text): with fewer, a respondent
could be recognised from their wording or their rating. The rule counts respondents (people who
answered the series' feedback), not writers: five texts from a group of three is impossible, but one
text among five respondents is shown, as the series API shows it.

Free texts carry their series' name in the report, so a text is shown there only when its series
passes this rule (as in the series API) *and* its theme's group does: the report never shows a text
the series API hides. The report uses the same number for its other small groups (outcomes,
guidance hours).
"""
from __future__ import annotations

MIN_RESPONDENTS = 5


def may_show(respondents: int | None) -> bool:
    """True when a group of ``respondents`` people is large enough to be shown."""
    return (respondents or 0) >= MIN_RESPONDENTS
