"""One NGO token cannot hoard seats or mail strangers (issue 11, item 7)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import Registration


def _url(occurrence):
    return f"/api/v1/occurrences/{occurrence.id}/registrations"


def _body(n: int, **extra):
    return {"name": f"Henkilö {n}", "email": f"stranger{n}@example.org", **extra}


def test_registrations_for_others_are_limited_per_occurrence(app, client, make):
    app.config["API_PROXY_REGISTRATIONS_PER_OCCURRENCE"] = 3
    try:
        occurrence = make.occurrence(capacity=100)
        other = make.occurrence(capacity=100)
        ngo = make.auth("ngo")
        assert [client.post(_url(occurrence), json=_body(n), headers=ngo).status_code for n in range(3)] == [201] * 3
        refused = client.post(_url(occurrence), json=_body(3), headers=ngo)
        assert refused.status_code == 409 and refused.json["error"] == "limit_reached"
        assert refused.json["message"]
        # Another occurrence has its own allowance; another NGO user theirs.
        assert client.post(_url(other), json=_body(4), headers=ngo).status_code == 201
        assert client.post(_url(occurrence), json=_body(5), headers=make.auth("ngo")).status_code == 201
        # Staff are not limited (they register people on the phone).
        staff = make.auth("staff")
        assert all(client.post(_url(occurrence), json=_body(10 + n), headers=staff).status_code == 201
                   for n in range(4))
    finally:
        app.config["API_PROXY_REGISTRATIONS_PER_OCCURRENCE"] = 10


def test_registrations_for_others_are_limited_per_token_over_time(app, client, make):
    app.config["API_PROXY_REGISTRATIONS_PER_DAY"] = 4
    try:
        ngo = make.auth("ngo")
        occurrences = [make.occurrence(capacity=50) for _ in range(5)]
        statuses = [client.post(_url(o), json=_body(n), headers=ngo).status_code for n, o in enumerate(occurrences)]
        assert statuses == [201, 201, 201, 201, 429]
        with app.app_context():
            assert db.session.scalar(select(func.count(Registration.id))) == 4
            assert db.session.scalar(select(func.count(OutboxMessage.id))) == 4  # no mail to the fifth
    finally:
        app.config["API_PROXY_REGISTRATIONS_PER_DAY"] = 50


def test_own_registration_is_not_counted_as_on_behalf(app, client, make):
    app.config["API_PROXY_REGISTRATIONS_PER_OCCURRENCE"] = 1
    try:
        user = make.user("ngo")
        headers = {"Authorization": f"Bearer {make.token(user)}"}
        occurrence = make.occurrence(capacity=10)
        assert client.post(_url(occurrence), json=_body(1), headers=headers).status_code == 201
        mine = client.post(_url(occurrence), json={"name": "Me", "email": user.email}, headers=headers)
        assert mine.status_code == 201
    finally:
        app.config["API_PROXY_REGISTRATIONS_PER_OCCURRENCE"] = 10


def test_organization_id_must_be_the_callers_own(app, client, make):
    mine = make.organization()
    theirs = make.organization()
    user = make.user("ngo", organization=mine)
    headers = {"Authorization": f"Bearer {make.token(user)}"}
    occurrence = make.occurrence(capacity=10)
    refused = client.post(_url(occurrence), json=_body(1, organization_id=theirs.id), headers=headers)
    assert refused.status_code == 403 and "organization_id" in refused.json["fields"]
    ok = client.post(_url(occurrence), json=_body(2, organization_id=mine.id), headers=headers)
    assert ok.status_code == 201
    staff = make.auth("staff")
    assert client.post(_url(occurrence), json=_body(3, organization_id=theirs.id), headers=staff).status_code == 201


def test_organization_id_refused_for_a_user_without_organisation(app, client, make):
    org = make.organization()
    occurrence = make.occurrence(capacity=10)
    refused = client.post(_url(occurrence), json=_body(1, organization_id=org.id), headers=make.auth("ngo"))
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"
