"""Issue 17 (everyday use): Finland's date conventions in every language, the series form's preview
and place fields, the confirmation page, column headings, wording, favicon, menu and README."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.core import dates
from app.meetings.tokens import registration_token

HEL = ZoneInfo("Europe/Helsinki")
ROOT = Path(__file__).resolve().parents[2]
US_TIME = re.compile(r"\b\d{1,2}:\d{2}\s?(AM|PM)\b")
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}\b")
ISO_DATE_SHOWN = re.compile(r">[^<]*\b20\d\d-\d\d-\d\d[^<]*<")  # an ISO date in a text node


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, weekday", [("fi", "perjantaina"), ("sv", "fredag"), ("en", "Friday")])
def test_every_style_is_finnish_in_every_language(app, lang, weekday):
    value = datetime(2026, 12, 4, 15, 0, tzinfo=ZoneInfo("UTC"))  # 17.00 in Helsinki
    with app.test_request_context(f"/?lang={lang}"):
        for style in ("short", "medium", "long", "full", None):
            assert dates.format_date(value, style).endswith("4.12.2026")
            text = dates.format_datetime(value, style)
            assert text.endswith("4.12.2026 17.00") and "normaali" not in text and ":" not in text
            assert dates.format_time(value, style) == "17.00"
        assert dates.format_date(value, "full") == f"{weekday} 4.12.2026"
        assert dates.format_time(value, "HH:mm") == "17.00"  # colon patterns become the one style
        assert dates.format_time(datetime(2026, 12, 4, 7, 5, tzinfo=HEL)) == "7.05"
        assert dates.timespan(value, value + timedelta(hours=2)).endswith("4.12.2026 17.00–19.00")
        assert dates.format_clock("08:00") == "8.00"


@pytest.mark.parametrize("lang, expected", [("fi", "8 tuntia"), ("sv", "8 timmar"), ("en", "8 hours")])
def test_durations_in_hours(app, lang, expected):
    with app.test_request_context(f"/?lang={lang}"):
        assert dates.format_duration(480) == expected
        assert dates.format_duration(90) == {"fi": "1 tunti 30 minuuttia", "sv": "1 timme 30 minuter",
                                             "en": "1 hour 30 minutes"}[lang]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_meeting_pages_use_finnish_conventions(client, make, lang):
    start = datetime(2027, 3, 9, 17, 0)
    occurrence = make.occurrences(make.series(start_local=start, occurrences=2))[0]
    registration = make.registration(occurrence)
    for path in (f"/meetings/occurrences/{occurrence.id}", f"/meetings/{occurrence.series_id}", "/meetings",
                 f"/privacy/registration/{_token(client, registration)}"):
        body = _text(client.get(f"{path}?lang={lang}"))
        assert "9.3.2027" in body and "17.00" in body, path
        assert not US_TIME.search(body) and not US_DATE.search(body), path
        assert "normaaliaika" not in body and "normaltid" not in body and "Standard Time" not in body, path
        assert not ISO_DATE_SHOWN.search(body.split("<main", 1)[1]), path


def _token(client, registration) -> str:
    with client.application.app_context():
        from app.extensions import db
        from app.meetings.models import Registration

        return registration_token(db.session.get(Registration, registration.id))


def test_space_page_shows_hours_and_limits_in_finnish_style(make, client, app):
    space = make.space(opening_hours={"mon": [["08:00", "20:00"]]}, max_duration_minutes=480)
    body = _text(client.get(f"/spaces/{space.id}?lang=fi"))
    assert "8.00–20.00" in body and "08:00–20:00" not in body
    assert "8 tuntia" in body and "480 minuuttia" not in body


def test_week_grid_starts_today(make, client, app):
    space = make.space()
    today = datetime.now(HEL).date()
    body = _text(client.get(f"/spaces/{space.id}?lang=fi"))
    first_column = re.search(r'<thead>\s*<tr>\s*<th scope="col">[^<]*</th>\s*<th scope="col">([^<]*)</th>', body)
    assert first_column and first_column.group(1).strip().endswith(f"{today.day}.{today.month}.")
    # Asking for a past week still starts at today; no link back into the past.
    past = (today - timedelta(days=14)).isoformat()
    body = _text(client.get(f"/spaces/{space.id}?lang=fi&week={past}"))
    assert 'rel="prev"' not in body
    assert "Menneet" not in body


def test_report_csv_has_human_months_and_xlsx_real_dates(client, make, login):
    login(make.user("staff"))
    body = _text(client.get("/reports/cooperation.csv?lang=fi&from=2026-01-01&to=2026-02-28&table=participation"))
    assert "tammikuu 2026" in body and "2026-01" not in body


# --- series form ------------------------------------------------------------------------------

FORM = {
    "title_fi": "Verkostotapaaminen", "language": "fi", "start_date": "2027-01-12", "start_time": "17:00",
    "duration_minutes": "120", "timezone": "Europe/Helsinki", "freq": "WEEKLY", "interval": "1",
    "byday": "TU", "ends": "count", "count": "6", "monthly_mode": "monthday", "nth": "1",
    "location_mode": "address", "location": "Kalasatamankatu 1", "capacity": "40", "waitlist": "y",
    "max_seats_per_registration": "2", "registration_closes_minutes_before": "0", "status": "published",
    "preview": "Preview dates",
}


@pytest.fixture
def staff(make, login):
    user = make.user("staff")
    login(user)
    return user


def test_preview_count_matches_the_dates_listed(client, staff):
    body = _text(client.post("/meetings/manage/new?lang=en", data=FORM))
    assert "6 times" in body and "The first 5 of 6 dates:" in body
    assert len(re.findall(r"<li><time datetime=", body)) == 5
    body = _text(client.post("/meetings/manage/new?lang=fi", data=dict(FORM, count="3")))
    assert "Kaikki 3 päivää:" in body
    data = client.post("/meetings/manage/preview?lang=en", data=dict(FORM, ends="never")).json
    assert data["heading"] == "The next 5 dates:" and len(data["dates"]) == 5


def test_preview_checks_the_space_and_shows_one_error_box(make, client, app, staff):
    space = make.space()
    make.booking(space, datetime(2027, 1, 19, 17, 30, tzinfo=HEL), datetime(2027, 1, 19, 18, 0, tzinfo=HEL),
                 title="Kuoro")
    with_space = dict(FORM, location_mode="space", space_id=str(space.id), location="")
    body = _text(client.post("/meetings/manage/new?lang=en", data=with_space))
    assert body.count('id="conflicts"') == 1 and "17.30–18.00" in body
    data = client.post("/meetings/manage/preview?lang=en", data=with_space).json
    assert len(data["conflicts"]) == 1 and "17.30–18.00" in data["conflicts"][0]
    # Saving is refused with the same single box, not a second summary repeating it.
    saved = client.post("/meetings/manage/new?lang=en",
                        data={k: v for k, v in with_space.items() if k != "preview"} | {"save": "Save"})
    body = _text(saved)
    assert saved.status_code == 400 and body.count('id="conflicts"') == 1 and 'id="error-summary"' not in body
    free = _text(client.post("/meetings/manage/new?lang=en", data=dict(with_space, start_date="2027-02-16")))
    assert "The space is free at these dates." in free


def test_repeat_and_place_fields_follow_the_choices_without_javascript(client, staff):
    def hidden(body: str, field_id: str) -> bool:
        """Whether the field's wrapper (div.field or fieldset.field) carries the hidden attribute."""
        start = body.index(f'id="{field_id}"')
        wrapper = body.rfind('class="field', 0, start)
        tag_end = body.index(">", wrapper)
        return " hidden" in body[wrapper:tag_end + 1]

    new = _text(client.get("/meetings/manage/new?lang=en"))  # does not repeat, at a street address
    assert hidden(new, "interval") and hidden(new, "byday") and hidden(new, "count") and hidden(new, "space_id")
    assert not hidden(new, "location")
    weekly = _text(client.post("/meetings/manage/new?lang=en", data=FORM))
    assert not hidden(weekly, "interval") and not hidden(weekly, "byday") and not hidden(weekly, "count")
    assert hidden(weekly, "until") and hidden(weekly, "monthly_mode") and hidden(weekly, "nth")
    assert "IANA" not in new and "BYDAY" not in new and "2TU" not in new


