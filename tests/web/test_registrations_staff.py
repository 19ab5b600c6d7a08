"""Staff pages: participant list (fixed query count), attendance, exports, message, cancel."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEvent
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, Registration


@pytest.mark.parametrize("path", ["participants", "participants.csv", "participants.xlsx", "message"])
def test_staff_only(client, make, login, path):
    occurrence = make.occurrence()
    url = f"/meetings/occurrences/{occurrence.id}/{path}"
    assert client.get(url).status_code == 302  # to the login page
    login(make.user("ngo"))
    assert client.get(url).status_code == 403


def test_participant_list_shows_confirmed_and_waiting(client, make, login):
    org = make.organization(name="Maunulan Maja ry")
    occurrence = make.occurrence(capacity=3)
    make.registration(occurrence, name="Aino", organization_id=org.id, seats=2, needs="Gluteeniton",
                      show_on_participant_list=True)
    make.registration(occurrence, name="Eero", organization_name="Vapaa ryhmä")
    make.registration(occurrence, name="Jonottaja Jussi", status="waitlisted", seats=2)
    make.registration(occurrence, name="Peruttu Pirkko", status="cancelled")
    login(make.user("staff"))
    html = client.get(f"/meetings/occurrences/{occurrence.id}/participants?lang=en").get_data(as_text=True)
    assert "Aino" in html and "Maunulan Maja ry" in html and "Gluteeniton" in html
    assert "Vapaa ryhmä" in html and "Jonottaja Jussi" in html and "Peruttu Pirkko" not in html
    assert "Confirmed seats 3 of 3; waiting list 2 seats." in html
    assert html.index("Jonottaja Jussi") > html.index("Waiting list")


def _fill(make, occurrence, n):
    org = make.organization()
    for i in range(n):
        make.registration(occurrence, status="confirmed" if i % 3 else "waitlisted",
                          organization_id=org.id if i % 2 else None, organization_name=None if i % 2 else "Oma")


@pytest.mark.parametrize("path", ["participants", "participants.csv", "participants.xlsx"])
def test_participant_list_query_count_does_not_grow(client, make, login, count_queries, path):
    small = make.occurrence(capacity=100)
    large = make.occurrence(capacity=100)
    _fill(make, small, 2)
    _fill(make, large, 30)
    login(make.user("staff"))
    counts = []
    for occurrence in (small, large):
        client.get(f"/meetings/occurrences/{occurrence.id}/{path}")  # warm-up
        with count_queries() as counter:
            response = client.get(f"/meetings/occurrences/{occurrence.id}/{path}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_attendance_cannot_be_marked_before_the_meeting(app, client, make, login):
    occurrence = make.occurrence()  # next week
    a = make.registration(occurrence)
    login(make.user("staff"))
    html = client.get(f"/meetings/occurrences/{occurrence.id}/participants?lang=en").get_data(as_text=True)
    assert 'id="attendance-not-open"' in html and f'name="attendance-{a.id}"' not in html
    assert "Save attendance" not in html
    response = client.post(f"/meetings/occurrences/{occurrence.id}/attendance", data={f"attendance-{a.id}": "present"})
    assert response.status_code == 302
    page = client.get(f"/meetings/occurrences/{occurrence.id}/participants?lang=en").get_data(as_text=True)
    assert "Attendance can be marked once the meeting has started" in page
    with app.app_context():
        assert db.session.get(Registration, a.id).attendance is None


def test_attendance_marking_in_one_form(app, client, make, login):
    from datetime import datetime, timedelta
    occurrence = make.occurrence(start_local=(datetime.now() - timedelta(days=1)).replace(microsecond=0))
    a = make.registration(occurrence)
    b = make.registration(occurrence)
    c = make.registration(occurrence)
    login(make.user("staff"))
    response = client.post(f"/meetings/occurrences/{occurrence.id}/attendance",
                           data={f"attendance-{a.id}": "present", f"attendance-{b.id}": "no_show",
                                 f"attendance-{c.id}": ""})
    assert response.status_code == 302
    with app.app_context():
        assert [db.session.get(Registration, r.id).attendance for r in (a, b, c)] == ["present", "no_show", None]
    html = client.get(f"/meetings/occurrences/{occurrence.id}/participants").get_data(as_text=True)
    assert f'name="attendance-{a.id}" value="present" checked' in html
    bad = client.post(f"/meetings/occurrences/{occurrence.id}/attendance", data={f"attendance-{a.id}": "maybe"})
    assert bad.status_code == 302
    with app.app_context():
        assert db.session.get(Registration, a.id).attendance == "present"


def test_csv_and_xlsx_exports(client, make, login):
    occurrence = make.occurrence()
    make.registration(occurrence, name="Åsa Ärlig", email="asa@example.org", needs="Induktiosilmukka")
    make.registration(occurrence, name="Odottava", status="waitlisted")
    login(make.user("staff"))
    csv_response = client.get(f"/meetings/occurrences/{occurrence.id}/participants.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    assert csv_response.data.startswith("\ufeff".encode())  # Excel in Finland: BOM and semicolons
    from app.core.spreadsheet import read_excel_csv
    table = read_excel_csv(csv_response.data)
    assert table[1][1] == "Åsa Ärlig" and table[1][2] == "asa@example.org" and len(table) == 3
    text = csv_response.data.decode("utf-8-sig")
    assert "Åsa Ärlig" in text and "asa@example.org" in text and "Induktiosilmukka" in text and "Odottava" in text
    xlsx = client.get(f"/meetings/occurrences/{occurrence.id}/participants.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][1] == "Åsa Ärlig" and rows[1][2] == "asa@example.org"


def test_message_to_all_registrants(app, client, make, login):
    occurrence = make.occurrence()
    make.registration(occurrence, email="a@example.org")
    make.registration(occurrence, email="b@example.org", status="waitlisted")
    staff = make.user("staff")
    login(staff)
    empty = client.post(f"/meetings/occurrences/{occurrence.id}/message?lang=en", data={"subject": "", "body": ""})
    assert empty.status_code == 400 and "Enter a subject." in empty.get_data(as_text=True)
    response = client.post(f"/meetings/occurrences/{occurrence.id}/message",
                           data={"subject": "Tila vaihtuu", "body": "Kokoonnumme salissa 2.", "include_waitlist": "y"})
    assert response.status_code == 302
    with app.app_context():
        mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "registration_message")))
        assert sorted(m.recipient for m in mails) == ["a@example.org", "b@example.org"]
        assert all(m.subject == "Tila vaihtuu" for m in mails)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "registration.message"))
        assert event.actor_id == staff.id and event.data["recipients"] == 2
    client.post(f"/meetings/occurrences/{occurrence.id}/message", data={"subject": "Vain vahvistetut", "body": "x"})
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))
                                 .where(OutboxMessage.subject == "Vain vahvistetut")) == 1


def test_staff_cancels_a_registration_and_the_queue_moves(app, client, make, login):
    occurrence = make.occurrence(capacity=1)
    reg = make.registration(occurrence)
    waiting = make.registration(occurrence, status="waitlisted")
    login(make.user("staff"))
    page = client.get(f"/registrations/{reg.id}/cancel?from=participants")
    assert page.status_code == 200
    response = client.post(f"/registrations/{reg.id}/cancel?from=participants")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/meetings/occurrences/{occurrence.id}/participants")
    with app.app_context():
        assert db.session.get(Registration, reg.id).status == "cancelled"
        assert db.session.get(Registration, waiting.id).status == "confirmed"
        assert db.session.get(MeetingOccurrence, occurrence.id).seats_taken == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "registration.cancel"))
        assert event is not None and event.actor_id is not None
