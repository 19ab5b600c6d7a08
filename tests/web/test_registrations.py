"""Registration pages: the occurrence page and its form, the manage link, My registrations."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.types import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.tokens import registration_token

FORM = {"name": "Maija Meikäläinen", "email": "maija@example.org", "organization_id": "",
        "organization_name": "Oma kerho", "seats": "1", "needs": "Pyörätuoli", "consent": "y"}


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count(Registration.id))),
                db.session.scalar(select(func.count(OutboxMessage.id))))


def _manage_path(app, email="maija@example.org"):
    """The manage link the person finds in their mail."""
    with app.app_context():
        registration = db.session.scalar(select(Registration).where(Registration.email == email))
        return f"/registrations/manage/{registration_token(registration)}"


def _token_for(app, registration_id):
    with app.app_context():
        return registration_token(db.session.get(Registration, registration_id))


def test_occurrence_page_shows_details_in_the_users_language(client, make):
    occurrence = make.occurrence(title_fi="Verkostoilta", title_en="Network evening", description_en="Welcome all",
                                 capacity=12)
    make.registration(occurrence, seats=2)
    html = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert "Network evening" in html and "Welcome all" in html
    assert "10 of 12" in html and "Kalasatamankatu 1" in html
    assert 'name="email"' in html and 'name="consent"' in html and 'href="/privacy"' in html
    with client.application.app_context():
        start = db.session.get(MeetingOccurrence, occurrence.id).starts_at
    from zoneinfo import ZoneInfo
    assert start.astimezone(ZoneInfo("Europe/Helsinki")).strftime("%-H.%M") in html  # Helsinki wall clock
    fi = client.get(f"/meetings/occurrences/{occurrence.id}?lang=fi").get_data(as_text=True)
    assert "Verkostoilta" in fi


def test_organisation_select_lists_the_registry(client, make):
    org = make.organization(name="Kumpulan kyläyhdistys ry")
    occurrence = make.occurrence()
    html = client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    assert f'<option value="{org.id}">Kumpulan kyläyhdistys ry</option>' in html


def test_register_without_account(app, client, make):
    org = make.organization()
    occurrence = make.occurrence(capacity=5)
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en",
                           data=dict(FORM, organization_id=str(org.id), seats="2"))
    # The answer never tells whether the address was already registered: "check your email".
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{occurrence.id}/received")
    assert "Check your email" in client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    manage = client.get(_manage_path(app) + "?lang=en").get_data(as_text=True)
    assert "Maija Meikäläinen" in manage and "Confirmed" in manage
    assert "/privacy/registration/" in manage
    with app.app_context():
        reg = db.session.scalar(select(Registration))
        assert reg.seats == 2 and reg.organization_id == org.id and reg.organization_name is None
        assert reg.needs == "Pyörätuoli" and reg.locale == "en" and reg.consent_at is not None
        assert db.session.get(MeetingOccurrence, occurrence.id).seats_taken == 2
        assert db.session.scalar(select(OutboxMessage.kind)) == "registration_confirmed"


@pytest.mark.parametrize("change, message", [
    ({"seats": "4"}, "At most 3 seats per registration."),
    ({"seats": "0"}, "Register at least one seat."),
    ({"email": "maija@"}, "Enter a valid email address."),
    ({"consent": ""}, "Accept the processing of your personal data to register."),
    ({"name": ""}, "Enter your name."),
])
def test_bad_input_reshows_the_form_and_writes_nothing(app, client, make, change, message):
    occurrence = make.occurrence(max_seats_per_registration=3)
    data = {k: v for k, v in dict(FORM, **change).items() if v != ""}
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and 'class="error-summary"' in html
    assert _counts(app) == (0, 0)


def test_errors_are_in_the_users_language(app, client, make):
    occurrence = make.occurrence()
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=fi", data=dict(FORM, email="x"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Anna kelvollinen sähköpostiosoite." in html


def test_duplicate_email_gets_the_same_answer_and_the_owner_a_reminder(app, client, make):
    occurrence = make.occurrence()
    make.registration(occurrence, email="maija@example.org")
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en", data=FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith("/received")
    assert _counts(app) == (1, 1)
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.kind)) == "registration_already"


def test_logged_in_duplicate_is_refused_with_a_clear_message(app, client, make, login):
    user = make.user("ngo")
    occurrence = make.occurrence()
    make.registration(occurrence, email=user.email)
    login(user)
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en", data={"seats": "1"})
    assert response.status_code == 400
    assert "already registered for this meeting" in response.get_data(as_text=True)


@pytest.mark.parametrize("case", ["cancelled", "past", "closed"])
def test_closed_occurrence_has_no_form_and_refuses_posts(app, client, make, case):
    occurrence = make.occurrence(registration_closes_minutes_before=60 * 24 * 30 if case == "closed" else 0)
    with app.app_context():
        row = db.session.get(MeetingOccurrence, occurrence.id)
        if case == "cancelled":
            row.status = "cancelled"
        if case == "past":
            row.starts_at = utcnow() - timedelta(days=1)
            row.ends_at = row.starts_at + timedelta(hours=2)
        db.session.commit()
    html = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert 'name="consent"' not in html
    assert ("cancelled" in html) if case == "cancelled" else ("Closed" in html)
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en", data=FORM)
    assert response.status_code == 400, response.get_data(as_text=True)[-1500:]
    assert "cancelled" in response.get_data(as_text=True) or "closed" in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)


def test_full_occurrence_offers_the_waiting_list(app, client, make):
    occurrence = make.occurrence(capacity=1)
    make.registration(occurrence)
    html = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert "waiting list" in html and "Join the waiting list" in html
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en", data=FORM)
    assert response.status_code == 302
    manage = client.get(_manage_path(app, "maija@example.org") + "?lang=en").get_data(as_text=True)
    assert "On the waiting list" in manage and "place 1 in the queue" in manage


def test_full_without_waitlist_shows_full_and_no_form(client, make):
    occurrence = make.occurrence(capacity=1, waitlist=False)
    make.registration(occurrence)
    html = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert "Full" in html and 'name="consent"' not in html


def test_draft_series_is_not_public(client, make):
    occurrence = make.occurrence(status="draft")
    assert client.get(f"/meetings/occurrences/{occurrence.id}").status_code == 404
    assert client.get("/meetings/occurrences/999999").status_code == 404


def test_logged_in_ngo_registers_in_one_click(app, client, make, login):
    org = make.organization(name="Itäkeskuksen Nuoret ry")
    user = make.user("ngo", organization=org, name="Pekka Puupää")
    occurrence = make.occurrence()
    login(user)
    html = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert "You register as Pekka Puupää" in html and 'name="email"' not in html
    response = client.post(f"/meetings/occurrences/{occurrence.id}?lang=en", data={"seats": "1"})
    assert response.status_code == 302
    with app.app_context():
        reg = db.session.scalar(select(Registration))
        assert (reg.name, reg.email, reg.organization_id, reg.user_id) == ("Pekka Puupää", user.email, org.id,
                                                                          user.id)
    html = client.get(f"/meetings/occurrences/{occurrence.id}?lang=en").get_data(as_text=True)
    assert "You are registered for this meeting" in html
    mine = client.get("/registrations/mine?lang=en").get_data(as_text=True)
    assert f"/meetings/occurrences/{occurrence.id}" in mine and "Confirmed" in mine


def test_manage_page_cancel_with_confirmation_promotes_the_waiting_list(app, client, make):
    occurrence = make.occurrence(capacity=1)
    reg = make.registration(occurrence)
    waiting = make.registration(occurrence, status="waitlisted")
    token = _token_for(app, reg.id)
    confirm = client.get(f"/registrations/manage/{token}/cancel?lang=en")
    assert confirm.status_code == 200 and "Yes, cancel the registration" in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, reg.id).status == "confirmed"  # GET changes nothing
    response = client.post(f"/registrations/manage/{token}/cancel")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Registration, reg.id).status == "cancelled"
        assert db.session.get(Registration, waiting.id).status == "confirmed"
        assert db.session.get(MeetingOccurrence, occurrence.id).seats_taken == 1
        kinds = list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))
        assert kinds == ["registration_cancelled", "registration_promoted"]
    page = client.get(f"/registrations/manage/{token}?lang=en").get_data(as_text=True)
    assert "Cancelled" in page and "Cancel my registration" not in page


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
                                    lambda t: "garbage", lambda t: t + "x"])
def test_tampered_manage_token_is_a_clear_404(app, client, make, mangle):
    occurrence = make.occurrence()
    reg = make.registration(occurrence)
    token = mangle(_token_for(app, reg.id))
    response = client.get(f"/registrations/manage/{token}?lang=en")
    assert response.status_code == 404 and "This registration link is not valid" in response.get_data(as_text=True)
    assert client.post(f"/registrations/manage/{token}/cancel").status_code == 404
    with app.app_context():
        assert db.session.get(Registration, reg.id).status == "confirmed"


def test_rotated_secret_invalidates_the_link(app, client, make):
    occurrence = make.occurrence()
    reg = make.registration(occurrence)
    token = _token_for(app, reg.id)
    with app.app_context():
        db.session.get(Registration, reg.id).manage_secret = "0" * 32
        db.session.commit()
    assert client.get(f"/registrations/manage/{token}").status_code == 404


def test_my_registrations_upcoming_past_and_cancel(app, client, make, login):
    user = make.user("ngo")
    upcoming = make.occurrence(title_fi="Tuleva")
    past = make.occurrence(title_fi="Mennyt")
    other = make.occurrence(title_fi="Jonkun muun")
    mine = make.registration(upcoming, email=user.email)
    make.registration(past, email=user.email)
    theirs = make.registration(other, email="someone@example.org")
    with app.app_context():
        row = db.session.get(MeetingOccurrence, past.id)
        row.starts_at = utcnow() - timedelta(days=3)
        row.ends_at = row.starts_at + timedelta(hours=2)
        db.session.commit()
    login(user)
    html = client.get("/registrations/mine?lang=en").get_data(as_text=True)
    assert html.index("Tuleva") < html.index("Past") < html.index("Mennyt")
    assert "Jonkun muun" not in html
    assert client.get(f"/registrations/{theirs.id}/cancel").status_code == 403
    assert client.post(f"/registrations/{mine.id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(Registration, mine.id).status == "cancelled"
        assert db.session.get(Registration, theirs.id).status == "confirmed"


def test_my_registrations_needs_login(client):
    response = client.get("/registrations/mine")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_participant_list_for_networking_only_for_logged_in_users(client, make, login):
    org = make.organization(name="Verkostojärjestö ry")
    occurrence = make.occurrence()
    make.registration(occurrence, name="Avoin Anna", email="anna@example.org", organization_id=org.id,
                      show_on_participant_list=True)
    make.registration(occurrence, name="Salainen Sami", email="sami@example.org")
    public = client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    for secret in ("Avoin Anna", "Salainen Sami", "anna@example.org", "sami@example.org"):
        assert secret not in public
    login(make.user("ngo"))
    html = client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    assert "Avoin Anna" in html and "Verkostojärjestö ry" in html
    assert "Salainen Sami" not in html and "anna@example.org" not in html


def test_anonymous_registrations_are_rate_limited(app, client, make):
    occurrence = make.occurrence(capacity=50, max_seats_per_registration=1)
    statuses = [client.post(f"/meetings/occurrences/{occurrence.id}",
                            data=dict(FORM, email=f"p{n}@example.org")).status_code for n in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429