def test_organising_unit_in_swedish_and_english(client, app, staff):
    data = {k: v for k, v in FORM.items() if k != "preview"} | {
        "save": "Save", "organiser_unit": "Kulttuurin toimiala", "organiser_unit_sv": "Kultursektorn",
        "organiser_unit_en": "Culture Division", "start_date": "2027-02-02"}
    response = client.post("/meetings/manage/new", data=data)
    assert response.status_code == 302, _text(response)
    series_id = int(re.search(r"/manage/(\d+)", response.headers["Location"]).group(1))
    assert "Kultursektorn" in _text(client.get(f"/meetings/{series_id}?lang=sv"))
    assert "Culture Division" in _text(client.get(f"/meetings/{series_id}?lang=en"))
    assert "Kulttuurin toimiala" in _text(client.get(f"/meetings/{series_id}?lang=fi"))
    api = client.get(f"/api/v1/series/{series_id}").json
    assert api["organiser_unit_sv"] == "Kultursektorn" and api["organiser_unit_en"] == "Culture Division"


# --- confirmation page, wording, columns ------------------------------------------------------

def test_confirmation_page_offers_calendar_and_shows_its_own_link(client, make):
    occurrence = make.occurrence()
    registration = make.registration(occurrence)
    token = _token(client, registration)
    body = _text(client.get(f"/registrations/manage/{token}?lang=en"))
    assert f"/calendar/occurrences/{occurrence.id}.ics" in body and "Add to Google Calendar" in body
    assert re.search(rf'<input id="manage-link" type="url" class="subscribe-url" value="http[^"]+/registrations/manage/'
                     rf'{re.escape(token)}" readonly', body)
    assert "this link" not in body
    assert re.search(r'class="button-secondary" href="[^"]+/cancel"', body)  # cancelling is not the main action


