"""Demo resident spaces with opening hours, an exception day and a few bookings (idempotent)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Organization, User
from app.core.types import utcnow
from app.extensions import db
from app.scheduling import is_holiday, localize
from app.spaces import services
from app.spaces.models import Space

WEEKDAYS_9_21 = {day: [["09:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

DEMO_SPACES = [
    {
        "name": "Kalasataman asukastila", "address": "Capellan puistotie 2, 00580 Helsinki", "district": "central",
        "name_sv": "Fiskehamnens invånarlokal", "address_sv": "Capellas parkväg 2, 00580 Helsingfors",
        "name_en": "Kalasatama residents' space",
        "latitude": 60.1876, "longitude": 24.9777, "capacity": 30, "buffer_minutes": 15,
        "opening_hours": dict(WEEKDAYS_9_21, sat=[["10:00", "16:00"]]),
        "accessibility": {"step_free": True, "accessible_toilet": True, "induction_loop": True, "lift": True},
        "equipment": ["projector", "wifi", "kitchen", "coffee_maker"],
        "description_fi": "Valoisa olohuone Kalasataman keskuksen vieressä. Keittiö ja iso pöytä.",
        "description_sv": "Ett ljust vardagsrum bredvid Fiskehamnens centrum. Kök och ett stort bord.",
        "description_en": "A bright living room next to the Kalasatama centre. Kitchen and a big table.",
        "min_duration_minutes": 30, "max_duration_minutes": 480, "booking_horizon_days": 90,
    },
    {
        "name": "Maunulan asukastila", "address": "Suursuonlaita 3, 00630 Helsinki", "district": "northern",
        "name_sv": "Månsas invånarlokal", "address_sv": "Suursuonlaita 3, 00630 Helsingfors",
        "name_en": "Maunula residents' space",
        "latitude": 60.2308, "longitude": 24.9272, "capacity": 20, "buffer_minutes": 0,
        "opening_hours": {"mon": [["12:00", "20:00"]], "tue": [["12:00", "20:00"]], "wed": [["12:00", "20:00"]],
                          "thu": [["12:00", "20:00"]]},
        "accessibility": {"step_free": True, "accessible_toilet": False, "induction_loop": False},
        "equipment": ["screen", "wifi", "whiteboard"],
        "description_fi": "Maunula-talon vieressä oleva kerhohuone järjestöille ja asukkaille.",
        "description_en": "A club room next to Maunula House for NGOs and residents.",
        "booking_horizon_days": 60,
    },
    {
        "name": "Kontulan asukastila", "address": "Kontulankaari 1, 00940 Helsinki", "district": "eastern",
        "name_sv": "Gårdsbacka invånarlokal", "address_sv": "Gårdsbackabågen 1, 00940 Helsingfors",
        "name_en": "Kontula residents' space",
        "latitude": 60.2359, "longitude": 25.0822, "capacity": 45, "buffer_minutes": 30,
        "opening_hours": dict(WEEKDAYS_9_21, sat=[["10:00", "18:00"]], sun=[["12:00", "18:00"]]),
        "accessibility": {"step_free": False, "accessible_toilet": False, "induction_loop": True,
                          "notes": "Kolme porrasta sisäänkäynnillä; siirrettävä luiska pyydettäessä."},
        "equipment": ["sound_system", "projector", "kitchen", "wifi"],
        "description_fi": "Ostoskeskuksen yläkerrassa oleva juhlasali, sopii isoille tilaisuuksille.",
        "description_sv": "En festsal på övre våningen i köpcentret, passar för stora evenemang.",
        "booking_horizon_days": 120,
    },
    {
        "name": "Vuosaaren asukastila Kahvila Kampus", "address": "Kahvikuja 3, 00980 Helsinki", "district": "eastern",
        "name_sv": "Nordsjö invånarlokal Café Kampus", "address_sv": "Kahvikuja 3, 00980 Helsingfors",
        "name_en": "Vuosaari residents' space Café Kampus",
        "latitude": 60.2093, "longitude": 25.1429, "capacity": 12, "buffer_minutes": 0,
        "opening_hours": None, "closed_on_holidays": False,
        "accessibility": {"step_free": True, "accessible_toilet": True, "quiet_room": True},
        "equipment": ["video_conferencing", "wifi", "coffee_maker"],
        "description_fi": "Pieni neuvotteluhuone, varattavissa mihin aikaan tahansa.",
        "description_en": "A small meeting room, bookable at any hour.",
        "booking_horizon_days": 365,
    },
]

DEMO_BOOKINGS = [
    # (space index, days ahead (next weekday >= that), weekday, start hour, hours, title, rrule)
    (0, 7, 1, 17, 2, "Kalasataman kuoro", "FREQ=WEEKLY;COUNT=8"),
    (0, 9, 3, 10, 3, "Perhekahvila", None),
    (1, 7, 2, 13, 2, "Maunulan senioripiiri", "FREQ=WEEKLY;COUNT=6"),
    (2, 10, 5, 12, 4, "Kontulan kirpputori", None),
    (3, 8, 0, 18, 1, "Järjestöjen verkostotapaaminen: valmistelu", None),
]


def _next(weekday: int, days_ahead: int, zone: ZoneInfo):
    day = utcnow().astimezone(zone).date() + timedelta(days=days_ahead)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while is_holiday(day):
        day += timedelta(days=7)
    return day


def _add_translations(space: Space, values: dict) -> None:
    """Demo spaces created before they had Swedish and English names get them (never overwritten)."""
    for key in ("name_sv", "name_en", "address_sv", "address_en"):
        if values.get(key) and not getattr(space, key):
            setattr(space, key, values[key])


def load_spaces_demo() -> None:
    """Create the demo spaces that are missing, each with its demo bookings."""
    staff = db.session.scalar(select(User).where(User.email == "staff@kohtaamo.example"))
    if staff is None:
        return
    org = db.session.scalar(select(Organization).order_by(Organization.id))
    created: dict[int, Space] = {}
    for index, values in enumerate(DEMO_SPACES):
        existing = db.session.scalar(select(Space).where(Space.name == values["name"]))
        if existing is not None:
            _add_translations(existing, values)
            continue
        data = services.clean_space_data(dict(values, manager_id=staff.id if index < 2 else None))
        created[index] = services.create_space(data, actor=staff)
    zone = ZoneInfo("Europe/Helsinki")
    now = utcnow()
    for index, days_ahead, weekday, hour, hours, title, rrule in DEMO_BOOKINGS:
        space = created.get(index)
        if space is None:
            continue
        day = _next(weekday, days_ahead, zone)
        start = localize(datetime.combine(day, time(hour)), zone)
        services.create_recurring_booking(space, start, start + timedelta(hours=hours), title, staff, now,
                                          rrule=rrule, skip_conflicts=True,
                                          options=services.BookingOptions(headcount=min(space.capacity, 15),
                                                                          organization_id=org.id if org else None))
    if 0 in created:
        closed = _next(4, 21, zone)
        services.set_space_exception(created[0], closed, None, actor=staff, note="Ikkunaremontti")
