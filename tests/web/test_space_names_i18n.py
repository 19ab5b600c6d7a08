"""A space's name and address in Swedish and English (issue 17 leftovers): entered on the form or
through the API, shown in the page's (or the mail's) language, Finnish when a translation is missing."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.spaces import services
from app.spaces.models import Space
from tests.timeutil import next_weekday

NAMES = {"name": "Kallion asukastila", "address": "Helsinginkatu 25, 00510 Helsinki",
         "name_sv": "Berghälls invånarlokal", "address_sv": "Helsingegatan 25, 00510 Helsingfors"}


def test_the_form_takes_the_names_and_the_pages_show_the_page_language(app, client, make, login):
    login(make.user("staff"))
    response = client.post("/spaces/new", data=dict(NAMES, capacity="20", always_open="y", name_en=""))
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    with app.app_context():
        space = db.session.scalar(select(Space))
        assert (space.name_sv, space.address_sv, space.name_en, space.address_en) == (
            "Berghälls invånarlokal", "Helsingegatan 25, 00510 Helsingfors", None, None)
        space_id = space.id
    assert 'value="Berghälls invånarlokal"' in client.get(f"/spaces/{space_id}/edit").get_data(as_text=True)
    swedish = client.get(f"/spaces/{space_id}?lang=sv").get_data(as_text=True)
    assert "<h1>Berghälls invånarlokal</h1>" in swedish and "Helsingegatan 25" in swedish
    english = client.get(f"/spaces/{space_id}?lang=en").get_data(as_text=True)  # no English name: Finnish
    assert "<h1>Kallion asukastila</h1>" in english and "Helsinginkatu 25" in english
    assert "Berghälls invånarlokal" in client.get("/spaces/?lang=sv").get_data(as_text=True)
    assert "Kallion asukastila" in client.get("/spaces/?lang=fi").get_data(as_text=True)
    too_long = client.post(f"/spaces/{space_id}/edit", data=dict(NAMES, capacity="20", always_open="y",
                                                                 name_en="x" * 201))
    assert too_long.status_code == 400


def test_the_service_checks_the_translations():
    data = services.clean_space_data(dict(NAMES, capacity=10, name_en="  "))
    assert data.name_sv == "Berghälls invånarlokal" and data.name_en is None
    try:
        services.clean_space_data(dict(NAMES, capacity=10, address_en="y" * 301))
    except Exception as exc:  # noqa: BLE001 - the ValidationError with the field
        assert "address_en" in exc.fields
    else:
        raise AssertionError("a too long English address was accepted")


def test_the_api_takes_and_answers_every_language(client, make):
    body = dict(NAMES, district="central", capacity=20, name_en="Kallio residents' space")
    created = client.post("/api/v1/spaces", json=body, headers=make.auth("staff"))
    assert created.status_code == 201, created.json
    answer = client.get(f"/api/v1/spaces/{created.json['id']}").json
    assert answer["name"] == "Kallion asukastila" and answer["address"] == NAMES["address"]
    assert answer["name_i18n"] == {"fi": "Kallion asukastila", "sv": "Berghälls invånarlokal",
                                   "en": "Kallio residents' space"}
    assert answer["address_i18n"] == {"fi": NAMES["address"], "sv": NAMES["address_sv"], "en": None}
    too_long = client.post("/api/v1/spaces", json=dict(body, name_sv="x" * 201), headers=make.auth("staff"))
    assert too_long.status_code in (400, 422)


def test_a_swedish_requester_gets_the_swedish_name_by_mail(app, client, make, login):
    space = make.space(**NAMES, opening_hours=None)
    ngo = make.user("ngo", locale="sv", organization=make.organization())
    login(ngo)
    day = next_weekday(2)
    response = client.post(f"/spaces/{space.id}/request", data={
        "title": "Kerhoilta", "purpose": "Kerho", "headcount": "5", "date": day.isoformat(),
        "start_time": "17:00", "end_time": "19:00"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_request_received"))
        assert "Berghälls invånarlokal" in mail.subject and "Helsingegatan 25" in mail.text_body
        assert "Kallion asukastila" not in mail.text_body
