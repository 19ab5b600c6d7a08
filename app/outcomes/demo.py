"""Demo data of the cooperation loop, part 2: what came of the demo forum's topics (after
``app/records/demo.py``; idempotent: skipped when the outcomes exist)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.feedback.models import TopicProposal
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingTheme
from app.outcomes import services
from app.outcomes.models import Outcome

# (title, final status, theme key, the demo topic's title)
OUTCOMES = [
    ({"fi": "Avustushaut porrastetaan kahteen hakukierrokseen", "sv": "Understödsansökningarna delas upp i två omgångar",
      "en": "Grant applications split into two rounds"}, "in_progress", "grant-guidance",
     "Avustushakujen aikataulut 2027"),
    ({"fi": "Järjestöjen yhteinen uutiskirje", "sv": "Gemensamt nyhetsbrev för föreningarna",
      "en": "A shared newsletter for NGOs"}, "done", "communication", "Yhteinen uutiskirje järjestöille"),
    ({"fi": "Asukastilojen sunnuntaiaukiolo", "sv": "Invånarlokaler öppna på söndagar",
      "en": "Resident spaces open on Sundays"}, "declined", "resident-spaces", "Asukastilat auki myös sunnuntaisin"),
]
NOTE = {"fi": "Asia eteni kaupungin valmistelussa.", "sv": "Ärendet gick vidare i stadens beredning.",
        "en": "The matter moved forward in the city's preparation."}


def load_outcomes_demo() -> None:
    """Outcomes of the demo topics with a timeline; nobody is mailed about the demo's history."""
    staff = db.session.scalar(select(User).where(User.email == "staff@kohtaamo.example"))
    if staff is None or db.session.scalar(select(Outcome.id).where(Outcome.title_fi == OUTCOMES[0][0]["fi"])):
        return
    themes = {t.key: t for t in db.session.scalars(select(MeetingTheme))}
    last_mail = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    for title, status, theme_key, topic_title in OUTCOMES:
        topic = db.session.scalar(select(TopicProposal).where(TopicProposal.title == topic_title)
                                  .order_by(TopicProposal.id))
        if topic is None:
            continue
        occurrence_id = topic.linked_occurrence_id or topic.occurrence_id
        created_at = topic.created_at + timedelta(days=15)
        outcome = services.create_outcome(services.OutcomeData(
            title=title, status="open", topic_ids=[topic.id], occurrence_ids=[occurrence_id] if occurrence_id else [],
            theme_ids=[themes[theme_key].id] if theme_key in themes else []), actor=staff, now=created_at)
        services.update_outcome(outcome, services.OutcomeData(status=status, note=NOTE), actor=staff,
                                now=created_at + timedelta(days=7))
    db.session.flush()
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id > last_mail, OutboxMessage.kind.in_(
        ("outcome_created", "outcome_changed"))))
