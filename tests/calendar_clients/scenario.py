"""One data set made through the JSON API (so every rule of the service applies), with every
kind of change the calendars must follow; captured as plain data (feeds, API views, mail)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingSeries

UTC = timezone.utc
HEL = ZoneInfo("Europe/Helsinki")
LANGS = ("fi", "sv", "en")
ODD = ' – ÄÖÅ; pilkku, \\ kenoviiva: "lainaus" 🎉 ‹›'


def title(case: str, lang: str) -> str:
    base = {"fi": "Verkostotapaaminen", "sv": "Nätverksmöte", "en": "Network meeting"}[lang]
    text = f"{base} [{case}]{ODD} " + "pitkä otsikko " * 8
    return text[:200].rstrip()


# case key → (row label in the agreement table, series definition)
CASES = {
    "time": "time changed from a date on (effective_from)",
    "duration": "duration changed from a date on",
    "rule": "rule changed from a date on (Mon → Thu)",
    "moves": "single moves and cancellations (in a space)",
    "gap_fold": "03:30 on Sundays: spring gap and autumn fold",
    "span": "02:30–04:00 across both DST changes",
    "holidays": "holidays skipped, open-ended, 3+ years",
    "long_title": "long title with odd characters (one-off)",
}


@dataclass
class Captured:
    feeds: dict[str, bytes] = field(default_factory=dict)  # name → served bytes
    expected: dict[str, list[tuple]] = field(default_factory=dict)  # name → (summary, start, end, status)
    feed_cases: dict[str, str | None] = field(default_factory=dict)  # name → case it is about (None: several)
    mail: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)  # email → [(method, ics)]
    person_view: dict[str, list[tuple]] = field(default_factory=dict)  # email → expected calendar
    titles: dict[str, set[str]] = field(default_factory=dict)  # case → its titles in every language


def iso(value: str | datetime) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.data


class Api:
    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def __call__(self, method: str, path: str, body=None, status=(200, 201, 204)):
        response = self.client.open("/api/v1" + path, method=method, json=body, headers=self.headers)
        assert response.status_code in status, (method, path, response.status_code, response.get_json())
        return response.get_json()


def build(app, client, make) -> Captured:
    staff = Api(client, make.auth("staff"))
    people = {}
    for email, locale in (("pia@example.org", "fi"), ("quentin@example.org", "sv")):
        user = make.user("ngo", email=email)
        people[email] = (user, Api(client, {"Authorization": f"Bearer {make.token(user)}"}), locale)
    P, Q = "pia@example.org", "quentin@example.org"
    space = staff("POST", "/spaces", {"name": "Kohtaamon asukastila", "address": "Kalasatamankatu 1",
                                      "district": "central", "capacity": 30})
    ids: dict[str, int] = {}

    def series(case, start, rrule=None, minutes=120, capacity=20, **extra):
        body = {"title": {lang: title(case, lang) for lang in LANGS}, "start": start, "rrule": rrule,
                "duration_minutes": minutes, "capacity": capacity, "location": "Kalasatamankatu 1, Helsinki",
                "description": {"fi": "Rivi 1\nRivi 2; pilkku, kenoviiva \\"}, **extra}
        ids[case] = staff("POST", "/series", body)["id"]
        return ids[case]

    def occ(case, day):
        for o in staff("GET", f"/series/{ids[case]}/occurrences"):
            if o["start"].startswith(day):
                return o["id"]
        raise AssertionError(f"{case}: no date {day}")

    def register(email, case, day, status=None):
        _user, api, locale = people[email]
        row = api("POST", f"/occurrences/{occ(case, day)}/registrations",
                  {"name": email.split("@")[0].title(), "email": email, "locale": locale})
        if status:
            assert row["status"] == status, row
        return row["id"]

    def move(case, day, start, end):
        staff("PATCH", f"/occurrences/{occ(case, day)}", {"start": start, "end": end})

    app.config["MEETINGS_MATERIALISE_DAYS"] = 1250  # the holiday case spans three and a half years
    try:
        series("time", "2027-01-05T17:00", "FREQ=WEEKLY;BYDAY=TU")
        register(P, "time", "2027-01-12")
        register(P, "time", "2027-03-16")
        staff("PATCH", f"/series/{ids['time']}", {"start": "2027-01-05T18:00", "effective_from": "2027-03-01"})

        series("duration", "2027-01-06T10:00", "FREQ=WEEKLY;BYDAY=WE", minutes=90)
        register(P, "duration", "2027-01-13")
        register(P, "duration", "2027-03-03")
        staff("PATCH", f"/series/{ids['duration']}", {"duration_minutes": 150, "effective_from": "2027-02-15"})

        series("rule", "2027-01-04T12:00", "FREQ=WEEKLY;BYDAY=MO")
        register(P, "rule", "2027-01-25")
        register(P, "rule", "2027-02-22")  # no Monday any more: cancelled, CANCEL
        staff("PATCH", f"/series/{ids['rule']}", {"start": "2027-01-07T12:00", "rrule": "FREQ=WEEKLY;BYDAY=TH",
                                                  "effective_from": "2027-02-15"})

        series("moves", "2027-01-07T14:00", "FREQ=WEEKLY;BYDAY=TH", capacity=1, space_id=space["id"],
               location=None)
        register(P, "moves", "2027-01-14")
        move("moves", "2027-01-14", "2027-01-15T15:00", "2027-01-15T17:00")
        register(P, "moves", "2027-01-21")
        staff("PATCH", f"/occurrences/{occ('moves', '2027-01-21')}", {"status": "cancelled"})
        q_reg = register(Q, "moves", "2027-01-28", "confirmed")
        register(P, "moves", "2027-01-28", "waitlisted")
        move("moves", "2027-01-28", "2027-01-29T09:00", "2027-01-29T11:00")  # TENTATIVE to Pia
        people[Q][1]("DELETE", f"/registrations/{q_reg}")  # Pia promoted: REQUEST
        register(Q, "moves", "2027-02-04", "confirmed")
        p_wait = register(P, "moves", "2027-02-04", "waitlisted")
        move("moves", "2027-02-04", "2027-02-04T16:00", "2027-02-04T18:00")  # TENTATIVE to Pia
        people[P][1]("DELETE", f"/registrations/{p_wait}")  # Pia leaves the waiting list: CANCEL
        register(Q, "moves", "2027-02-11", "confirmed")
        register(P, "moves", "2027-02-11", "waitlisted")
        move("moves", "2027-02-11", "2027-02-11T15:00", "2027-02-11T17:00")  # stays TENTATIVE

        series("gap_fold", "2027-03-07T03:30", "FREQ=WEEKLY;BYDAY=SU", minutes=60)
        register(P, "gap_fold", "2027-03-28")
        register(P, "gap_fold", "2027-10-31")
        series("span", "2027-03-21T02:30", "FREQ=WEEKLY;BYDAY=SU;COUNT=35", minutes=90)
        register(Q, "span", "2027-03-28")
        register(Q, "span", "2027-10-31")

        series("holidays", "2027-01-04T09:00", "FREQ=WEEKLY;BYDAY=MO,TH", minutes=60, skip_holidays=True)
        register(P, "holidays", "2027-05-03")
        series("long_title", "2027-02-02T09:15", None, minutes=45)
        register(P, "long_title", "2027-02-02")
        register(Q, "long_title", "2027-02-02")
    finally:
        app.config["MEETINGS_MATERIALISE_DAYS"] = 180

    out = Captured()
    for case in CASES:
        out.titles[case] = {title(case, lang) for lang in LANGS}
    api_occ = {case: staff("GET", f"/series/{sid}/occurrences") for case, sid in ids.items()}

    def rows(case, lang):
        return [(title(case, lang), iso(o["start"]), iso(o["end"]), "CONFIRMED")
                for o in api_occ[case] if o["status"] == "scheduled"]

    for lang in LANGS:
        name = f"meetings.ics?lang={lang}"
        out.feeds[name] = _get(client, f"/calendar/meetings.ics?lang={lang}")
        out.expected[name] = sorted(r for case in CASES for r in rows(case, lang))
        out.feed_cases[name] = None
        for case, sid in ids.items():
            name = f"series/{case}.ics?lang={lang}"
            out.feeds[name] = _get(client, f"/calendar/series/{sid}.ics?lang={lang}")
            out.expected[name] = sorted(rows(case, lang))
            out.feed_cases[name] = case
        name = f"spaces/{space['id']}.ics?lang={lang}"
        out.feeds[name] = _get(client, f"/calendar/spaces/{space['id']}.ics?lang={lang}"
                                     "&from=2027-01-01&to=2028-01-01")
        out.expected[name] = sorted(("*", s, e, st) for _t, s, e, st in rows("moves", lang) if s < "2028-01-01")
        out.feed_cases[name] = "moves"

    urls: dict[str, str] = {}
    with app.app_context():
        from app.calendar import tokens
        from app.accounts.models import User
        from app.meetings.models import MeetingOccurrence, Registration

        for email, (user, _api, _locale) in people.items():
            token = tokens.personal_feed_token(db.session.get(User, user.id))
            live = db.session.scalars(db.select(Registration).where(
                Registration.email == email, Registration.status.in_(("confirmed", "waitlisted")))).all()
            view = []
            for reg in live:
                o = reg.occurrence
                if o.status != "scheduled" or o.series.status != "published":
                    continue
                case = next(c for c, sid in ids.items() if sid == o.series_id)
                view.append((case, o, "TENTATIVE" if reg.status == "waitlisted" else "CONFIRMED", reg.locale))
            for lang in LANGS:
                name = f"u/{email}.ics?lang={lang}"
                urls[name] = f"/calendar/u/{token}.ics?lang={lang}"
                out.expected[name] = sorted((title(c, lang), iso(o.starts_at), iso(o.ends_at), st)
                                            for c, o, st, _l in view)
                out.feed_cases[name] = None
            out.person_view[email] = sorted((title(c, loc), iso(o.starts_at), iso(o.ends_at), st)
                                            for c, o, st, loc in view)
            # every date this person ever registered for: its own "add to my calendar" object
            for reg in db.session.scalars(db.select(Registration).where(Registration.email == email)):
                o = db.session.get(MeetingOccurrence, reg.occurrence_id)
                case = next(c for c, sid in ids.items() if sid == o.series_id)
                for lang in LANGS:
                    name = f"occurrences/{o.id}.ics?lang={lang}"
                    urls[name] = f"/calendar/occurrences/{o.id}.ics?lang={lang}"
                    status = "CONFIRMED" if o.status == "scheduled" else "CANCELLED"
                    out.expected[name] = [(title(case, lang), iso(o.starts_at), iso(o.ends_at), status)]
                    out.feed_cases[name] = case
            out.mail[email] = [(m.ics_method, m.ics.encode()) for m in db.session.scalars(
                db.select(OutboxMessage).where(OutboxMessage.recipient == email, OutboxMessage.ics.is_not(None))
                .order_by(OutboxMessage.id))]
        assert db.session.scalar(db.select(db.func.count()).select_from(MeetingSeries)) == len(CASES)
    for name, url in urls.items():
        out.feeds[name] = _get(client, url)
    return out
