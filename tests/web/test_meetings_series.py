"""Meeting pages: public list and series page, staff series form with preview, occurrences, themes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.versions import clear_caches
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme

FORM = {
    "title_fi": "Järjestöjen ja kaupungin verkostotapaaminen", "title_sv": "Nätverksträff",
    "language": "fi", "start_date": "2027-01-12", "start_time": "17:00", "duration_minutes": "120",
    "timezone": "Europe/Helsinki", "freq": "MONTHLY", "interval": "1", "monthly_mode": "nth_weekday",
    "nth": "2", "byday": "TU", "ends": "never", "location_mode": "address",
    "location": "Kalasatamankatu 1, Helsinki", "capacity": "40", "waitlist": "y",
    "max_seats_per_registration": "2", "registration_closes_minutes_before": "60", "status": "published",
    "save": "Save",
}


def form(**overrides):
    data = dict(FORM)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def staff(make, login):
    user = make.user("staff")
    login(user)
    return user


def _series(app):
    with app.app_context():
        return db.session.scalars(select(MeetingSeries)).all()


def text(response):
    return response.get_data(as_text=True)


# --- public -------------------------------------------------------------------------------------
def test_empty_list(client):
    response = client.get("/meetings?lang=en")
    assert response.status_code == 200
    assert "No upcoming meetings at the moment." in text(response)


def test_list_shows_published_upcoming_with_links(client, make):
    series = make.series(title_fi="Asukastilojen verkosto", district="eastern")
    make.series(title_fi="Luonnos", status="draft")
    occurrence = make.occurrences(series)[0]
    body = text(client.get("/meetings?lang=fi"))
    assert "Asukastilojen verkosto" in body and "Luonnos" not in body
    assert f'href="/meetings/occurrences/{occurrence.id}"' in body
    assert f'href="/meetings/{series.id}"' in body


def test_list_filters(client, make, app):
    theme_id = make.theme(key="t", name_fi="Viestintä", position=0, active=True).id
    make.series(title_fi="Itäinen tapaaminen", district="eastern", language="sv", themes=[theme_id])
    make.series(title_fi="Läntinen tapaaminen", district="western")
    for query in ("district=eastern", "language=sv", f"theme={theme_id}"):
        body = text(client.get(f"/meetings?{query}"))
        assert "Itäinen tapaaminen" in body and "Läntinen tapaaminen" not in body, query
    body = text(client.get("/meetings?district=northern&lang=en"))
    assert "No meetings match your filters." in body


@pytest.mark.parametrize("query", ["date_from=yesterday", "district=atlantis", "language=de", "theme=999",
                                   "date_from=2027-02-01&date_to=2027-01-01"])
def test_list_bad_filters_are_form_errors(client, query):
    response = client.get(f"/meetings?{query}&lang=en")
    assert response.status_code == 400
    assert "error-summary" in text(response)


def test_list_date_range(client, make):
    start = datetime(2027, 3, 2, 17, 0)
    make.series(title_fi="Maaliskuun tapaamiset", start_local=start, occurrences=3)  # 2., 9. ja 16.3.
    body = text(client.get("/meetings?date_from=2027-03-08&date_to=2027-03-10"))
    assert body.count('class="meeting-card"') == 1
    assert "9.3.2027" in body


def test_list_pagination(client, make, app):
    app.config["PAGE_SIZE"] = 2
    try:
        make.series(occurrences=5)
        body = text(client.get("/meetings"))
        assert body.count('class="meeting-card"') == 2 and 'rel="next"' in body
        body = text(client.get("/meetings?page=3"))
        assert body.count('class="meeting-card"') == 1
    finally:
        app.config["PAGE_SIZE"] = 25


def test_list_query_count_is_fixed(client, make, count_queries):
    for _ in range(2):
        make.series(occurrences=2)
    client.get("/meetings")
    clear_caches()  # the rendering itself, not the page cache (tests/unit/perf/test_page_cache.py)
    with count_queries() as few:
        assert client.get("/meetings").status_code == 200
    for _ in range(18):
        make.series(occurrences=2)
    clear_caches()
    with count_queries() as many:
        assert client.get("/meetings").status_code == 200
    assert many.count == few.count, (few.statements, many.statements)


def test_series_detail_public_and_draft(client, make, login):
    series = make.series(title_fi="Avustusinfo", capacity=10, occurrences=2)
    first = make.occurrences(series)[0]
    make.registration(first, seats=3)
    body = text(client.get(f"/meetings/{series.id}?lang=en"))
    assert "Avustusinfo" in body and "7 seats free" in body and "10 seats free" in body
    assert f"/meetings/occurrences/{first.id}" in body
    draft = make.series(status="draft")
    assert client.get(f"/meetings/{draft.id}").status_code == 404
    assert client.get("/meetings/999999").status_code == 404
    login(make.user("staff"))
    assert client.get(f"/meetings/{draft.id}").status_code == 200


def test_nav_items(client, make, login):
    body = text(client.get("/?lang=en"))
    assert 'href="/meetings"' in body and "Manage meetings" not in body
    login(make.user("staff"))
    assert "Manage meetings" in text(client.get("/?lang=en"))


# --- staff access -------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/meetings/manage", "/meetings/manage/new", "/meetings/manage/themes"])
def test_staff_pages_need_staff(client, make, login, path):
    assert client.get(path).status_code == 302
    login(make.user("ngo"))
    assert client.get(path).status_code == 403


def test_manage_list_and_status_filter(client, make, staff):
    make.series(title_fi="Julkaistu sarja")
    make.series(title_fi="Luonnossarja", status="draft")
    body = text(client.get("/meetings/manage"))
    assert "Julkaistu sarja" in body and "Luonnossarja" in body
    body = text(client.get("/meetings/manage?status=draft"))
    assert "Julkaistu sarja" not in body and "Luonnossarja" in body


# --- the series form ----------------------------------------------------------------------------
def test_create_with_friendly_rule(client, app, staff):
    page = text(client.get("/meetings/manage/new?lang=en"))
    theme_id = re.search(r'name="theme_ids" type="checkbox" value="(\d+)"', page).group(1)
    assert "Grant guidance" in page
    response = client.post("/meetings/manage/new", data=form(theme_ids=theme_id))
    assert response.status_code == 302, text(response)[:3000]
    [series] = _series(app)
    with app.app_context():
        assert [t.id for t in db.session.get(MeetingSeries, series.id).themes] == [int(theme_id)]
    assert series.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    assert series.status == "published" and series.capacity == 40
    with app.app_context():
        occurrences = db.session.scalars(select(MeetingOccurrence).filter_by(series_id=series.id)).all()
        assert len(occurrences) >= 4


def test_preview_shows_dates_and_words_without_saving(client, app, staff):
    data = form(save=None, preview="Preview dates")
    response = client.post("/meetings/manage/new?lang=en", data=data)
    assert response.status_code == 200
    body = text(response)
    assert "Monthly on the second Tuesday at 17.00" in body
    assert len(re.findall(r'<li><time datetime=', body)) == 5
    assert "12.1.2027" in body and "9.2.2027" in body
    assert _series(app) == []


def test_preview_in_finnish(client, staff):
    body = text(client.post("/meetings/manage/new?lang=fi", data=form(save=None, preview="1", freq="WEEKLY",
                                                                      interval="2", byday="TU")))
    assert "Joka toinen viikko tiistaisin klo 17.00" in body


def test_advanced_rule(client, app, staff):
    response = client.post("/meetings/manage/new", data=form(advanced_rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=3"))
    assert response.status_code == 302
    assert _series(app)[0].rrule == "FREQ=WEEKLY;INTERVAL=2;COUNT=3"


@pytest.mark.parametrize("overrides, field_id, message", [
    ({"advanced_rrule": "FREQ=HOURLY"}, "advanced_rrule", "A meeting can repeat at most once a day."),
    ({"freq": "DAILY", "ends": "count", "count": "9999"}, "count", "The number of times must be"),
    ({"freq": "DAILY", "ends": "count", "count": ""}, "count", "The number of times must be"),
    ({"freq": "WEEKLY", "ends": "until", "until": "2040-01-01"}, "freq", "at most 730 days ahead"),
    ({"freq": "DAILY", "ends": "until", "until": "2028-06-01"}, "freq", "more than 260 occurrences"),
    ({"byday": None}, "byday", "Choose exactly one weekday."),
    ({"title_fi": ""}, "title_fi", "Enter the title in Finnish."),
    ({"capacity": "0"}, "capacity", "from 1 to 10000"),
    ({"duration_minutes": "-5"}, "duration_minutes", "from 1 to 1440"),
    ({"timezone": "Mars/Base"}, "timezone", "Unknown time zone"),
    ({"start_date": "2027-13-45"}, "start_date", ""),
    ({"start_date": "2027-01-13"}, "start_date", "is not one of the dates"),
    ({"location": ""}, "location", "Give a resident space"),
    ({"location_mode": "online", "online_url": "ftp://x"}, "online_url", "https://"),
    ({"max_seats_per_registration": "41"}, "max_seats_per_registration", "Cannot be more than the capacity."),
])
def test_bad_input_reshows_form(client, app, staff, overrides, field_id, message):
    response = client.post("/meetings/manage/new?lang=en", data=form(**overrides))
    assert response.status_code == 400
    body = text(response)
    assert f'id="{field_id}-error"' in body, body[body.find("error-summary"):][:1500]
    assert message in body
    assert _series(app) == []


def test_recurrence_error_translated(client, staff):
    body = text(client.post("/meetings/manage/new?lang=sv", data=form(advanced_rrule="FREQ=MINUTELY")))
    assert 'id="advanced_rrule-error"' in body  # the message is looked up in the sv catalogue


def test_edit_prefills_and_changes_time(client, app, make, staff):
    series = make.series(start_local=datetime(2027, 1, 12, 17, 0), rrule="FREQ=MONTHLY;BYDAY=2TU", occurrences=3)
    body = text(client.get(f"/meetings/manage/{series.id}/edit"))
    assert re.search(r'<input checked[^>]*value="nth_weekday"', body)
    assert re.search(r'<input checked[^>]*name="byday"[^>]*value="TU"', body)
    assert re.search(r'<option selected value="2">', body)  # the second Tuesday
    assert 'value="2027-01-12"' in body and 'value="17:00"' in body
    response = client.post(f"/meetings/manage/{series.id}/edit", data=form(start_time="18:00",
                                                                           status="published"))
    assert response.status_code == 302, text(response)[:2000]
    with app.app_context():
        row = db.session.get(MeetingSeries, series.id)
        assert row.start_local == datetime(2027, 1, 12, 18, 0) and row.sequence == 1


def test_status_actions(client, app, make, staff):
    series = make.series(status="draft")
    assert client.post(f"/meetings/manage/{series.id}/status", data={"status": "published"}).status_code == 302
    with app.app_context():
        assert db.session.get(MeetingSeries, series.id).status == "published"
    assert client.post(f"/meetings/manage/{series.id}/status", data={"status": "bogus"}).status_code == 400


def test_manage_detail_counts(client, make, staff):
    series = make.series(capacity=10, occurrences=2)
    first = make.occurrences(series)[0]
    make.registration(first, seats=2)
    make.registration(first, status="waitlisted")
    body = text(client.get(f"/meetings/manage/{series.id}"))
    assert "2 / 10" in body and "0 / 10" in body
    assert f"/meetings/manage/occurrences/{first.id}/cancel" in body


def test_cancel_occurrence_page(client, app, make, staff):
    occurrence = make.occurrence()
    make.registration(occurrence)
    assert client.get(f"/meetings/manage/occurrences/{occurrence.id}/cancel").status_code == 200
    response = client.post(f"/meetings/manage/occurrences/{occurrence.id}/cancel", data={"reason": "Sairastuminen"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(MeetingOccurrence, occurrence.id).status == "cancelled"
        assert db.session.scalar(select(OutboxMessage)).kind == "occurrence_cancelled"
    response = client.post(f"/meetings/manage/occurrences/{occurrence.id}/cancel", data={"reason": ""})
    assert response.status_code == 400


def test_move_occurrence_page(client, app, make, staff):
    occurrence = make.occurrence()
    body = text(client.get(f"/meetings/manage/occurrences/{occurrence.id}/move"))
    assert 'name="start"' in body
    start = (occurrence.starts_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(f"/meetings/manage/occurrences/{occurrence.id}/move?lang=en",
                      data={"start": start, "end": start})
    assert bad.status_code == 400 and "The end must be after the start." in text(bad)
    end = (occurrence.starts_at + timedelta(days=1, hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/meetings/manage/occurrences/{occurrence.id}/move", data={"start": start, "end": end})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(MeetingOccurrence, occurrence.id)
        assert row.moved and row.sequence == 1


def test_themes_page(client, app, staff):
    body = text(client.get("/meetings/manage/themes?lang=en"))
    assert "Yhteiskehittäminen" in body
    assert client.post("/meetings/manage/themes", data={"new-name_fi": "Kulttuuri"}).status_code == 302
    assert client.post("/meetings/manage/themes", data={"new-name_fi": ""}).status_code == 400
    with app.app_context():
        theme = db.session.scalar(select(MeetingTheme).filter_by(name_fi="Kulttuuri"))
        theme_id, position = theme.id, theme.position
    prefix = f"t{theme_id}"
    client.post(f"/meetings/manage/themes/{theme_id}", data={"action": "rename", f"{prefix}-name_fi": "Kulttuuri",
                                                             f"{prefix}-name_sv": "Kultur"})
    client.post(f"/meetings/manage/themes/{theme_id}", data={"action": "up"})
    client.post(f"/meetings/manage/themes/{theme_id}", data={"action": "deactivate"})
    with app.app_context():
        theme = db.session.get(MeetingTheme, theme_id)
        assert theme.name_sv == "Kultur" and not theme.active and theme.position == position - 1
    client.post(f"/meetings/manage/themes/{theme_id}", data={"action": "rename", f"{prefix}-name_fi": ""})
    with app.app_context():
        assert db.session.get(MeetingTheme, theme_id).name_fi == "Kulttuuri"


def test_manage_detail_query_count_is_fixed(client, make, staff, count_queries):
    few = make.series(occurrences=2)
    for occurrence in make.occurrences(few):
        make.registration(occurrence)
    many = make.series(occurrences=15)
    for occurrence in make.occurrences(many):
        make.registration(occurrence)
        make.registration(occurrence, status="waitlisted")
    client.get(f"/meetings/manage/{few.id}")
    with count_queries() as small:
        assert client.get(f"/meetings/manage/{few.id}").status_code == 200
    with count_queries() as large:
        assert client.get(f"/meetings/manage/{many.id}").status_code == 200
    assert small.count == large.count


def test_live_preview_json(client, make, login):
    assert client.post("/meetings/manage/preview", data=form()).status_code == 302  # staff only
    login(make.user("staff"))
    data = client.post("/meetings/manage/preview?lang=en", data=form()).json
    assert data["description"] == "Monthly on the second Tuesday at 17.00" and data["errors"] == {}
    assert data["dates"][:2] == ["Tuesday 12.1.2027 17.00", "Tuesday 9.2.2027 17.00"] and len(data["dates"]) == 5
    bad = client.post("/meetings/manage/preview?lang=en", data=form(advanced_rrule="FREQ=HOURLY")).json
    assert bad["errors"] == {"advanced_rrule": ["A meeting can repeat at most once a day."]}
    assert client.post("/meetings/manage/preview", data=form(start_date="")).json["errors"]["start_date"]
    assert client.post("/meetings/manage/preview", data=form(interval="x")).json["errors"]
