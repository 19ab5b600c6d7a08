"""Guidance pages: staff publish (and see clear errors), anyone books a free slot, the manage link
moves and cancels, the public list never shows who booked, the adviser's day view and feed."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.guidance import tokens
from app.guidance.models import GuidanceAppointment, GuidanceHour, GuidanceWindow
from app.mail.models import OutboxMessage

HEL = ZoneInfo("Europe/Helsinki")


def _next_tuesday() -> datetime:
    today = datetime.now(HEL).replace(hour=9, minute=0, second=0, microsecond=0, tzinfo=None)
    return today + timedelta(days=7 + (1 - today.weekday()) % 7)


def _form(adviser_id: int, **overrides) -> dict:
    first = _next_tuesday()
    data = {"title_fi": "Avustusneuvonta", "title_sv": "Bidragsrådgivning", "title_en": "Grant advice",
            "first_date": first.date().isoformat(), "start_time": "09:00", "end_time": "11:00",
            "slot_minutes": "30", "repeat": "WEEKLY", "until": (first + timedelta(days=28)).date().isoformat(),
            "place": "address", "location": "Helsingin kaupungintalo", "adviser_ids": [str(adviser_id)],
            "reminder_hours_before": "24"}
    data.update(overrides)
    return data


def _mails(app, kind: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                       .order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def test_staff_publish_a_month_of_guidance_hours(app, client, make, login):
    staff = make.user("staff", name="Neuvoja Niina")
    login(staff)
    response = client.post("/guidance/manage/new", data=_form(staff.id))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        hour = db.session.scalar(select(GuidanceHour))
        assert hour.rrule.startswith("FREQ=WEEKLY;UNTIL=") and hour.slot_minutes == 30
        assert [a.id for a in hour.advisers] == [staff.id]
        assert db.session.scalar(select(func.count(GuidanceWindow.id))) == 5  # five Tuesdays in 4 weeks + 1 day


@pytest.mark.parametrize("overrides, message", [
    ({"slot_minutes": "45"}, "cannot be cut into 45-minute slots"),
    ({"end_time": "08:00"}, "The end must be after the start."),
    ({"first_date": "2020-01-07"}, "The first guidance hour must be in the future."),
    ({"adviser_ids": []}, "Choose at least one adviser."),
    ({"place": "online", "online_url": "kokous"}, "Enter a full web address starting with https://."),
])
def test_staff_form_errors_are_shown_and_nothing_is_saved(app, client, make, login, overrides, message):
    staff = make.user("staff")
    login(staff)
    response = client.post("/guidance/manage/new?lang=en", data=_form(staff.id, **overrides))
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(GuidanceHour.id))) == 0


def test_visitor_books_moves_and_cancels_by_the_mail_link(app, client, make):
    hour = make.guidance_hour()
    windows = make.guidance_windows(hour)
    page = client.get(f"/guidance/{hour.id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    start = windows[0].starts_at.astimezone(HEL)
    book_url = f"/guidance/{hour.id}/book?start={quote(start.isoformat(), safe=':')}"
    assert book_url in page.get_data(as_text=True)
    form = client.get(book_url)
    assert form.status_code == 200
    # Missing consent: re-shown with the error, nothing written.
    data = {"start": start.isoformat(), "name": "Maija", "email": "maija@example.org", "question": "Salainen kysymys 4711"}
    assert client.post(f"/guidance/{hour.id}/book", data=data).status_code == 400
    response = client.post(f"/guidance/{hour.id}/book", data=dict(data, consent="y"))
    assert response.status_code == 302
    manage = response.headers["Location"]
    assert "maija@example.org" in client.get(manage).get_data(as_text=True)  # the page (and its flash)
    [mail] = _mails(app, "guidance_booked")
    [notice] = _mails(app, "guidance_adviser_notice")  # the adviser hears of it, without the manage link
    assert "Salainen kysymys 4711" in notice.text_body and "/guidance/appointments/" not in notice.text_body
    assert "/guidance/day?date=" in notice.text_body
    assert mail.ics_method == "REQUEST" and "METHOD:REQUEST" in mail.ics and "SEQUENCE:0" in mail.ics
    assert re.search(r"/guidance/appointments/\S+", mail.text_body).group(0) == manage
    # The public list shows the slot as booked, never who booked it.
    public = client.get(f"/guidance/{hour.id}").get_data(as_text=True)
    assert "Maija" not in public and "maija@example.org" not in public and "Salainen kysymys" not in public
    # Move to the next slot: same UID, SEQUENCE 1, the old slot free again.
    new_start = (windows[0].starts_at + timedelta(minutes=30)).astimezone(HEL)
    moved = client.post(manage + "/move", data={"start": new_start.isoformat()})
    assert moved.status_code == 302
    [moved_mail] = _mails(app, "guidance_moved")
    uid = re.search(r"UID:(\S+)", mail.ics).group(1)
    assert f"UID:{uid}" in moved_mail.ics and "SEQUENCE:1" in moved_mail.ics
    with app.app_context():
        row = db.session.scalar(select(GuidanceAppointment))
        assert row.starts_at == new_start and row.status == "booked"
    assert client.post(f"/guidance/{hour.id}/book", data=dict(data, email="other@example.org", consent="y")
                       ).status_code == 302  # the first slot is free again
    # Moving into a taken slot is refused with the reason.
    refused = client.post(manage + "/move?lang=en", data={"start": start.isoformat()})
    assert refused.status_code == 409 and "Someone has just booked that slot" in refused.get_data(as_text=True)
    # Cancel with a confirmation step.
    assert client.get(manage + "/cancel").status_code == 200
    assert client.post(manage + "/cancel").status_code == 302
    [cancel_mail] = _mails(app, "guidance_cancelled")
    assert "METHOD:CANCEL" in cancel_mail.ics and f"UID:{uid}" in cancel_mail.ics
    with app.app_context():
        assert db.session.get(GuidanceAppointment, row.id).status == "cancelled"


def test_logged_in_ngo_books_in_one_step(app, client, make, login):
    org = make.organization(name="Kontulan Kerho ry")
    user = make.user("ngo", organization=org)
    login(user)
    hour = make.guidance_hour()
    start = make.guidance_windows(hour)[0].starts_at.astimezone(HEL)
    response = client.post(f"/guidance/{hour.id}/book", data={"start": start.isoformat(), "question": "Q"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(GuidanceAppointment))
        assert (row.user_id, row.email, row.organization_id) == (user.id, user.email, org.id)
        token = tokens.appointment_token(row)
    # The guidance page lists the user's own upcoming appointments with their manage links.
    assert f"/guidance/appointments/{token}" in client.get("/guidance/").get_data(as_text=True)


@pytest.mark.parametrize("start", ["not-a-time", "2031-01-01T03:17:00+02:00"])
def test_booking_a_slot_that_does_not_exist_is_a_clear_4xx(client, make, start):
    hour = make.guidance_hour()
    response = client.get(f"/guidance/{hour.id}/book?lang=en&start={quote(start)}")
    assert response.status_code == 422
    assert "There is no guidance slot at that time" in response.get_data(as_text=True)
    assert client.get("/guidance/999999").status_code == 404


def test_tampered_manage_link_is_404(app, client, make):
    hour = make.guidance_hour()
    row = make.appointment(hour)
    with app.app_context():
        token = tokens.appointment_token(db.session.get(GuidanceAppointment, row.id))
    assert client.get(f"/guidance/appointments/{token}").status_code == 200
    assert client.get(f"/guidance/appointments/{token[:-2]}xx").status_code == 404


def test_adviser_day_view_and_revocable_feed(app, client, make, login):
    adviser = make.user("staff", name="Neuvoja Niina")
    other = make.user("staff")
    hour = make.guidance_hour(advisers=[adviser])
    org = make.organization(name="Itäkeskuksen Yhdistys ry")
    row = make.appointment(hour, name="Kalle Kysyjä", question="Miten haen toiminta-avustusta?",
                           organization_id=org.id)
    day = row.starts_at.astimezone(HEL).date().isoformat()
    login(adviser)
    page = client.get(f"/guidance/day?date={day}").get_data(as_text=True)
    assert "Kalle Kysyjä" in page and "Miten haen toiminta-avustusta?" in page and org.name in page
    feed_path = re.search(r'value="http://kohtaamo\.test(/guidance/feed/[^"]+\.ics)"', page).group(1)
    feed = client.get(feed_path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert "Kalle Kysyj" in body and "BEGIN:VEVENT" in body
    assert client.get(feed_path, headers={"If-None-Match": feed.headers["ETag"]}).status_code == 304
    # Another staff member's day view does not list it unless they ask for every adviser's hours.
    login(other)
    assert "Kalle Kysyjä" not in client.get(f"/guidance/day?date={day}").get_data(as_text=True)
    assert "Kalle Kysyjä" in client.get(f"/guidance/day?date={day}&all=1").get_data(as_text=True)
    # Renewing revokes the old address at once.
    login(adviser)
    assert client.post("/guidance/feed/renew").status_code == 302
    assert client.get(feed_path).status_code == 404


def test_staff_cancel_a_date_tells_the_bookers(app, client, make, login):
    staff = make.user("staff")
    hour = make.guidance_hour(advisers=[staff])
    window = make.guidance_windows(hour)[0]
    row = make.appointment(hour)
    login(staff)
    assert client.post(f"/guidance/manage/windows/{window.id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(GuidanceAppointment, row.id).status == "cancelled"
        assert db.session.get(GuidanceWindow, window.id).status == "cancelled"
    [mail] = _mails(app, "guidance_cancelled")
    assert mail.recipient == row.email and "METHOD:CANCEL" in mail.ics
    assert client.post(f"/guidance/manage/{hour.id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(GuidanceHour, hour.id).status == "cancelled"
    assert client.get("/guidance/").status_code == 200


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pages_in_every_language(client, make, login, lang):
    staff = make.user("staff")
    hour = make.guidance_hour(advisers=[staff])
    make.appointment(hour)
    login(staff)
    for path in ("/guidance/", f"/guidance/{hour.id}", "/guidance/manage", "/guidance/manage/new",
                 f"/guidance/manage/{hour.id}", "/guidance/day"):
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        assert f'lang="{lang}"' in response.get_data(as_text=True)
