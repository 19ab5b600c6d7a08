"""`flask demo load` shows a living service (issue 17, item 5): past meetings with attendance,
feedback answers, topics in every state and a report that is not all zeros; idempotent."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.demo import load_demo_data
from app.extensions import db
from app.feedback.models import FeedbackResponse, TopicProposal
from app.meetings.models import MeetingOccurrence, Registration
from app.reports.services import cooperation_report, default_period


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (MeetingOccurrence, Registration, FeedbackResponse, TopicProposal))


def test_demo_has_history_and_is_idempotent(app, client, login):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        first = _counts()
        load_demo_data()
        db.session.commit()
        assert _counts() == first
        now = datetime.now(UTC)
        past = db.session.scalar(select(func.count()).select_from(MeetingOccurrence)
                                 .where(MeetingOccurrence.ends_at < now))
        assert past >= 4
        statuses = set(db.session.scalars(select(TopicProposal.status)))
        assert statuses == {"proposed", "taken_up", "declined"}
        assert db.session.scalar(select(func.count()).select_from(Registration)
                                 .where(Registration.attendance.is_not(None))) > 20
        report = cooperation_report(db.session, *default_period(now.date()), now=now)
        p = report.participation
        assert p.occurrences_held >= 4 and p.attendees > 0 and p.no_shows > 0
        assert report.feedback.responses >= 5 and report.feedback.response_rate < 1
        assert any(not q.suppressed and q.average for q in report.feedback.by_question)
        assert any(t.texts for t in report.feedback.by_theme)  # free texts shown: 5 or more respondents
        assert db.session.scalar(select(func.count()).select_from(Registration).where(
            Registration.attendance.is_not(None), Registration.occurrence_id.in_(
                select(MeetingOccurrence.id).where(MeetingOccurrence.starts_at > now)))) == 0
    from app.accounts.models import User
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "staff@kohtaamo.example"))
        series_id = db.session.scalar(select(MeetingOccurrence.series_id).where(MeetingOccurrence.ends_at < now))
    from app.demo import DEMO_PASSWORD

    login(staff, DEMO_PASSWORD)
    page = client.get(f"/meetings/manage/{series_id}?past=1&lang=en").get_data(as_text=True)
    assert "No dates." not in page and "/participants" in page
