"""``flask demo load``: realistic, idempotent demo data so that ``make run`` shows a living service."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import Organization, User
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "kohtaamo-demo"

DEMO_ORGANIZATIONS = [
    # (name, Y-tunnus, email, district)
    ("Kallion Kotiseutuyhdistys ry", "1572860-0", "info@kallio-seura.example", "central"),
    ("Itä-Helsingin Kulttuuriyhdistys ry", "2454030-0", "toimisto@ita-kulttuuri.example", "eastern"),
    ("Malmin Nuorisoseura ry", "0796860-4", "nuoret@malmi.example", "northeastern"),
    ("Föreningen Svenska Hem i Helsingfors rf", "3133370-5", "kansli@svenskahem.example", "southern"),
    ("Kontulan Asukasyhdistys ry", None, "asukkaat@kontula.example", "eastern"),
]

DEMO_USERS = [
    # (email, role, name, organisation index or None, locale)
    ("admin@kohtaamo.example", "admin", "Aino Admin", None, "fi"),
    ("staff@kohtaamo.example", "staff", "Sanna Virtanen", None, "fi"),
    ("personal@kohtaamo.example", "staff", "Peter Lindqvist", None, "sv"),
    ("ngo@kohtaamo.example", "ngo", "Niko Järvinen", 0, "fi"),
    ("forening@kohtaamo.example", "ngo", "Sofia Nyström", 3, "sv"),
]

# Feature packages append loaders (function taking no arguments, idempotent) to this list.
EXTRA_LOADERS: list[Callable[[], None]] = []


def _load_spaces() -> None:
    """Resident spaces with opening hours and a few bookings (app/spaces/demo.py)."""
    from app.spaces.demo import load_spaces_demo

    load_spaces_demo()


def _load_guidance() -> None:
    """A month of guidance hours with a couple of appointments (app/guidance/demo.py)."""
    from app.guidance.demo import load_guidance_demo

    load_guidance_demo()


def load_demo_data() -> None:
    """Insert what is missing; running twice changes nothing."""
    orgs: list[Organization] = []
    for name, business_id, email, district in DEMO_ORGANIZATIONS:
        org = db.session.scalar(select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(name=name, business_id=business_id, email=email, district=district)
            db.session.add(org)
            db.session.flush()
        orgs.append(org)
    for email, role, name, org_index, locale in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            accounts.create_user(email, role=role, name=name, password=DEMO_PASSWORD, locale=locale,
                                 organization_id=orgs[org_index].id if org_index is not None else None)
    _load_spaces()  # before the series: a demo series is held in a demo space and books it
    load_meeting_series()
    _load_guidance()
    from app.demo_history import load_demo_history

    load_demo_history([row[0] for row in DEMO_ORGANIZATIONS])  # past meetings: attendance, feedback, topics (issue 17)
    for loader in EXTRA_LOADERS:
        loader()
    from app.records.demo import load_records_demo; load_records_demo()  # noqa: E702  (records and materials)
    from app.outcomes.demo import load_outcomes_demo; load_outcomes_demo()  # noqa: E702  (what came of it)
    load_staying_informed()
    db.session.flush()


def _next_weekday(today: date, weekday: int, *, nth: int | None = None) -> date:
    """The next ``weekday`` (0 = Monday) after today; with ``nth``, the next nth such day of a month."""
    if nth is None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    year, month = today.year, today.month
    while True:
        first = date(year, month, 1)
        day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
        if day > today:
            return day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def load_meeting_series() -> None:
    """Three realistic series (skipped when a series of the same Finnish title exists)."""
    from app.meetings import services as meetings
    from app.meetings.models import MeetingSeries
    from app.spaces.models import Space

    themes = {t.key: t.id for t in meetings.ensure_default_themes()}
    staff = db.session.scalar(select(User).where(User.email == "staff@kohtaamo.example"))
    if staff is None:
        return
    now = datetime.now(timezone.utc)
    today = now.date()
    for item in _demo_series(today):
        if db.session.scalar(select(MeetingSeries.id).where(MeetingSeries.title_fi == item["title_fi"])):
            continue
        item["theme_ids"] = [themes[key] for key in item.pop("themes")]
        space_name = item.pop("space", None)
        space_id = db.session.scalar(select(Space.id).where(Space.name == space_name)) if space_name else None
        if space_id is not None:  # held in a demo resident space: its occurrences book the space
            item["space_id"], item["location"] = space_id, None
        data = meetings.clean_series_data(item, now=now)
        meetings.create_series(data, actor=staff, now=now)


def _demo_series(today: date) -> list[dict]:
    network = _next_weekday(today, 1, nth=2)
    spaces = _next_weekday(today, 3)
    grants = _next_weekday(today + timedelta(days=14), 2)
    return [
        {"title_fi": "Järjestöjen ja kaupungin verkostotapaaminen",
         "title_sv": "Nätverksträff för organisationer och staden", "title_en": "NGO and City networking meeting",
         "description_fi": "Kuukausittainen tapaaminen, jossa kaupungin työntekijät ja järjestöt kehittävät "
                           "yhteistyötä. Kahvitarjoilu.",
         "description_sv": "Månatlig träff där stadens anställda och organisationer utvecklar samarbetet. Kaffe serveras.",
         "description_en": "A monthly meeting where city staff and NGOs develop their cooperation. Coffee served.",
         "audience_fi": "Helsingissä toimivat järjestöt ja kaupungin työntekijät",
         "organiser_unit": "Kulttuurin ja vapaa-ajan toimiala", "language": "fi",
         "start_local": datetime.combine(network, time(17, 0)), "duration_minutes": 120,
         "rrule": "FREQ=MONTHLY;BYDAY=2TU", "skip_holidays": True, "capacity": 60, "waitlist": True,
         "max_seats_per_registration": 2, "registration_closes_minutes_before": 120,
         "location": "Kaupungintalo, Pohjoisesplanadi 11–13, Helsinki",
         "online_url": "https://teams.example/verkostotapaaminen", "district": "southern", "status": "published",
         "themes": ["co-development", "cooperation-structures", "cross-sector"]},
        {"title_fi": "Asukastilojen verkosto", "title_sv": "Nätverket för invånarlokaler",
         "title_en": "Resident spaces network",
         "description_fi": "Asukastilojen vastuuhenkilöiden vertaistapaaminen joka toinen torstai.",
         "description_sv": "Kamratträff för dem som ansvarar för invånarlokaler, varannan torsdag.",
         "description_en": "Peer meeting of people running resident spaces, every other Thursday.",
         "organiser_unit": "Asukasosallisuus", "language": "fi",
         "start_local": datetime.combine(spaces, time(16, 0)), "duration_minutes": 90,
         "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "skip_holidays": True, "capacity": 25, "waitlist": True,
         "max_seats_per_registration": 1, "registration_closes_minutes_before": 60,
         "space": "Kontulan asukastila", "location": "Kontulan asukastila, Kontulankaari 1, Helsinki",
         "district": "eastern", "status": "published",
         "themes": ["resident-spaces", "communication", "wellbeing-health"]},
        {"title_fi": "Avustusinfo järjestöille", "title_sv": "Understödsinfo för organisationer",
         "title_en": "Grant info for NGOs",
         "description_fi": "Miten haet kaupungin toiminta-avustusta? Verkkoinfo ja kysymykset.",
         "description_sv": "Hur söker man stadens verksamhetsunderstöd? Webbinfo och frågor.",
         "description_en": "How to apply for the city's operating grants? Online session with questions.",
         "organiser_unit": "Avustuspalvelut", "language": "multi",
         "start_local": datetime.combine(grants, time(14, 0)), "duration_minutes": 60, "rrule": None,
         "capacity": 100, "waitlist": False, "max_seats_per_registration": 1,
         "registration_closes_minutes_before": 0, "online_url": "https://teams.example/avustusinfo",
         "status": "published", "themes": ["grant-guidance"]},
    ]


DEMO_GROUP = [("Aino Aaltonen", "aino@kallio-seura.example"), ("Bertil Berg", "bertil@kallio-seura.example"),
              ("Cecilia Chen", "cecilia@kallio-seura.example")]


def load_staying_informed() -> None:
    """Issue 15: the demo NGO users are approved members (contact persons) of their organisations,
    Niko follows the resident-spaces theme weekly and has registered three colleagues for the next
    networking meeting (each skipped when already there)."""
    from app.accounts.membership import ensure_membership
    from app.meetings.group_registrations import Person, group_members, register_group
    from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
    from app.meetings.services import ensure_default_themes
    from app.subscriptions.models import Subscription
    from app.subscriptions.services import clean_subscription_data, subscribe

    for email, role, *_rest in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and role == "ngo":
            ensure_membership(user)
    ngo = db.session.scalar(select(User).where(User.email == "ngo@kohtaamo.example"))
    if ngo is None or ngo.organization_id is None:
        return
    now = datetime.now(timezone.utc)
    if db.session.scalar(select(Subscription.id).where(Subscription.user_id == ngo.id).limit(1)) is None:
        theme = {t.key: t.id for t in ensure_default_themes()}["resident-spaces"]
        subscribe(ngo, clean_subscription_data({"theme_id": theme, "frequency": "weekly"}), now=now)
    occurrence = db.session.scalar(
        select(MeetingOccurrence).join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
        .where(MeetingSeries.title_fi == "Järjestöjen ja kaupungin verkostotapaaminen",
               MeetingOccurrence.status == "scheduled", MeetingOccurrence.starts_at > now + timedelta(days=1))
        .order_by(MeetingOccurrence.starts_at).limit(1))
    if occurrence is None:
        return
    # Once registered (for any date), never again: the next date moves on as time passes.
    already = db.session.scalar(select(Registration.id).where(
        Registration.user_id == ngo.id, Registration.email.in_([email for _name, email in DEMO_GROUP])).limit(1))
    if already is None and not group_members(occurrence, ngo):
        register_group(occurrence, ngo, [Person(name, email) for name, email in DEMO_GROUP], locale="fi", now=now)


@demo_cli.command("load")
def load() -> None:
    """Load the demo data (idempotent)."""
    load_demo_data()
    db.session.commit()
    click.echo(f"demo data ready; log in as staff@kohtaamo.example / {DEMO_PASSWORD}")
