"""Sign-up, joining and 'My organisation' through HTTP, mail through a real SMTP server."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import membership
from app.accounts.membership_models import Membership
from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db
from app.mail import services as mail
from app.spaces.models import Booking, BookingRequest

PASSWORD = "a-long-enough-password"


def _signup(client, email="uusi@example.org", **extra):
    data = {"name": "Uusi Ihminen", "email": email, "password": PASSWORD, "confirm": PASSWORD,
            "locale": "fi", "privacy": "y"}
    data.update(extra)
    return client.post("/signup", data=data)


def _delivered_link(app, smtp_server, n: int, pattern: str) -> str:
    with app.app_context():
        mail.deliver_due()
    message = smtp_server.wait_for(n)[n - 1]
    return re.search(pattern, message.get_body(("plain",)).get_content()).group(0)


def test_sign_up_verify_log_in(app, client, smtp_server):
    page = client.get("/signup")
    assert page.status_code == 200 and b"privacy" in page.data.lower()
    response = _signup(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/signup/check-email")
    assert client.post("/login", data={"email": "uusi@example.org", "password": PASSWORD}).status_code == 400
    path = _delivered_link(app, smtp_server, 1, r"/signup/verify/\S+")
    confirm_page = client.get(path)
    assert confirm_page.status_code == 200 and "uusi@example.org" in confirm_page.get_data(as_text=True)
    with app.app_context():  # a GET (a mail scanner following the link) creates nothing
        assert db.session.scalar(select(User.id).where(User.email == "uusi@example.org")) is None
    response = client.post(path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisation/join")
    assert client.get("/organisation/join").status_code == 200  # logged in
    client.post("/logout")
    assert client.post("/login", data={"email": "uusi@example.org", "password": PASSWORD}).status_code == 302
    assert client.get(path).status_code == 400  # used


def test_the_answer_does_not_tell_whether_an_address_has_an_account(app, client, make, smtp_server):
    make.user("ngo", email="vanha@example.org")
    known, unknown = _signup(client, "vanha@example.org"), _signup(client, "uusi@example.org")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    known, unknown = (client.post("/signup/resend", data={"email": e}) for e in ("vanha@example.org", "no@example.org"))
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    with app.app_context():
        mail.deliver_due()
    messages = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in messages) == ["uusi@example.org", "vanha@example.org", "vanha@example.org"]
    assert all("/password/reset/" in m.get_body(("plain",)).get_content()
               for m in messages if m["To"] == "vanha@example.org")


def test_bad_input_is_a_400_with_messages(client):
    response = _signup(client, email="ei-osoite", privacy="", confirm="different-password")
    assert response.status_code == 400
    assert b"error-summary" in response.data
    assert client.get("/signup/verify/not-a-token").status_code == 400


def test_sign_ups_are_rate_limited(app, client):
    app.config["LOGIN_RATE_LIMIT"], saved = "3 per minute", app.config["LOGIN_RATE_LIMIT"]
    try:
        codes = [_signup(client, f"p{n}@example.org").status_code for n in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = saved
    assert codes[:3] == [302, 302, 302] and codes[3] == 429


def test_join_request_approved_by_the_contact_person(app, client, make, login, smtp_server):
    org = make.organization(name="Kallion Kamut ry", business_id="0201256-6")
    contact = make.user("ngo", organization=org, email="contact@example.org")
    newcomer = make.user("ngo", email="newcomer@example.org")
    login(newcomer)
    found = client.get("/organisation/join?q=0201256-6").get_data(as_text=True)
    assert "Kallion Kamut ry" in found
    assert client.post(f"/organisation/join/{org.id}", data={"message": "Hei"}).status_code == 302
    link = _delivered_link(app, smtp_server, 1, r"http://kohtaamo\.test/my-organisation")
    assert link
    login(contact)
    page = client.get("/my-organisation").get_data(as_text=True)
    assert "newcomer@example.org" in page and "Hei" in page
    with app.app_context():
        row_id = db.session.scalar(select(Membership.id).where(Membership.user_id == newcomer.id))
    assert client.post(f"/organisation/join-requests/{row_id}/approve").status_code == 302
    _delivered_link(app, smtp_server, 2, r"/my-organisation")
    assert smtp_server.messages[1]["To"] == "newcomer@example.org"
    login(newcomer)
    page = client.get("/my-organisation").get_data(as_text=True)
    assert "Kallion Kamut ry" in page and "contact@example.org" in page


def test_declining_and_removing_ask_first(app, client, make, login):
    org = make.organization()
    contact = make.user("ngo", organization=org)
    member = make.user("ngo", organization=org)
    newcomer = make.user("ngo")
    with app.app_context():
        row = membership.request_to_join(db.session.get(User, newcomer.id), org.id)
        db.session.commit()
        request_id = row.id
        member_row = membership.membership_of(db.session.get(User, member.id), org.id).id
    login(contact)
    first = client.post(f"/organisation/join-requests/{request_id}/decline")
    assert first.status_code == 200 and b'name="confirm"' in first.data
    assert client.post(f"/organisation/join-requests/{request_id}/decline", data={"confirm": "1"}).status_code == 302
    first = client.post(f"/organisation/members/{member_row}/remove")
    assert first.status_code == 200 and b'name="confirm"' in first.data
    assert client.post(f"/organisation/members/{member_row}/remove", data={"confirm": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Membership, request_id).status == "declined"
        assert db.session.get(Membership, member_row).status == "removed"
        assert db.session.get(User, member.id).organization_id is None


def test_staff_queue_approves_a_proposed_organisation(app, client, make, login):
    proposer = make.user("ngo", email="proposer@example.org")
    login(proposer)
    bad = client.post("/organisation/propose", data={"name": "Uusi ry", "business_id": "0201256-5",
                                                     "email": "info@uusi.example"})
    assert bad.status_code == 400
    assert client.post("/organisation/propose", data={"name": "Uusi ry", "business_id": "0201256-6",
                                                      "email": "info@uusi.example", "district": "eastern"}
                       ).status_code == 302
    login(make.user("staff"))
    queue = client.get("/organisation-requests").get_data(as_text=True)
    assert "Uusi ry" in queue and "proposer@example.org" in queue
    proposal_id = re.search(r"/organisation-proposals/(\d+)/approve", queue).group(1)
    response = client.post(f"/organisation-proposals/{proposal_id}/approve")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert "/organisation-proposals/" not in client.get("/organisation-requests").get_data(as_text=True)
    login(proposer)
    page = client.get("/my-organisation").get_data(as_text=True)
    assert "Uusi ry" in page


def test_empty_states_and_the_nav_link(client, make, login):
    org = make.organization()
    login(make.user("ngo", organization=org))
    page = client.get("/my-organisation").get_data(as_text=True)
    assert 'href="/my-organisation"' in page
    client.get("/lang/en")
    page = client.get("/my-organisation").get_data(as_text=True)
    for text in ("No registrations to coming meetings.", "No coming space bookings.", "No booking requests.",
                 "No topic proposals.", "No one is waiting to join."):
        assert text in page, text


def _fill(app, make, org, n: int) -> None:
    """n of everything the page lists."""
    space = make.space(name=f"Tila {n}")
    series = make.series(occurrences=1)
    occurrence = make.occurrences(series)[0]
    now = utcnow()
    for i in range(n):
        make.user("ngo", organization=org)
        make.registration(occurrence, organization_id=org.id)
        make.user("ngo")
    with app.app_context():
        for i in range(n):
            start = now + timedelta(days=3 + i)
            db.session.add(Booking(space_id=space.id, title=f"Varaus {i}", starts_at=start,
                                   ends_at=start + timedelta(hours=1), block_starts_at=start,
                                   block_ends_at=start + timedelta(hours=1), organization_id=org.id))
            db.session.add(BookingRequest(space_id=space.id, organization_id=org.id, title=f"Pyyntö {i}",
                                          purpose="x", headcount=3, starts_at=start + timedelta(hours=3),
                                          ends_at=start + timedelta(hours=4)))
        db.session.commit()


def test_query_count_is_the_same_for_little_and_much_data(app, client, make, login, count_queries):
    counts = []
    for n in (1, 12):
        org = make.organization()
        contact = make.user("ngo", organization=org)
        _fill(app, make, org, n)
        login(contact)
        client.get("/my-organisation")
        with count_queries() as counter:
            page = client.get("/my-organisation?members=2")
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 20, counts
