"""The ``make`` factory itself: every method returns a committed row, detached with its columns
loaded, and keyword overrides apply."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from app.extensions import db


def committed(app, row, model=None):
    """The row is detached, its columns readable, and a new session finds it in the database."""
    state = inspect(row)
    columns = [c.key for c in inspect(type(row)).column_attrs]
    assert state.detached and set(columns) <= set(state.dict)  # read without a session
    with app.app_context():
        fresh = db.session.get(model or type(row), row.id)
        assert fresh is not None
        return {key: getattr(fresh, key) for key in columns}


def test_series_occurrences_and_registrations(make):
    s = make.series(occurrences=4)
    occ = make.occurrences(s)
    assert len(occ) == 4 and occ[0].starts_at < occ[1].starts_at
    r = make.registration(occ[0], seats=2)
    assert r.status == "confirmed"
    assert make.occurrences(s)[0].seats_taken == 2
    assert make.occurrence().capacity == 20


def test_people_and_their_organisations(app, make):
    org = make.organization(name="Testi ry", district="eastern")
    assert committed(app, org)["name"] == "Testi ry" and org.district == "eastern"
    user = make.user("staff", organization=org, email="a@example.org")
    assert committed(app, user)["email"] == "a@example.org" and user.role == "staff"
    assert user.organization_id == org.id
    assert make.token(user).startswith("kht_")
    assert make.auth("ngo")["Authorization"].startswith("Bearer kht_")


def test_series_with_themes_and_a_past_occurrence(app, make):
    theme = make.theme(key="k", name_fi="Teema")
    series = make.series(themes=[theme, make.theme().id], district="eastern", occurrences=1)
    with app.app_context():
        from app.meetings.models import MeetingSeries

        assert sorted(t.key for t in db.session.get(MeetingSeries, series.id).themes)[0] == "k"
        assert len(db.session.get(MeetingSeries, series.id).themes) == 2
    past = make.past_occurrence(days_ago=3, title_fi="Mennyt")
    assert committed(app, past)["ends_at"] < datetime.now(timezone.utc) - timedelta(days=2)


def test_themes(app, make):
    theme = make.theme(name_fi="Viestintä", position=4, active=False)
    assert committed(app, theme)["name_fi"] == "Viestintä" and theme.position == 4 and not theme.active
    assert make.theme().key != make.theme().key
    default = make.default_theme("communication")
    assert committed(app, default)["key"] == "communication"
    assert make.default_theme("communication").id == default.id  # the defaults are made once


def test_spaces_bookings_requests_and_exceptions(app, make):
    space = make.space(name="Testitila", buffer_minutes=15)
    assert committed(app, space)["name"] == "Testitila"
    assert (space.district, space.capacity, space.closed_on_holidays) == ("central", 20, False)
    assert space.opening_hours is None
    start = datetime(2030, 1, 7, 10, tzinfo=timezone.utc)
    booking = make.booking(space, start, title="Kuoro", status="cancelled")
    values = committed(app, booking)
    assert values["title"] == "Kuoro" and values["status"] == "cancelled"
    assert booking.ends_at == start + timedelta(hours=2)
    assert booking.block_ends_at == booking.ends_at + timedelta(minutes=15)
    assert make.booking(space).title == "Varaus"
    ngo = make.user("ngo", organization=make.organization())
    request = make.booking_request(space, requester=ngo, headcount=5)
    assert committed(app, request)["headcount"] == 5
    assert (request.requester_id, request.organization_id, request.status) == (ngo.id, ngo.organization_id, "pending")
    exception = make.space_exception(space, date(2030, 1, 1), note="Suljettu")
    assert committed(app, exception)["note"] == "Suljettu" and exception.hours is None


def test_feedback_form_invitation_and_response(app, make):
    occ = make.past_occurrence()
    registration = make.registration(occ)
    form = make.feedback_form(occ.series_id, anonymous=True)
    assert committed(app, form)["anonymous"] is True
    questions = make.questions(form)
    text = next(q for q in questions if q.kind == "text")
    invitation = make.feedback_invitation(registration, locale="sv")
    assert committed(app, invitation)["form_id"] == form.id and invitation.locale == "sv"
    response = make.feedback_response(invitation, {text.id: "Hyvä"})
    assert committed(app, response)["invitation_id"] == invitation.id
    with app.app_context():
        from app.feedback.models import FeedbackInvitation, FeedbackResponse

        assert [a.text for a in db.session.get(FeedbackResponse, response.id).answers] == ["Hyvä"]
        assert db.session.get(FeedbackInvitation, invitation.id).responded_at is not None
    own = make.feedback_form(make.series().id, questions=[{"kind": "rating", "text_fi": "Arvio"}])
    assert [q.text_fi for q in make.questions(own)] == ["Arvio"]


def test_topics_with_votes(app, make):
    occ = make.occurrence()
    voters = [make.user("ngo"), make.user("ngo")]
    topic = make.topic(occ, title="Aihe", status="taken_up", voters=voters)
    values = committed(app, topic)
    assert values["title"] == "Aihe" and values["series_id"] == occ.series_id and values["votes_count"] == 2
    with app.app_context():
        from app.feedback.models import TopicVote

        assert db.session.scalar(db.select(db.func.count(TopicVote.id))) == 2


def test_records_attachments_and_outcomes(app, make):
    occ = make.past_occurrence()
    record = make.record(occ, summary={"fi": "Pöytäkirja"})
    assert committed(app, record)["summary_fi"] == "Pöytäkirja" and record.published_at is None
    assert make.record(make.past_occurrence(), summary={"fi": "x"}, publish=True).published_at is not None
    attachment = make.attachment(occ, filename="esitys.pdf")
    assert committed(app, attachment)["occurrence_id"] == occ.id
    outcome = make.outcome(title={"fi": "Tulos"})
    assert committed(app, outcome)["title_fi"] == "Tulos"


def test_subscriptions(app, make):
    user = make.user("ngo")
    theme = make.default_theme()
    subscription = make.subscription(user, theme=theme, frequency="weekly")
    values = committed(app, subscription)
    assert (values["theme_id"], values["district"], values["frequency"]) == (theme.id, None, "weekly")
    assert make.subscription(user, district="eastern").key != subscription.key


def test_guidance_hours_and_appointments(app, make):
    staff = make.user("staff")
    hour = make.guidance_hour(advisers=[staff], title_fi="Neuvonta")
    assert committed(app, hour)["title_fi"] == "Neuvonta"
    windows = make.guidance_windows(hour)
    assert len(windows) == 4
    appointment = make.appointment(hour, name="Maija")
    assert committed(app, appointment)["name"] == "Maija" and appointment.starts_at == windows[0].starts_at


@pytest.mark.parametrize("method", ["space", "theme", "organization"])
def test_each_call_is_its_own_row(make, method):
    first, second = getattr(make, method)(), getattr(make, method)()
    assert first.id != second.id
