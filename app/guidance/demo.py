"""Demo guidance hours for ``flask demo load``: a month of grant-application advice at City Hall
and online, with a couple of appointments. Idempotent (skipped when the Finnish title exists)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.guidance.models import GuidanceHour
from app.guidance.services import appointments, hours
from app.guidance.services.slots import slots
from app.meetings.models import MeetingTheme


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _demo_hours(today: date) -> list[dict]:
    tuesday, thursday = _next_weekday(today, 1), _next_weekday(today, 3)
    return [
        {"title_fi": "Avustusneuvonta järjestöille", "title_sv": "Bidragsrådgivning för föreningar",
         "title_en": "Grant application advice for NGOs",
         "description_fi": "Henkilökohtaista neuvontaa kaupungin avustusten hakemiseen. Ota hakemusluonnos mukaan.",
         "description_sv": "Personlig rådgivning om att söka stadens understöd. Ta med ett utkast till ansökan.",
         "description_en": "Personal advice on applying for the city's grants. Bring a draft application.",
         "start_local": datetime.combine(tuesday, time(9, 0)), "duration_minutes": 120, "slot_minutes": 30,
         "rrule": f"FREQ=WEEKLY;UNTIL={(tuesday + timedelta(days=28)).strftime('%Y%m%d')}",
         "location": hours.CITY_HALL, "question_fi": "Mitä avustusta olette hakemassa?",
         "question_sv": "Vilket understöd ansöker ni om?", "question_en": "Which grant are you applying for?",
         "theme": "grant-guidance", "advisers": ["staff@kohtaamo.example"]},
        {"title_fi": "Avustusneuvonta verkossa", "title_sv": "Bidragsrådgivning på nätet",
         "title_en": "Grant advice online",
         "start_local": datetime.combine(thursday, time(13, 0)), "duration_minutes": 60, "slot_minutes": 20,
         "rrule": f"FREQ=WEEKLY;UNTIL={(thursday + timedelta(days=28)).strftime('%Y%m%d')}",
         "online_url": "https://teams.example/avustusneuvonta", "theme": "grant-guidance",
         "advisers": ["personal@kohtaamo.example", "staff@kohtaamo.example"]},
    ]


DEMO_APPOINTMENTS = [
    # (email of a demo NGO user, question)
    ("ngo@kohtaamo.example", "Haemme toiminta-avustusta ensi vuodelle: onko budjettimme kohtuullinen?"),
    ("forening@kohtaamo.example", "Vi söker projektunderstöd för en sommarklubb för barn."),
]


def load_guidance_demo() -> None:
    """Create the demo guidance hours and book two slots of the first one (idempotent)."""
    now = datetime.now(timezone.utc)
    theme_ids = {t.key: t.id for t in db.session.scalars(select(MeetingTheme))}
    for item in _demo_hours(now.date()):
        if db.session.scalar(select(GuidanceHour.id).where(GuidanceHour.title_fi == item["title_fi"])):
            continue
        advisers = list(db.session.scalars(select(User).where(User.email.in_(item.pop("advisers")))))
        if not advisers:
            return
        item["theme_id"] = theme_ids.get(item.pop("theme"))
        item["adviser_ids"] = [a.id for a in advisers]
        hour = hours.create_guidance_hour(hours.clean_hour_data(item, now=now), actor=advisers[0], now=now)
        if item.get("location") != hours.CITY_HALL:
            continue
        free = [s for s in slots(hour, now=now) if s.free]
        for (email, question), slot in zip(DEMO_APPOINTMENTS, free[1::2]):
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                continue
            data = appointments.clean_appointment_data(
                appointments.data_from_user(user, question=question, locale=user.locale), hour=hour)
            appointments.book(hour, slot.start, data, actor=user, now=now)
    db.session.flush()
