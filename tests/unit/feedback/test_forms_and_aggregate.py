"""Staff editing of forms and questions; aggregation in SQL with a fixed number of queries."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.audit import AuditEvent
from app.errors import ValidationError
from app.feedback import services
from app.feedback.models import FeedbackForm, FeedbackInvitation
from app.meetings.models import MeetingSeries


def _form(ctx, series_id):
    return services.ensure_form(ctx.get(MeetingSeries, series_id))


def test_add_edit_reorder_delete_questions_with_audit(make, ctx):
    staff = make.user("staff")
    series = make.series(occurrences=1)
    form = _form(ctx, series.id)
    added = services.add_question(form, services.QuestionData(
        kind="single", text={"fi": "Paras kanava?", "sv": "Bästa kanalen?", "en": "Best channel?"},
        options=services.parse_options_text("mail | Sähköposti | E-post | Email\nweb | Verkko")), actor=staff)
    assert added.position == 7 and added.options[1] == {"key": "web", "fi": "Verkko", "sv": "", "en": ""}
    services.move_question(added, "up", actor=staff)
    positions = [q.key for q in services.load_form(form.id).questions]
    assert positions[-2:] == [None, "city_next"]
    services.update_question(added, services.QuestionData(kind="multiple", text={"fi": "Kanavat?"},
                                                          options=added.options, required=True), actor=staff)
    assert added.kind == "multiple" and added.required and added.text_sv is None
    services.delete_question(added, actor=staff)
    ctx.commit()
    assert len(services.load_form(form.id).questions) == 7
    actions = ctx.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-4:] == ["feedback_question.create", "feedback_question.move", "feedback_question.update",
                            "feedback_question.delete"]


@pytest.mark.parametrize("data,field", [
    (services.QuestionData(kind="rating", text={"fi": ""}), "text_fi"),
    (services.QuestionData(kind="essay", text={"fi": "X"}), "kind"),
    (services.QuestionData(kind="single", text={"fi": "X"}, options=[]), "options"),
    (services.QuestionData(kind="single", text={"fi": "X"}, options=[{"key": "a", "fi": "A"}, {"key": "a", "fi": "B"}]),
     "options"),
    (services.QuestionData(kind="single", text={"fi": "X"}, options=[{"key": "Ä ö", "fi": "A"}]), "options"),
    (services.QuestionData(kind="single", text={"fi": "X"}, options=[{"key": "a", "fi": ""}]), "options"),
    (services.QuestionData(kind="rating", text={"fi": "X"}, theme_id=999), "theme_id"),
])
def test_invalid_questions_are_refused(make, ctx, data, field):
    form = _form(ctx, make.series(occurrences=1).id)
    with pytest.raises(ValidationError) as caught:
        services.add_question(form, data, actor=None)
    assert field in caught.value.fields


def test_options_text_round_trip():
    options = services.parse_options_text("a | A fi | A sv | A en\n\nb | B fi\nPelkkä teksti")
    assert options == [{"key": "a", "fi": "A fi", "sv": "A sv", "en": "A en"},
                       {"key": "b", "fi": "B fi", "sv": "", "en": ""},
                       {"key": "o4", "fi": "Pelkkä teksti", "sv": "", "en": ""}]
    assert services.parse_options_text(services.options_as_text(options)) == options


def test_settings_validation_and_anonymity_locked_after_answers(invite, ctx):
    occ, [(_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    form = ctx.get(FeedbackForm, invitation.form_id)
    with pytest.raises(ValidationError) as caught:
        services.update_form_settings(form, services.FormSettings(open_days=0, send_after_hours=-1,
                                                                  remind_after_days=99), actor=None)
    assert set(caught.value.fields) == {"open_days", "send_after_hours", "remind_after_days"}
    services.update_form_settings(form, services.FormSettings(open_days=30, intro={"fi": "Hei"}), actor=None)
    assert ctx.get(FeedbackInvitation, invitation.id).closes_at == occ.ends_at + timedelta(days=30)
    assert form.intro_fi == "Hei" and form.intro_sv is None
    q = {x.key: x.id for x in form.questions}
    services.submit_response(invitation, {q[k]: "3" for k in ("usefulness", "influence", "networking",
                                                              "communication", "continuity")})
    with pytest.raises(ValidationError) as caught:
        services.update_form_settings(form, services.FormSettings(anonymous=True, open_days=30), actor=None)
    assert "anonymous" in caught.value.fields


def test_kind_cannot_change_once_answered(invite, ctx):
    _occ, [(_id, token)] = invite()
    invitation = services.invitation_for_token(token)
    form = services.load_form(invitation.form_id)
    q = {x.key: x for x in form.questions}
    services.submit_response(invitation, {q[k].id: "3" for k in ("usefulness", "influence", "networking",
                                                                 "communication", "continuity")})
    with pytest.raises(ValidationError):
        services.update_question(q["usefulness"], services.QuestionData(kind="text", text={"fi": "X"}), actor=None)
    services.update_question(q["usefulness"], services.QuestionData(kind="rating", text={"fi": "Hyöty?"},
                                                                    required=True), actor=None)


def _answer_all(ctx, tokens, ratings, themes, texts=None):
    for index, (_id, token) in enumerate(tokens):
        invitation = services.invitation_for_token(token)
        q = {x.key: x.id for x in services.load_form(invitation.form_id).questions}
        raw = {q[k]: str(ratings[index]) for k in ("usefulness", "influence", "networking", "communication",
                                                   "continuity")}
        raw[q["themes_to_continue"]] = themes[index]
        if texts:
            raw[q["city_next"]] = texts[index]
        services.submit_response(invitation, raw)
    ctx.commit()


def test_aggregate_counts_averages_and_options(invite, ctx):
    occ, tokens = invite(n=3)
    _answer_all(ctx, tokens, [5, 4, 2], [["grants"], ["grants", "networking"], []], ["a", "b", "c"])
    form = services.form_for_series(occ.series_id)
    result = services.aggregate_form(form, lang="en")
    assert result["respondents"] == 3 and result["texts_shown"] is False
    by_key = {q["key"]: q for q in result["questions"]}
    usefulness = by_key["usefulness"]
    assert usefulness["average"] == pytest.approx(3.67) and usefulness["answered"] == 3
    assert usefulness["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert usefulness["text"].startswith("How useful")
    options = {o["key"]: o["count"] for o in by_key["themes_to_continue"]["options"]}
    assert options["grants"] == 2 and options["networking"] == 1 and options["resident_spaces"] == 0
    assert by_key["themes_to_continue"]["answered"] == 2
    assert by_key["city_next"]["texts"] is None  # fewer than five respondents: no free texts
    assert services.aggregate_form(form, occurrence_id=occ.id + 999)["respondents"] == 0


def test_free_texts_shown_from_five_respondents(invite, ctx):
    occ, tokens = invite(n=5)
    _answer_all(ctx, tokens, [3] * 5, [[]] * 5, [f"teksti {i}" for i in range(5)])
    result = services.aggregate_form(services.form_for_series(occ.series_id))
    texts = next(q for q in result["questions"] if q["key"] == "city_next")["texts"]
    assert result["texts_shown"] and sorted(texts) == [f"teksti {i}" for i in range(5)]


def test_aggregate_query_count_does_not_grow_with_data(invite, ctx, count_queries):
    def measure(n):
        occ, tokens = invite(n=n)
        _answer_all(ctx, tokens, [(i % 5) + 1 for i in range(n)], [["grants", "networking"]] * n, ["x"] * n)
        form = services.form_for_series(occ.series_id)
        with count_queries() as counter:
            result = services.aggregate_form(form)
        ctx.rollback()
        assert result["respondents"] == n and result["texts_shown"]
        return counter.count

    assert measure(5) == measure(12)
