"""Demo data of the cooperation loop, part 1: past meetings with published records, materials and
topics (called from ``flask demo load``; idempotent by the series' Finnish title). The outcomes of
those topics come from ``app/outcomes/demo.py``."""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Organization, User
from app.extensions import db
from app.feedback.models import TopicProposal, TopicVote
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, Registration
from app.records import materials, services
from app.records.samples import sample_pdf, sample_png

DEMO_TITLE = "Järjestöyhteistyön kehittämisfoorumi"
HELSINKI = ZoneInfo("Europe/Helsinki")

MINUTES = [
    ({"fi": "Käsiteltiin avustushakujen aikataulua ja asukastilojen varausjärjestelmää. Sovittiin, että "
            "kaupunki kokoaa järjestöjen toiveet hakuaikojen porrastamisesta.",
      "sv": "Vi behandlade tidtabellen för understödsansökningar och bokningssystemet för invånarlokaler. "
            "Staden samlar föreningarnas önskemål om stegvisa ansökningstider.",
      "en": "We discussed the grant application schedule and the booking of resident spaces. The city will "
            "collect the NGOs' wishes about staggered application periods."},
     "Avustushakujen aikataulut 2027"),
    ({"fi": "Esiteltiin järjestöjen viestintäkanavien kartoitus. Järjestöt toivoivat yhteistä uutiskirjettä.",
      "sv": "Kartläggningen av föreningarnas kommunikationskanaler presenterades. Föreningarna önskade ett "
            "gemensamt nyhetsbrev.",
      "en": None},
     "Yhteinen uutiskirje järjestöille"),
    ({"fi": "Keskusteltiin asukastilojen aukioloajoista iltaisin ja viikonloppuisin.", "sv": None, "en": None},
     "Asukastilat auki myös sunnuntaisin"),
]

def load_records_demo() -> None:
    """Insert the demo series with three past meetings, unless it exists."""
    if db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.title_fi == DEMO_TITLE)):
        return
    staff = db.session.scalar(select(User).where(User.email == "staff@kohtaamo.example"))
    ngo = db.session.scalar(select(User).where(User.email == "ngo@kohtaamo.example"))
    swedish = db.session.scalar(select(User).where(User.email == "forening@kohtaamo.example"))
    if staff is None or ngo is None:
        return
    from app.mail.models import OutboxMessage

    last_mail = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    themes = {t.key: t for t in db.session.scalars(select(MeetingTheme))}
    now = datetime.now(timezone.utc)
    first_day = (now.astimezone(HELSINKI) - timedelta(days=84)).date()
    series = MeetingSeries(
        uid=f"{uuid.uuid4()}@kohtaamo.demo", title_fi=DEMO_TITLE, title_sv="Forum för utveckling av föreningssamarbetet",
        title_en="NGO cooperation development forum",
        description_fi="Järjestöjen ja kaupungin yhteinen foorumi, joka kokoontui syksyllä kolme kertaa.",
        description_sv="Föreningarnas och stadens gemensamma forum, som träffades tre gånger under hösten.",
        description_en="A joint forum of NGOs and the city that met three times in the autumn.",
        start_local=datetime.combine(first_day, time(17, 0)), timezone="Europe/Helsinki", duration_minutes=120,
        rrule="FREQ=WEEKLY;INTERVAL=4;COUNT=3", capacity=40, waitlist=True, max_seats_per_registration=2,
        location="Kaupungintalo, Pohjoisesplanadi 11–13, Helsinki", district="southern", status="published",
        created_by_id=staff.id, materialised_until=now)
    series.themes = [themes[k] for k in ("co-development", "communication", "grant-guidance") if k in themes]
    db.session.add(series)
    db.session.flush()
    orgs = list(db.session.scalars(select(Organization).order_by(Organization.id).limit(4)))
    occurrences = []
    for index in range(3):
        local = datetime.combine(first_day + timedelta(days=28 * index), time(17, 0), tzinfo=HELSINKI)
        start = local.astimezone(timezone.utc)
        occurrence = MeetingOccurrence(series_id=series.id, recurrence_id=start, starts_at=start,
                                       ends_at=start + timedelta(minutes=120), capacity=40)
        db.session.add(occurrence)
        db.session.flush()
        occurrences.append(occurrence)
        people = [(ngo, orgs[0] if orgs else None, True)]
        if swedish is not None:
            people.append((swedish, orgs[3] if len(orgs) > 3 else None, False))
        for user, org, listed in people:
            db.session.add(Registration(
                occurrence_id=occurrence.id, user_id=user.id, name=user.name, email=user.email,
                organization_id=org.id if org else None, seats=1, status="confirmed", attendance="present",
                show_on_participant_list=listed, locale=user.locale, manage_secret=secrets.token_hex(16),
                created_at=start - timedelta(days=7)))
            occurrence.seats_taken += 1
    db.session.flush()
    topics = []
    for index, (_minutes, topic_title) in enumerate(MINUTES):
        occurrence = occurrences[index]
        topic = TopicProposal(occurrence_id=occurrence.id, series_id=series.id, title=topic_title,
                              proposer_id=ngo.id, organization_id=ngo.organization_id, status="taken_up",
                              linked_occurrence_id=occurrence.id, decided_by_id=staff.id,
                              decided_at=occurrence.starts_at - timedelta(days=2), votes_count=1,
                              created_at=occurrence.starts_at - timedelta(days=10))
        db.session.add(topic)
        db.session.flush()
        if swedish is not None:
            db.session.add(TopicVote(proposal_id=topic.id, user_id=swedish.id))
        topics.append(topic)
    db.session.flush()
    for index, (minutes, _topic_title) in enumerate(MINUTES):
        occurrence = occurrences[index]
        published_at = occurrence.ends_at + timedelta(days=2)
        services.save_record(occurrence, services.RecordData(
            agenda={"fi": "1. Avaus\n2. Ajankohtaiset asiat\n3. Järjestöjen ehdottamat aiheet\n4. Seuraava tapaaminen",
                    "sv": "1. Öppning\n2. Aktuellt\n3. Ämnen som föreningarna föreslagit\n4. Nästa träff",
                    "en": "1. Opening\n2. News\n3. Topics proposed by NGOs\n4. Next meeting"},
            summary=minutes), actor=staff, publish=True, now=published_at)
        materials.upload_attachment(occurrence, materials.Upload(
            filename="esityslista.pdf", data=sample_pdf(f"Esityslista {index + 1}"), title="Esityslista",
            public_before_meeting=True), actor=staff, now=occurrence.starts_at - timedelta(days=3))
        materials.upload_attachment(occurrence, materials.Upload(
            filename="kalvot.png", data=sample_png(rgb=(0, 0, 191 - 40 * index)), title="Kalvot"),
            actor=staff, now=occurrence.ends_at)
    db.session.flush()
    # The demo's history happened "in the past": nobody is mailed about it.
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id > last_mail, OutboxMessage.kind.in_(
        ("record_published",))))
