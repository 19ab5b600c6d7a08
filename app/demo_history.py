"""Demo history: meetings that have already happened, so that ``make run`` shows a living service.

``flask demo load`` calls :func:`load_demo_history` after the upcoming demo series exist. It adds
one series whose dates are all in the past (monthly, the last four months) with registrations of
the demo organisations, attendance marked present / no-show, feedback answers (ratings, themes and
free texts from at least five respondents per date, so that the report shows them), and topic
proposals: taken up, declined and still open (on the upcoming networking meeting, with support).

Rows are written directly (like a migration of history would be), not through the services: the
services rightly refuse to book the past, to mark attendance before a meeting or to send
feedback invitations by mail. Idempotent: nothing is added when the series already exists.
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence
import uuid
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from app.accounts.models import Organization, User
from app.extensions import db

HISTORY_TITLE_FI = "Järjestöjen ja kaupungin syysverkosto"

# (name, email, index in the organisation names given to load_demo_history or None, locale)
PEOPLE = [
    ("Niko Järvinen", "ngo@kohtaamo.example", 0, "fi"),
    ("Sofia Nyström", "forening@kohtaamo.example", 3, "sv"),
    ("Leena Korhonen", "leena.korhonen@kallio-seura.example", 0, "fi"),
    ("Mikko Salo", "mikko.salo@ita-kulttuuri.example", 1, "fi"),
    ("Aada Heikkinen", "aada@malmi.example", 2, "fi"),
    ("Johan Ek", "johan.ek@svenskahem.example", 3, "sv"),
    ("Tarja Mäkinen", "tarja@kontula.example", 4, "fi"),
    ("Olli Nieminen", "olli.nieminen@ita-kulttuuri.example", 1, "fi"),
    ("Sara Lind", "sara.lind@example.org", None, "en"),
]

# Per past date: which people registered (indices into PEOPLE) and who did not come.
NO_SHOWS = [{8, 5}, {4}, {6}, {7, 3}]

RATINGS = [  # usefulness, influence, networking, communication, continuity
    (5, 4, 5, 4, 3), (4, 3, 4, 4, 4), (5, 4, 4, 3, 3), (3, 3, 4, 2, 3), (4, 4, 5, 4, 4), (4, 3, 3, 3, 2),
    (5, 5, 4, 4, 4),
]

TEXTS = [
    "Lisää aikaa pienryhmäkeskusteluille.",
    "Kaupungin kannattaa kertoa, mitä edellisen tapaamisen ehdotuksille tapahtui.",
    "Avustusten hakuaikataulut yhteen paikkaan.",
    "Asukastilojen varaaminen helpommaksi pienille yhdistyksille.",
    "Hyvä tapaaminen, kiitos!",
    "Mer information på svenska, tack.",
    "Seuraavaksi nuorten osallisuus asialistalle.",
]

TOPICS = [
    # (title, description, person index, status, staff note)
    ("Avustusten hakuajat yhteiseen kalenteriin", "Kaikkien toimialojen avustusten hakuajat yhdestä paikasta.",
     2, "taken_up", "Käsitellään tapaamisessa; avustuspalvelut valmistelee koosteen."),
    ("Asukastilojen avaimet ja kulkuoikeudet", "Miten pieni yhdistys saa avaimen iltakäyttöön?",
     6, "taken_up", "Asukasosallisuus kertoo uudesta kulkuoikeusmallista."),
    ("Kaupungin oma somekanava järjestöille", None, 3, "declined",
     "Ei tällä kertaa: viestintä kokoaa ensin nykyiset kanavat."),
]

OPEN_TOPIC = ("Nuorten osallisuus järjestöjen toiminnassa",
              "Miten nuoret saadaan mukaan järjestöjen hallituksiin ja tapahtumiin?")


def _past_month_days(today: date, months: int = 4) -> list[date]:
    """The second Wednesday of each of the last ``months`` months (all before today)."""
    days: list[date] = []
    year, month = today.year, today.month
    while len(days) < months:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        first = date(year, month, 1)
        day = first + timedelta(days=(2 - first.weekday()) % 7 + 7)
        if day < today:
            days.append(day)
    return sorted(days)


def load_demo_history(organisation_names: Sequence[str], now: datetime | None = None) -> None:
    """Add the past series with its attendance, feedback and topics (idempotent)."""
    from app.feedback.models import FeedbackQuestion, TopicProposal, TopicVote
    from app.feedback.services import ensure_form
    from app.meetings import services as meetings
    from app.meetings.models import MeetingSeries

    if db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.title_fi == HISTORY_TITLE_FI)):
        return
    staff = db.session.scalar(select(User).where(User.email == "staff@kohtaamo.example"))
    if staff is None:
        return
    orgs = [db.session.scalar(select(Organization).where(Organization.name == name)) for name in organisation_names]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_([p[1] for p in PEOPLE])))}
    now = now or datetime.now(timezone.utc)
    themes = {t.key: t for t in meetings.ensure_default_themes()}
    series, occurrences = _history_series(_past_month_days(now.date()), staff, themes)

    form = ensure_form(series, actor=staff)
    questions = {q.key: q for q in db.session.scalars(select(FeedbackQuestion)
                                                      .where(FeedbackQuestion.form_id == form.id))}
    theme_keys = [k for k in ("co-development", "grant-guidance", "resident-spaces", "communication") if k in themes]
    for index, occurrence in enumerate(occurrences):
        _attendance_and_feedback(occurrence, index, form, questions, theme_keys, users, orgs)
    db.session.flush()

    _load_topics(occurrences, staff, users, orgs, TopicProposal, TopicVote)
    db.session.flush()


def _history_series(days: list, staff: User, themes: dict) -> tuple:
    """The past monthly series and its occurrences on ``days``."""
    from app.meetings.models import MeetingOccurrence, MeetingSeries
    from app.scheduling import localize

    series = MeetingSeries(
        uid=f"{uuid.uuid4()}@kohtaamo.demo", title_fi=HISTORY_TITLE_FI,
        title_sv="Höstens nätverk för föreningar och staden", title_en="Autumn network of NGOs and the City",
        description_fi="Syksyn tapaamissarja: yhteistyön käytännöt, avustukset ja asukastilat.",
        description_sv="Höstens mötesserie: samarbetets rutiner, understöd och invånarlokaler.",
        description_en="The autumn series: ways of cooperating, grants and resident spaces.",
        organiser_unit="Kulttuurin ja vapaa-ajan toimiala", language="fi",
        start_local=datetime.combine(days[0], time(17, 0)), timezone="Europe/Helsinki", duration_minutes=120,
        rrule=f"FREQ=MONTHLY;BYDAY=2WE;COUNT={len(days)}", capacity=40, waitlist=True,
        max_seats_per_registration=2, location="Kaupungintalo, Pohjoisesplanadi 11–13, Helsinki",
        district="southern", status="published", created_by_id=staff.id,
        materialised_until=localize(datetime.combine(days[-1], time(19, 0)), "Europe/Helsinki"))
    series.themes = [themes[k] for k in ("co-development", "grant-guidance", "resident-spaces") if k in themes]
    db.session.add(series)
    db.session.flush()
    occurrences = []
    for day in days:
        start = localize(datetime.combine(day, time(17, 0)), "Europe/Helsinki")
        occurrence = MeetingOccurrence(series_id=series.id, recurrence_id=start, starts_at=start,
                                       ends_at=start + timedelta(hours=2), status="scheduled", capacity=40,
                                       seats_taken=0)
        db.session.add(occurrence)
        occurrences.append(occurrence)
    db.session.flush()
    return series, occurrences


def _attendance_and_feedback(occurrence, index: int, form, questions: dict, theme_keys: list, users: dict,
                             orgs: list) -> None:
    """One past date: registrations marked present or absent, invitations, and most people's answers."""
    from app.feedback.models import FeedbackInvitation, FeedbackResponse
    from app.meetings.models import Registration

    ended = occurrence.ends_at
    registered = [i for i in range(len(PEOPLE)) if (i + index) % 5 != 0 or i < 2]
    answered = 0
    for person_index in registered:
        name, email, org_index, locale = PEOPLE[person_index]
        user = users.get(email)
        no_show = person_index in NO_SHOWS[index % len(NO_SHOWS)]
        registration = Registration(
            occurrence_id=occurrence.id, user_id=user.id if user else None, name=name, email=email,
            organization_id=orgs[org_index].id if org_index is not None and orgs[org_index] else None,
            organization_name=None if org_index is not None else "Vapaaehtoisverkosto",
            seats=1, status="confirmed", show_on_participant_list=person_index % 2 == 0,
            consent_at=occurrence.starts_at - timedelta(days=7), locale=locale,
            manage_secret=secrets.token_hex(16), attendance="no_show" if no_show else "present",
            created_at=occurrence.starts_at - timedelta(days=10 - person_index % 5))
        db.session.add(registration)
        occurrence.seats_taken += 1
        db.session.flush()
        if no_show:
            continue
        invitation = FeedbackInvitation(occurrence_id=occurrence.id, registration_id=registration.id,
                                        form_id=form.id, secret=secrets.token_hex(16), locale=locale,
                                        sent_at=ended + timedelta(hours=2), closes_at=ended + timedelta(days=14))
        db.session.add(invitation)
        db.session.flush()
        if answered >= len(RATINGS) or (person_index + index) % 4 == 3:
            continue  # invited, did not answer: the response rate is not 100 %
        response = FeedbackResponse(invitation_id=invitation.id, occurrence_id=occurrence.id, form_id=form.id,
                                    registration_id=registration.id, locale=locale,
                                    submitted_at=ended + timedelta(hours=5 + answered))
        db.session.add(response)
        db.session.flush()
        _answers(response, questions, theme_keys, answered + index)
        invitation.responded_at = response.submitted_at
        answered += 1


