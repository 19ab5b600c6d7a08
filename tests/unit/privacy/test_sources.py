"""The features' GDPR sources: booking requests, named feedback, agenda topics, and erasure's
cancellation through the meetings feature (the waiting list moves up)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.feedback.models import FeedbackInvitation, FeedbackResponse, TopicProposal, TopicVote
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, Registration
from app.privacy import services
from app.spaces.models import BookingRequest

HEL = ZoneInfo("Europe/Helsinki")


def _user(make, email="poista@example.org"):
    return make.user("ngo", organization=make.organization(), email=email)


def test_erasure_of_an_upcoming_registration_promotes_the_waiting_list(app, make):
    user = _user(make)
    occurrence = make.occurrence(capacity=2)
    make.registration(occurrence, user_id=user.id, email=user.email, seats=2)
    waiting = make.registration(occurrence, email="jonossa@example.org", status="waitlisted", seats=1)
    with app.app_context():
        services.erase_person(db.session.get(User, user.id), actor=None)
        db.session.commit()
        assert db.session.get(Registration, waiting.id).status == "confirmed"
        assert db.session.get(MeetingOccurrence, occurrence.id).seats_taken == 1
        recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert "jonossa@example.org" in recipients  # the promoted person is told
    assert user.email not in recipients  # the erased person gets no cancellation mail


def _request(app, make, user, purpose="Syntymäpäivät, 40 v"):
    now = datetime.now(timezone.utc)
    return make.booking_request(make.space(), requester=user, title="Maijan juhlat", purpose=purpose, headcount=12,
                                start=now + timedelta(days=9), end=now + timedelta(days=9, hours=3)).id


def test_booking_requests_are_exported_and_erased(app, make):
    user = _user(make)
    request_id = _request(app, make, user)
    other = _request(app, make, _user(make, "muu@example.org"), purpose="Toisen tarkoitus")
    with app.app_context():
        data = services.export_person(db.session.get(User, user.id))
        assert [r["purpose"] for r in data["booking_requests"]] == ["Syntymäpäivät, 40 v"]
        assert data["booking_requests"][0]["title"] == "Maijan juhlat"
        counts = services.erase_person(db.session.get(User, user.id), actor=None)
        db.session.commit()
        assert counts["booking_requests"] == 1
        row = db.session.get(BookingRequest, request_id)
        assert row.requester_id is None and row.purpose == "" and "Maija" not in row.title
        assert row.status == "withdrawn" and row.headcount == 12  # nobody left to answer; the figures stay
        assert db.session.get(BookingRequest, other).purpose == "Toisen tarkoitus"
        assert services.export_person(db.session.get(User, user.id))["booking_requests"] == []


def _named_response(app, make, user, text="Kiitos, Maija täältä"):
    from app.feedback import services as feedback

    occurrence = make.past_occurrence()
    registration = make.registration(occurrence, user_id=user.id, email=user.email)
    now = datetime.now(timezone.utc)
    form = make.feedback_form(occurrence.series_id, anonymous=False)
    questions = make.questions(form)
    text_q = next(q for q in questions if q.kind == "text")
    rating_q = next(q for q in questions if q.kind == "rating")
    invitation = make.feedback_invitation(registration, form=form, secret="s" * 32, sent_at=now,
                                          closes_at=now + timedelta(days=14))
    response = make.feedback_response(invitation, {text_q.id: text, rating_q.id: 4}, responded_at=now)
    with app.app_context():
        return response.id, feedback.make_token(db.session.get(FeedbackInvitation, invitation.id))


def test_named_feedback_is_exported_and_erased_keeping_the_ratings(app, make):
    from app.feedback import services as feedback

    user = _user(make)
    response_id, token = _named_response(app, make, user)
    with app.app_context():
        exported = services.export_person(db.session.get(User, user.id))["feedback"]
        assert len(exported) == 1
        assert {a["text"] for a in exported[0]["answers"]} >= {"Kiitos, Maija täältä"}
        assert 4 in {a["rating"] for a in exported[0]["answers"]}
        assert services.erase_person(db.session.get(User, user.id), actor=None)["feedback"] == 1
        db.session.commit()
        response = db.session.get(FeedbackResponse, response_id)
        assert response.registration_id is None
        assert [a.text for a in response.answers if a.text] == []
        assert [a.rating for a in response.answers if a.rating] == [4]  # the report's figures stay
        assert db.session.scalar(select(func.count(FeedbackResponse.id))) == 1
        assert services.export_person(db.session.get(User, user.id))["feedback"] == []
    with app.app_context():
        import pytest

        from app.errors import NotFound

        with pytest.raises(NotFound):
            feedback.invitation_for_token(token)  # the old feedback link no longer opens the answers


def test_topic_proposals_and_votes_are_exported_and_erased(app, make):
    user = _user(make)
    other = _user(make, "muu@example.org")
    occurrence = make.occurrence()
    mine_id = make.topic(title="Oma aihe", description="Kuvaus", proposer_id=user.id, occurrence_id=occurrence.id,
                         voters=[user, other]).id
    theirs_id = make.topic(title="Toisen aihe", proposer_id=other.id, occurrence_id=occurrence.id,
                           voters=[user]).id
    with app.app_context():
        data = services.export_person(db.session.get(User, user.id))["topics"]
        assert [p["title"] for p in data["proposals"]] == ["Oma aihe"]
        assert sorted(v["proposal_id"] for v in data["votes"]) == sorted([mine_id, theirs_id])
        assert services.erase_person(db.session.get(User, user.id), actor=None)["topics"] == 3
        db.session.commit()
        assert db.session.get(TopicProposal, mine_id).proposer_id is None
        assert db.session.get(TopicProposal, theirs_id).proposer_id == other.id
        assert db.session.scalars(select(TopicVote.user_id)).all() == [other.id]
        assert db.session.get(TopicProposal, mine_id).votes_count == 2  # the support still counts
        assert services.export_person(db.session.get(User, user.id))["topics"] is None
