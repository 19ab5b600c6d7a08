"""Feedback figures, the fewer-than-5 rule and topic proposals on hand-made data."""
from __future__ import annotations

import pytest

from app.reports.services import cooperation_report
from tests.unit.reports import data


@pytest.fixture
def datasets(app, make):
    return data.build_all(app, make)


def test_response_rate_and_series(datasets, ctx):
    ds, fb = datasets
    feedback = cooperation_report(ctx, *data.PERIOD, now=data.NOW).feedback
    assert (feedback.invitations, feedback.responses) == (9, 8)  # the unsent invitation is not counted
    assert feedback.response_rate == pytest.approx(8 / 9)
    by_series = {s.series_id: s for s in feedback.by_series}
    assert set(by_series) == {fb.f1, fb.f2}
    f1, f2 = by_series[fb.f1], by_series[fb.f2]
    assert (f1.invitations, f1.responses, f1.suppressed, f1.average) == (7, 6, False, 4.1)  # 41 / 10 ratings
    assert f1.response_rate == pytest.approx(6 / 7)
    assert (f2.invitations, f2.responses, f2.response_rate) == (2, 2, 1.0)
    assert f2.suppressed and f2.average is None  # 2 respondents


def test_averages_per_question_and_small_groups(datasets, ctx):
    ds, fb = datasets
    questions = cooperation_report(ctx, *data.PERIOD, now=data.NOW).feedback.by_question
    assert [q.key for q in questions] == ["usefulness", f"q{fb.q_venue}"]
    useful, venue = questions
    assert useful.question["en"] == "Usefulness"
    assert (useful.respondents, useful.average, useful.suppressed) == (8, pytest.approx(3.38, abs=0.005), False)
    assert useful.distribution == [1, 1, 2, 2, 2]
    assert venue.suppressed  # 4 respondents: no average, no distribution, no count
    assert (venue.respondents, venue.average, venue.distribution) == (None, None, None)


def test_themes_and_free_texts(datasets, ctx):
    ds, fb = datasets
    themes = {t.theme_key: t for t in cooperation_report(ctx, *data.PERIOD, now=data.NOW).feedback.by_theme}
    assert set(themes) == {"codev", "spaces", None}
    general, a, b = themes[None], themes["codev"], themes["spaces"]
    assert (general.respondents, general.average, general.suppressed) == (8, pytest.approx(3.38, abs=0.005), False)
    # One rule (app/feedback/disclosure.py): 8 respondents, so texts may be shown — there are none.
    assert not general.texts_suppressed and general.texts == [] and general.text_answers == 0
    # Theme A: 4 rated (ratings suppressed) but 5 respondents in the theme: its texts are shown.
    assert a.suppressed and a.average is None and a.respondents is None
    assert not a.texts_suppressed and a.text_answers == 5
    assert sorted(t.text for t in a.texts) == sorted(fb.texts_a)
    assert {t.series_id for t in a.texts} == {fb.f1}
    assert a.theme_name["fi"] == "Yhteiskehittäminen"
    # Theme B: one text only — never shown.
    assert b.texts_suppressed and b.texts == [] and b.text_answers is None


def test_text_limit(datasets, ctx):
    report = cooperation_report(ctx, *data.PERIOD, now=data.NOW, text_limit=2)
    a = next(t for t in report.feedback.by_theme if t.theme_key == "codev")
    assert len(a.texts) == 2 and a.text_answers == 5


def test_feedback_filters(datasets, ctx):
    ds, fb = datasets
    report = cooperation_report(ctx, *data.PERIOD, theme_id=ds.theme_b, now=data.NOW)
    assert (report.feedback.invitations, report.feedback.responses) == (2, 2)
    assert [q.suppressed for q in report.feedback.by_question] == [True]  # usefulness from F2 only: 2
    report = cooperation_report(ctx, *data.PERIOD, series_id=fb.f1, now=data.NOW)
    assert report.feedback.responses == 6
    useful = report.feedback.by_question[0]
    assert (useful.respondents, useful.average) == (6, pytest.approx(23 / 6, abs=0.005))


def test_proposals(datasets, ctx):
    ds, fb = datasets
    proposals = cooperation_report(ctx, *data.PERIOD, now=data.NOW).proposals
    assert (proposals.total, proposals.proposed, proposals.taken_up, proposals.declined) == (4, 2, 1, 1)
    assert [(p.title, p.status, p.votes) for p in proposals.items] == [
        ("Suosittu aihe", "proposed", 7), ("Avustusneuvonta", "taken_up", 5),
        ("Tilavaraukset", "proposed", 2), ("Hylätty aihe", "declined", 0)]
    assert proposals.items[2].series_id == ds.s1  # proposed for an occurrence of S1
    theme_a = cooperation_report(ctx, *data.PERIOD, theme_id=ds.theme_a, now=data.NOW).proposals
    assert [p.title for p in theme_a.items] == ["Avustusneuvonta", "Tilavaraukset"]
    series = cooperation_report(ctx, *data.PERIOD, series_id=ds.s2, now=data.NOW).proposals
    assert (series.total, series.proposed) == (1, 1)
    limited = cooperation_report(ctx, *data.PERIOD, now=data.NOW, proposal_limit=1).proposals
    assert len(limited.items) == 1 and limited.total == 4


def test_choice_questions(datasets, ctx):
    ds, fb = datasets
    choices = {c.kind: c for c in cooperation_report(ctx, *data.PERIOD, now=data.NOW).feedback.by_choice}
    fmt, topics = choices["single"], choices["multiple"]
    assert (fmt.key, fmt.respondents, fmt.suppressed, fmt.question["en"]) == ("format", 6, False, "Format")
    assert [(o.key, o.label["en"], o.count) for o in fmt.options] == [
        ("live", "On site", 4), ("online", "Online", 2), ("hybrid", "Hybrid", 0)]
    assert fmt.options[0].share == pytest.approx(4 / 6)
    assert topics.suppressed  # 2 respondents
    assert (topics.respondents, topics.options) == (None, None)


def test_theme_choice_labels(app, make):
    theme_a = make.theme(key="codev", name_fi="Yhteiskehittäminen", name_en="Yhteiskehittäminen").id
    theme_b = make.theme(key="spaces", name_fi="Asukastilat", name_en="Asukastilat").id
    series = make.series(start_local=data.datetime(2026, 2, 2, 17, 0), occurrences=1)
    form, question = data.feedback_form(make, series.id, [
        {"kind": "multiple", "text_fi": "Aiheet", "options_from_themes": True}])
    data.respond(make, make.occurrences(series)[0], form,
                 [{question: ["spaces"]}, {question: ["spaces", "codev"]}, {question: ["spaces"]},
                  {question: ["codev"]}, {question: ["spaces"]}])
    from app.extensions import db

    with app.app_context():
        (choice,) = cooperation_report(db.session, *data.PERIOD, now=data.NOW).feedback.by_choice
    assert choice.respondents == 5
    assert [(o.label["fi"], o.count) for o in choice.options] == [("Yhteiskehittäminen", 2), ("Asukastilat", 4)]
    assert theme_a and theme_b
