"""Free texts of feedback: the series API and the report follow one rule (issue 17, item 18):
shown when the group has at least 5 respondents, whether or not each of them wrote a text."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.core.disclosure import MIN_RESPONDENTS, may_show
from app.reports.services import cooperation_report
from tests.unit.reports import data


def test_one_threshold_in_one_place(ctx):
    from app.feedback.services import MIN_RESPONDENTS as feedback_minimum

    today = datetime.now().date()
    assert MIN_RESPONDENTS == feedback_minimum == cooperation_report(ctx, today, today).min_group_size == 5
    assert not may_show(4) and may_show(5) and not may_show(None)


@pytest.mark.parametrize("respondents, shown", [(4, False), (5, True)])
def test_series_api_and_report_agree(app, client, make, ctx, respondents, shown):
    theme = make.theme(key="rule", name_fi="Sääntö", name_en="Sääntö").id
    start = (datetime.now() - timedelta(days=20)).replace(hour=17, minute=0, second=0, microsecond=0)
    occurrence = make.occurrence(start_local=start, themes=[theme])
    form_id, q_text = data.feedback_form(make, occurrence.series_id, [
        {"key": "ideas", "kind": "text", "text_fi": "Ideat", "theme_id": theme}])
    # Only one of the respondents writes a text; the others leave it blank (still respondents).
    data.respond(make, occurrence, form_id, [{q_text: "Ainoa teksti"}] + [{q_text: " "}] * (respondents - 1))
    body = client.get(f"/api/v1/series/{occurrence.series_id}/feedback", headers=make.auth("staff")).json
    api_texts = body["questions"][0]["texts"]
    assert body["respondents"] == respondents and body["texts_shown"] is shown
    today = datetime.now().date()
    report = cooperation_report(ctx, today - timedelta(days=60), today)
    group = next(t for t in report.feedback.by_theme if t.theme_key == "rule")
    assert (not group.texts_suppressed) is shown
    if shown:
        assert "Ainoa teksti" in api_texts and [t.text for t in group.texts] == ["Ainoa teksti"]
    else:
        assert api_texts is None and group.texts == []


def test_report_never_shows_a_text_the_series_api_hides(app, client, make, ctx):
    """Two series in one theme, 3 + 2 respondents: 5 in the theme, but each series alone is too
    small — the series API hides their texts, so the report (which names the series) must too."""
    theme = make.theme(key="pair", name_fi="Pari", name_en="Pari").id
    start = (datetime.now() - timedelta(days=20)).replace(hour=17, minute=0, second=0, microsecond=0)
    shown = {}
    for size, label in ((3, "A"), (2, "B")):
        occurrence = make.occurrence(start_local=start, themes=[theme])
        form_id, q_text = data.feedback_form(make, occurrence.series_id, [
            {"key": "ideas", "kind": "text", "text_fi": "Ideat", "theme_id": theme}])
        data.respond(make, occurrence, form_id, [{q_text: f"Teksti {label}{i}"} for i in range(size)])
        body = client.get(f"/api/v1/series/{occurrence.series_id}/feedback", headers=make.auth("staff")).json
        shown[label] = body["questions"][0]["texts"]
    assert shown == {"A": None, "B": None}
    today = datetime.now().date()
    group = next(t for t in cooperation_report(ctx, today - timedelta(days=60), today).feedback.by_theme
                 if t.theme_key == "pair")
    assert group.texts == [] and group.texts_suppressed