def _answers(response, questions: dict, theme_keys: list, turn: int) -> None:
    """The ratings, two themes to continue and a free text of one response (varied by ``turn``)."""
    from app.feedback.models import FeedbackAnswer

    rating_keys = ("usefulness", "influence", "networking", "communication", "continuity")
    for key, rating in zip(rating_keys, RATINGS[turn % len(RATINGS)]):
        if key in questions:
            db.session.add(FeedbackAnswer(response_id=response.id, question_id=questions[key].id, rating=rating))
    if "themes_to_continue" in questions and theme_keys:
        picks = [theme_keys[turn % len(theme_keys)], theme_keys[(turn + 1) % len(theme_keys)]]
        db.session.add(FeedbackAnswer(response_id=response.id, question_id=questions["themes_to_continue"].id,
                                      choices=sorted(set(picks))))
    if "city_next" in questions:
        db.session.add(FeedbackAnswer(response_id=response.id, question_id=questions["city_next"].id,
                                      text=TEXTS[turn % len(TEXTS)]))


def _load_topics(occurrences, staff, users, orgs, TopicProposal, TopicVote) -> None:
    """Decided topics on the past dates; one open proposal with support on the next networking meeting."""
    from app.meetings.models import MeetingOccurrence, MeetingSeries

    for index, (title, description, person_index, status, note) in enumerate(TOPICS):
        name, email, org_index, _locale = PEOPLE[person_index]
        target = occurrences[min(index, len(occurrences) - 1)]
        db.session.add(TopicProposal(
            occurrence_id=target.id, series_id=target.series_id, title=title, description=description,
            proposer_id=users[email].id if email in users else None,
            organization_id=orgs[org_index].id if org_index is not None and orgs[org_index] else None,
            status=status, linked_occurrence_id=target.id if status == "taken_up" else None, staff_note=note,
            decided_by_id=staff.id, decided_at=target.starts_at - timedelta(days=2), votes_count=0,
            created_at=target.starts_at - timedelta(days=12)))
    upcoming = db.session.scalar(
        select(MeetingOccurrence).join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
        .where(MeetingSeries.title_fi == "Järjestöjen ja kaupungin verkostotapaaminen",
               MeetingOccurrence.status == "scheduled", MeetingOccurrence.starts_at > datetime.now(timezone.utc))
        .order_by(MeetingOccurrence.starts_at))
    proposer = users.get("ngo@kohtaamo.example")
    if upcoming is None or proposer is None:
        return
    proposal = TopicProposal(occurrence_id=upcoming.id, series_id=upcoming.series_id, title=OPEN_TOPIC[0],
                             description=OPEN_TOPIC[1], proposer_id=proposer.id,
                             organization_id=proposer.organization_id, status="proposed", votes_count=0)
    db.session.add(proposal)
    db.session.flush()
    supporter = users.get("forening@kohtaamo.example")
    if supporter is not None:
        db.session.add(TopicVote(proposal_id=proposal.id, user_id=supporter.id))
        proposal.votes_count = 1