def test_waiting_list_note_only_when_somebody_waits(client, make):
    occurrence = make.occurrence()
    registration = make.registration(occurrence, seats=1)
    token = _token(client, registration)
    page = _text(client.get(f"/registrations/manage/{token}/cancel?lang=fi"))
    assert "jonotuslistalla" not in page
    make.registration(occurrence, status="waitlisted")
    page = _text(client.get(f"/registrations/manage/{token}/cancel?lang=fi"))
    assert "Paikka annetaan seuraavalle jonotuslistalla olevalle." in page


def test_booking_request_columns_are_named_apart(client, make, login):
    login(make.user("staff"))
    body = _text(client.get("/booking-requests/?lang=fi"))
    headings = re.findall(r'<th scope="col">([^<]*)</th>', body)
    if headings:
        assert len(headings) == len(set(headings)) and "Asukastila" in headings


def test_going_back_is_not_cancelling(client, make, login):
    login(make.user("staff"))
    body = _text(client.get("/meetings/manage/new?lang=fi"))
    assert ">Takaisin</a>" in body and ">Peruuta</a>" not in body


def test_validation_line_has_no_double_punctuation(client, make):
    occurrence = make.occurrence()
    body = _text(client.post(f"/meetings/occurrences/{occurrence.id}?lang=fi",
                             data={"name": "Maija", "email": "maija@example.org", "seats": "1"}))
    assert ".:" not in body and "Hyväksy" in body
    assert re.search(r'<input[^>]* id="consent"[^>]*>\s*<label for="consent">.*\(pakollinen\)</span></label>', body, re.S)


# --- menu, favicon, README --------------------------------------------------------------------

def test_calendars_in_the_menu_and_long_menus_fold(client, make, login):
    body = _text(client.get("/?lang=fi"))
    nav = body.split('class="main-nav', 1)[1].split("</nav>", 1)[0]
    assert ">Kalenterit</a>" in nav and "<details" not in nav
    login(make.user("staff"))
    nav = _text(client.get("/?lang=fi")).split('class="main-nav', 1)[1].split("</nav>", 1)[0]
    assert '<details class="nav-disclosure"><summary>Valikko</summary>' in nav


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    assert 'rel="icon"' in _text(client.get("/"))


def test_readme_stands_on_its_own():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "## Public interface" in readme
    commands = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    assert commands.count("`meetings materialise") == 1
