"""GDPR services: export, erasure, anonymisation after the retention period."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.accounts.models import ApiToken, User
from app.core.audit import AuditEvent
from app.errors import Conflict
from app.extensions import db
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.tokens import registration_from_token, registration_token
from app.privacy import services


def _past_occurrence(make, days_ago: int):
    start = datetime.now() - timedelta(days=days_ago)
    return make.occurrence(start_local=start.replace(microsecond=0))


def test_export_person_by_user_contains_account_org_and_registrations(app, make):
    org = make.organization(name="Kallion Seura ry")
    user = make.user("ngo", organization=org, email="maija@example.org", name="Maija Meikäläinen")
    occurrence = make.occurrence(title_fi="Järjestöilta", title_en="NGO evening")
    make.registration(occurrence, user_id=user.id, email="maija@example.org", name="Maija M.",
                      needs="gluteeniton", seats=2)
    by_email_only = make.registration(make.occurrence(), email="MAIJA@example.org".lower(), name="Maija")
    make.registration(occurrence, email="someone.else@example.org")
    with app.app_context():
        data = services.export_person(db.session.get(User, user.id))
    assert data["account"]["email"] == "maija@example.org"
    assert data["account"]["organization"]["name"] == "Kallion Seura ry"
    assert [r["id"] for r in data["registrations"]][-1] == by_email_only.id
    assert len(data["registrations"]) == 2
    first = data["registrations"][0]
    assert first["meeting"]["title"] == {"fi": "Järjestöilta", "sv": None, "en": "NGO evening"}
    assert first["meeting"]["start"].endswith(("+02:00", "+03:00"))
    assert first["needs"] == "gluteeniton" and first["seats"] == 2
    assert all(r["email"] == "maija@example.org" for r in data["registrations"])
    assert "someone.else@example.org" not in str(data)


def test_export_person_by_email_without_account(app, make):
    make.registration(make.occurrence(), email="anon@example.org", name="Anon Person")
    with app.app_context():
        data = services.export_person("Anon@Example.org")
    assert data["account"] is None and data["api_tokens"] == []
    assert [r["name"] for r in data["registrations"]] == ["Anon Person"]


def test_export_includes_tokens_without_secrets_and_audit(app, make):
    user = make.user("staff")
    plain = make.token(user, label="integraatio")
    with app.app_context():
        data = services.export_person(db.session.get(User, user.id))
    assert data["api_tokens"][0]["label"] == "integraatio"
    assert plain not in str(data)
    assert {"action": "token.create"}.items() <= data["audit_events"][0].items()


def test_registered_sources_extend_export_and_erasure(app, make):
    from app.privacy.registry import SOURCES, PersonalDataSource, register_source

    seen = []
    saved = SOURCES.get("booking_requests")
    register_source(PersonalDataSource(
        "booking_requests", lambda subject: [{"email": subject.email}],
        lambda subject, *, actor, now: seen.append(subject.email) or 1))
    try:
        with app.app_context():
            assert services.export_person("x@example.org")["booking_requests"] == [{"email": "x@example.org"}]
            assert services.erase_person("x@example.org", actor=None)["booking_requests"] == 1
            db.session.rollback()
    finally:
        SOURCES.pop("booking_requests")
        if saved is not None:
            register_source(saved)
    assert seen == ["x@example.org"]


def test_erase_person_scrubs_account_and_anonymises_registrations(app, make):
    org = make.organization()
    user = make.user("ngo", organization=org, email="poista@example.org")
    make.token(user)
    past = _past_occurrence(make, 3)
    future = make.occurrence()
    old = make.registration(past, user_id=user.id, email="poista@example.org", organization_name="Oma porukka",
                            needs="pyörätuoli", seats=2, attendance="present")
    ahead = make.registration(future, user_id=user.id, email="poista@example.org", seats=2)
    waiting = make.registration(make.occurrence(), email="poista@example.org", status="waitlisted")
    now = datetime.now(timezone.utc)
    with app.app_context():
        token = registration_token(db.session.get(Registration, old.id))
        counts = services.erase_person(db.session.get(User, user.id), actor=None, now=now)
        db.session.commit()
    assert counts == {"registrations": 3, "api_tokens": 1, "account": 1, "feedback": 0, "booking_requests": 0,
                      "topics": 0, "meeting_records": 0, "outcome_follows": 0, "guidance_appointments": 0,
                      "sign_in_services": 0, "subscriptions": 0, "memberships": 1}  # (the user made with an organisation is its member)

    with app.app_context():
        account = db.session.get(User, user.id)
        assert not account.active and account.name == "" and account.password_hash is None
        assert account.email == f"user-{user.id}@anonymised.invalid" and account.organization_id is None
        assert db.session.scalar(select(func.count(ApiToken.id))) == 0
        rows = {r.id: r for r in db.session.scalars(select(Registration))}
        assert rows[old.id].status == "confirmed" and rows[old.id].attendance == "present"
        assert rows[old.id].seats == 2 and rows[old.id].organization_name is None and rows[old.id].needs is None
        assert rows[ahead.id].status == "cancelled" and rows[waiting.id].status == "cancelled"
        for row in rows.values():
            assert row.name == "" and row.user_id is None and abs(row.anonymised_at - now) < timedelta(seconds=1)
            assert row.email == f"registration-{row.id}@anonymised.invalid"
            assert "poista" not in row.email
        assert db.session.get(MeetingOccurrence, future.id).seats_taken == 0
        assert db.session.get(MeetingOccurrence, past.id).seats_taken == 2
        assert registration_from_token(token) is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.erase"))
        assert event.data == counts and "poista" not in str(event.data)
        assert services.export_person("poista@example.org")["registrations"] == []


def test_erase_is_idempotent(app, make):
    user = make.user("ngo")
    make.registration(make.occurrence(), user_id=user.id, email=user.email)
    with app.app_context():
        services.erase_person(db.session.get(User, user.id), actor=None)
        db.session.commit()
        again = services.erase_person(db.session.get(User, user.id), actor=None)
    assert again == {"registrations": 0, "api_tokens": 0, "account": 0, "feedback": 0, "booking_requests": 0,
                     "topics": 0, "meeting_records": 0, "outcome_follows": 0, "guidance_appointments": 0,
                     "sign_in_services": 0, "subscriptions": 0, "memberships": 0}



def test_last_admin_cannot_be_erased(app, make):
    admin = make.user("admin")
    with app.app_context():
        with pytest.raises(Conflict):
            services.erase_person(db.session.get(User, admin.id), actor=None)
        db.session.rollback()
    other = make.user("admin")
    with app.app_context():
        services.erase_person(db.session.get(User, admin.id), actor=None)
        db.session.commit()
        assert not db.session.get(User, admin.id).active and db.session.get(User, other.id).active


def test_registration_canceller_can_be_replaced(app, make):
    calls = []
    registration = make.registration(make.occurrence())
    wired = services._canceller
    services.set_registration_canceller(lambda row, *, actor, now: calls.append(row.id))
    try:
        with app.app_context():
            services.erase_registration(db.session.get(Registration, registration.id))
            db.session.rollback()
    finally:
        services.set_registration_canceller(wired)
    assert calls == [registration.id]


def test_anonymise_expired_respects_retention(app, make):
    long_ago = _past_occurrence(make, 40)
    recently = _past_occurrence(make, 10)
    upcoming = make.occurrence()
    old = make.registration(long_ago, name="Vanha Osallistuja", email="vanha@example.org", needs="x",
                            organization_name="Porukka", attendance="no_show", seats=2)
    old_cancelled = make.registration(long_ago, status="cancelled", email="peruttu@example.org")
    kept = make.registration(recently, email="tuore@example.org")
    future = make.registration(upcoming, email="tuleva@example.org")
    now = datetime.now(timezone.utc)
    with app.app_context():
        assert services.count_expired(now, 30) == 2
        assert services.anonymise_expired(now, 30) == 2
        db.session.commit()
        assert services.anonymise_expired(now, 30) == 0
        rows = {r.id: r for r in db.session.scalars(select(Registration))}
    assert rows[old.id].name == "" and rows[old.id].email == f"registration-{old.id}@anonymised.invalid"
    assert rows[old.id].needs is None and rows[old.id].organization_name is None
    assert rows[old.id].attendance == "no_show" and rows[old.id].seats == 2 and rows[old.id].status == "confirmed"
    assert rows[old.id].manage_secret == "" and rows[old.id].anonymised_at is not None
    assert rows[old_cancelled.id].email == f"registration-{old_cancelled.id}@anonymised.invalid"
    assert rows[kept.id].email == "tuore@example.org" and rows[kept.id].anonymised_at is None
    assert rows[future.id].email == "tuleva@example.org"
    with app.app_context():
        assert services.anonymise_expired(now, 5) == 1  # the 10-day-old meeting now too


def test_cli_anonymise_dry_run_and_now(app, make, runner):
    occurrence = _past_occurrence(make, 40)
    make.registration(occurrence)
    make.registration(occurrence)
    result = runner.invoke(args=["privacy", "anonymise", "--dry-run"])
    assert result.exit_code == 0 and "2 registration(s) would be anonymised" in result.output
    past_now = (datetime.now(timezone.utc) - timedelta(days=20)).isoformat()
    result = runner.invoke(args=["privacy", "anonymise", "--now", past_now])
    assert result.exit_code == 0 and "0 registration(s) anonymised" in result.output
    result = runner.invoke(args=["privacy", "anonymise"])
    assert result.exit_code == 0 and "2 registration(s) anonymised" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Registration.anonymised_at.is_not(None))) == 2


def test_cli_anonymise_bad_now_is_one_line_error(runner, app):
    result = runner.invoke(args=["privacy", "anonymise", "--now", "eilen"])
    assert result.exit_code != 0 and "ISO 8601" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_export_and_erase(app, make, runner):
    import json

    make.registration(make.occurrence(), email="cli@example.org", name="Komentorivi")
    result = runner.invoke(args=["privacy", "export", "cli@example.org"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["registrations"][0]["name"] == "Komentorivi"
    result = runner.invoke(args=["privacy", "erase", "cli@example.org", "--yes"])
    assert result.exit_code == 0 and "registrations 1" in result.output
    with app.app_context():
        assert services.export_person("cli@example.org")["registrations"] == []
