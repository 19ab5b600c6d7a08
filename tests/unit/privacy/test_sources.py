"""The features' GDPR sources: booking requests, named feedback, agenda topics, and erasure's
cancellation through the meetings feature (the waiting list moves up)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, TopicProposal, TopicVote
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
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
    space = make.space()
    now = datetime.now(timezone.utc)
    with app.app_context():
        row = BookingRequest(space_id=space.id, requester_id=user.id, organization_id=user.organization_id,
                             title="Maijan juhlat", purpose=purpose, headcount=12,
                             starts_at=now + timedelta(days=9), ends_at=now + timedelta(days=9, hours=3))
        db.session.add(row)
        db.session.commit()
        return row.id


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
    start = (datetime.now(HEL) - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0,
                                                            tzinfo=None)
    occurrence = make.occurrence(start_local=start)
    registration = make.registration(occurrence, user_id=user.id, email=user.email)
    from app.feedback import services as feedback

    now = datetime.now(timezone.utc)
    with app.app_context():
        form = feedback.ensure_form(db.session.get(MeetingSeries, occurrence.series_id))
        form.anonymous = False
        db.session.flush()
        text_q = next(q for q in form.questions if q.kind == "text")
        rating_q = next(q for q in form.questions if q.kind == "rating")
        invitation = FeedbackInvitation(occurrence_id=occurrence.id, registration_id=registration.id,
                                        form_id=form.id, secret="s" * 32, sent_at=now, responded_at=now,
                                        closes_at=now + timedelta(days=14))
        db.session.add(invitation)
        db.session.flush()
        response = FeedbackResponse(invitation_id=invitation.id, occurrence_id=occurrence.id, form_id=form.id,
                                    registration_id=registration.id)
        response.answers.extend([FeedbackAnswer(question_id=text_q.id, text=text),
                                 FeedbackAnswer(question_id=rating_q.id, rating=4)])
        db.session.add(response)
        db.session.commit()
        return response.id, feedback.make_token(invitation)


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
    with app.app_context():
        mine = TopicProposal(occurrence_id=occurrence.id, title="Oma aihe", description="Kuvaus",
                             proposer_id=user.id, votes_count=2)
        theirs = TopicProposal(occurrence_id=occurrence.id, title="Toisen aihe", proposer_id=other.id,
                               votes_count=1)
        db.session.add_all([mine, theirs])
        db.session.flush()
        db.session.add_all([TopicVote(proposal_id=mine.id, user_id=user.id),
                            TopicVote(proposal_id=mine.id, user_id=other.id),
                            TopicVote(proposal_id=theirs.id, user_id=user.id)])
        db.session.commit()
        mine_id, theirs_id = mine.id, theirs.id
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
