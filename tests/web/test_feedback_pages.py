"""Feedback pages: the participant's questionnaire and the staff editor, results and status pages."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.feedback import services
from app.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackQuestion, FeedbackResponse
from tests.unit.feedback.conftest import invite  # noqa: F401  (fixture)


def _question_ids(app, occ):
    with app.app_context():
        form = services.form_for_series(occ.series_id)
        ids = {q.key: q.id for q in form.questions}
        db.session.remove()
    return ids


def _valid_post(ids, **overrides):
    data = {f"q{ids[k]}": "4" for k in ("usefulness", "influence", "networking", "communication", "continuity")}
    data[f"q{ids['themes_to_continue']}"] = ["grants", "networking"]
    data[f"q{ids['city_next']}"] = "Jatketaan samaan malliin."
    data.update({f"q{ids[k]}": v for k, v in overrides.items()})
    return data


def test_form_page_is_accessible_and_in_the_registrants_language(app, client, invite):
    occ, [(_id, token)] = invite()
    response = client.get(f"/feedback/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fi">' in html
    assert "Kuinka hyödyllinen tapaaminen oli järjestöllesi?" in html
    assert html.count("<fieldset") == 6 and html.count("<legend>") == 6  # five ratings + one multiple choice
    assert 'type="radio"' in html and 'type="checkbox"' in html
    assert html.count('type="radio"') == 25 and html.count('type="checkbox"') == 5
    assert re.search(r'<label for="q\d+-first">1 – ', html)  # every value has a text label
    assert "<textarea" in html
    # Switch language: the same link in Swedish.
    html_sv = client.get(f"/feedback/{token}?lang=sv").get_data(as_text=True)
    assert "Hur nyttigt var mötet för din organisation?" in html_sv and '<html lang="sv">' in html_sv


def test_swedish_registrant_gets_swedish_form(app, client, make, invite):
    occ, [(_id, token)] = invite()
    with app.app_context():
        from app.feedback.models import FeedbackInvitation

        db.session.get(FeedbackInvitation, _id).locale = "sv"
        db.session.commit()
    html = client.get(f"/feedback/{token}").get_data(as_text=True)
    assert "Hur nyttigt var mötet" in html


def test_submit_thank_you_and_reopen_to_edit(app, client, invite):
    occ, [(_id, token)] = invite()
    ids = _question_ids(app, occ)
    response = client.post(f"/feedback/{token}", data=_valid_post(ids))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/feedback/{token}/thanks")
    thanks = client.get(f"/feedback/{token}/thanks").get_data(as_text=True)
    assert f'href="/feedback/{token}"' in thanks  # the same link re-opens the filled form
    reopened = client.get(f"/feedback/{token}").get_data(as_text=True)
    assert re.search(rf'name="q{ids["usefulness"]}" value="4" checked', reopened)
    assert "Jatketaan samaan malliin." in reopened
    # A second submission edits the first one.
    client.post(f"/feedback/{token}", data=_valid_post(ids, usefulness="1"))
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackResponse.id))) == 1
        rating = db.session.scalar(select(FeedbackAnswer.rating).where(FeedbackAnswer.question_id == ids["usefulness"]))
        assert rating == 1


def test_invalid_answers_reshow_everything_with_clear_errors(app, client, invite):
    occ, [(_id, token)] = invite()
    ids = _question_ids(app, occ)
    data = _valid_post(ids, usefulness="6")
    data[f"q{ids['themes_to_continue']}"] = ["grants", "hacker"]
    response = client.post(f"/feedback/{token}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert f'id="q{ids["usefulness"]}-error"' in html and f'id="q{ids["themes_to_continue"]}-error"' in html
    assert f'id="q{ids["influence"]}-error"' not in html
    assert f'href="#q{ids["usefulness"]}-first"' in html and f'href="#q{ids["themes_to_continue"]}-first"' in html
    assert f'aria-describedby="q{ids["usefulness"]}-error"' in html
    # Nothing is lost: the other answers are still there.
    assert re.search(rf'name="q{ids["influence"]}" value="4" checked', html)
    assert re.search(rf'name="q{ids["themes_to_continue"]}" value="grants" checked', html)
    assert "Jatketaan samaan malliin." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackResponse.id))) == 0


def test_missing_required_answer(app, client, invite):
    occ, [(_id, token)] = invite()
    ids = _question_ids(app, occ)
    data = _valid_post(ids)
    del data[f"q{ids['continuity']}"]
    response = client.post(f"/feedback/{token}", data=data)
    assert response.status_code == 400
    assert f'id="q{ids["continuity"]}-error"' in response.get_data(as_text=True)


def test_tampered_and_unknown_links_are_404_with_a_clear_message(app, client, invite):
    _occ, [(_id, token)] = invite()
    with app.test_request_context("/?lang=fi"):
        expected = str(services.invitation_for_token.__globals__["_l"](
            "This feedback link is not valid. Check that you copied the whole link from the "
            "email, or contact the meeting organiser."))
    for bad in (token[:-3] + "xyz", "abc", f"{token}/thanks".replace(token, "zzz")):
        response = client.get(f"/feedback/{bad}")
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert expected in html
    assert client.post(f"/feedback/{token[:-3]}xyz", data={}).status_code == 404


def test_expired_form_shows_the_closed_page(app, client, invite):
    occ, [(invitation_id, token)] = invite()
    with app.app_context():
        from app.feedback.models import FeedbackInvitation

        invitation = db.session.get(FeedbackInvitation, invitation_id)
        invitation.closes_at = invitation.closes_at - timedelta(days=30)
        db.session.commit()
    ids = _question_ids(app, occ)
    assert client.get(f"/feedback/{token}").status_code == 410
    response = client.post(f"/feedback/{token}", data=_valid_post(ids))
    assert response.status_code == 410
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackResponse.id))) == 0


def test_staff_pages_require_staff(client, make, login, invite):
    occ, _ = invite()
    for url in ("/feedback/", f"/feedback/series/{occ.series_id}", f"/feedback/series/{occ.series_id}/results",
                f"/feedback/occurrences/{occ.id}"):
        assert client.get(url).status_code == 302  # to the login page
    login(make.user("ngo"))
    for url in ("/feedback/", f"/feedback/series/{occ.series_id}", f"/feedback/occurrences/{occ.id}"):
        assert client.get(url).status_code == 403


def test_staff_edit_settings_and_questions(app, client, make, login):
    staff = make.user("staff")
    series = make.series(occurrences=1)
    login(staff)
    # Opening the page (a GET) creates nothing; the explicit button does.
    first = client.get(f"/feedback/series/{series.id}")
    assert first.status_code == 200 and "Luo palautelomake" in first.get_data(as_text=True)
    with app.app_context():
        from app.feedback.services import form_for_series
        assert form_for_series(series.id) is None
    assert client.get(f"/feedback/series/{series.id}/questions/new").status_code == 302
    with app.app_context():
        assert form_for_series(series.id) is None
    created = client.post(f"/feedback/series/{series.id}", data={})
    assert created.status_code == 302
    page = client.get(f"/feedback/series/{series.id}")
    assert page.status_code == 200 and "Kuinka hyödyllinen" in page.get_data(as_text=True)
    assert f"/feedback/series/{series.id}/results" in client.get("/feedback/").get_data(as_text=True)
    bad = client.post(f"/feedback/series/{series.id}", data={"open_days": "0", "send_after_hours": "2",
                                                            "remind_after_days": "3"})
    assert bad.status_code == 400
    ok = client.post(f"/feedback/series/{series.id}", data={"open_days": "21", "send_after_hours": "4",
                                                           "remind_after_days": "2", "anonymous": "y",
                                                           "enabled": "y", "intro_fi": "Tervetuloa"})
    assert ok.status_code == 302
    response = client.post(f"/feedback/series/{series.id}/questions/new", data={
        "kind": "single", "text_fi": "Mikä kanava?", "options": "mail | Sähköposti\nmail | Tuplana", "theme_id": "0"})
    assert response.status_code == 400 and "mail" in response.get_data(as_text=True)
    response = client.post(f"/feedback/series/{series.id}/questions/new", data={
        "kind": "single", "text_fi": "Mikä kanava?", "text_en": "Which channel?",
        "options": "mail | Sähköposti | E-post | Email\nweb | Verkko", "theme_id": "0"})
    assert response.status_code == 302
    with app.app_context():
        form = db.session.scalar(select(FeedbackForm).filter_by(series_id=series.id))
        assert (form.open_days, form.send_after_hours, form.anonymous, form.intro_fi) == (21, 4, True, "Tervetuloa")
        question = db.session.scalar(select(FeedbackQuestion).filter_by(text_fi="Mikä kanava?"))
        assert question.position == 7 and question.options[0]["en"] == "Email"
        qid = question.id
        db.session.remove()
    edit = client.get(f"/feedback/questions/{qid}/edit").get_data(as_text=True)
    assert "mail | Sähköposti | E-post | Email" in edit
    assert client.post(f"/feedback/questions/{qid}/move", data={"direction": "up"}).status_code == 302
    assert client.post(f"/feedback/questions/{qid}/move", data={"direction": "sideways"}).status_code == 400
    assert client.post(f"/feedback/questions/{qid}/edit", data={
        "kind": "multiple", "text_fi": "Mitkä kanavat?", "options": "mail | Sähköposti\nweb | Verkko",
        "theme_id": "0", "required": "y"}).status_code == 302
    with app.app_context():
        question = db.session.get(FeedbackQuestion, qid)
        assert (question.position, question.kind, question.required) == (6, "multiple", True)
        db.session.remove()
    assert client.post(f"/feedback/questions/{qid}/delete").status_code == 200  # confirmation page
    assert client.post(f"/feedback/questions/{qid}/delete", data={"confirm": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(FeedbackQuestion, qid) is None


def test_results_and_status_pages(app, client, make, login, invite):
    occ, invitations = invite(n=3)
    ids = _question_ids(app, occ)
    client.post(f"/feedback/{invitations[0][1]}", data=_valid_post(ids))
    login(make.user("staff"))
    results = client.get(f"/feedback/series/{occ.series_id}/results").get_data(as_text=True)
    assert "Kuinka hyödyllinen" in results and "4.0" in results
    assert "Jatketaan samaan malliin." not in results  # fewer than five respondents
    status = client.get(f"/feedback/occurrences/{occ.id}")
    html = status.get_data(as_text=True)
    assert status.status_code == 200
    assert html.count("<tr>") == 3  # header + two who have not answered


def test_anonymous_status_page_names_no_one(app, client, make, login, invite):
    occ, _ = invite(n=2, anonymous=True)
    login(make.user("staff"))
    html = client.get(f"/feedback/occurrences/{occ.id}").get_data(as_text=True)
    assert "@example.org" not in html


def test_feedback_index_lists_series_with_fixed_query_count(app, client, make, login, count_queries):
    login(make.user("staff"))
    make.series(occurrences=1)
    with count_queries() as few:
        assert client.get("/feedback/").status_code == 200
    for _ in range(5):
        make.series(occurrences=1)
    with count_queries() as many:
        html = client.get("/feedback/").get_data(as_text=True)
    assert many.count == few.count
    assert html.count("/results") == 6


def test_removing_an_answered_question_asks_for_confirmation(app, client, make, login, invite):
    occ, [(_id, token)] = invite()
    ids = _question_ids(app, occ)
    client.post(f"/feedback/{token}", data=_valid_post(ids))
    login(make.user("staff"))
    first = client.post(f"/feedback/questions/{ids['usefulness']}/delete")
    assert first.status_code == 200 and 'name="confirm" value="yes"' in first.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FeedbackQuestion, ids["usefulness"]) is not None
    confirmed = client.post(f"/feedback/questions/{ids['usefulness']}/delete", data={"confirm": "yes"})
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.get(FeedbackQuestion, ids["usefulness"]) is None
        assert db.session.scalar(select(func.count(FeedbackAnswer.id))) == 6
