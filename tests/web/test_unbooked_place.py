"""A date whose space booking is not live does not name the space anywhere (issue 17, leftover).

Feeds (series, all meetings, one date, personal), the registrant mails and their invitations show
the series' own location text for that date (or nothing); the other dates keep the space.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings import space_bookings
from app.spaces.models import Booking
from app.meetings.models import MeetingOccurrence, MeetingSeries

STREET = "Kalasatamankatu 1, Helsinki"


def _unfold(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\r\n", "\n")


def _events(ics: str) -> list[str]:
    return [block.split("END:VEVENT")[0] for block in _unfold(ics).split("BEGIN:VEVENT")[1:]]


def _location(event: str) -> str | None:
    for line in event.split("\n"):
        if line.startswith("LOCATION"):
            return line.split(":", 1)[1].replace("\\,", ",")
    return None


def _series_with_a_lost_booking(app, client, make, *, location: str | None = STREET, before=None):
    """A weekly series in a space, both dates booked, then the first date's booking cancelled (API);
    ``before(series, first date id)`` runs while both are booked."""
    space = make.space(name="Kalasataman asukastila", address="Capellan puistotie 1, Helsinki")
    series = make.series(space_id=space.id, location=location, occurrences=2)
    with app.app_context():
        space_bookings.sync_series(db.session.get(MeetingSeries, series.id), None, datetime.now(UTC))
        db.session.commit()
        first, second = db.session.scalars(select(MeetingOccurrence).where(
            MeetingOccurrence.series_id == series.id).order_by(MeetingOccurrence.starts_at)).all()
        lost, kept = first.id, second.id
        booking_id = first.booking_id
    if before is not None:
        before(series, lost)
    # Staff cancel the booking on the space's bookings page (after its warning); the API refuses
    # a meeting's booking, so the service is called as that page does.
    staff = make.user("staff")
    with app.app_context():
        from app.accounts.models import User
        from app.spaces import services as spaces

        spaces.cancel_booking(db.session.get(Booking, booking_id), db.session.get(User, staff.id), datetime.now(UTC))
        db.session.commit()
    return space, series, lost, kept


def test_the_occurrence_feed_of_an_unbooked_date_shows_the_street_address(app, client, make):
    space, series, lost, kept = _series_with_a_lost_booking(app, client, make)
    unbooked = _events(client.get(f"/calendar/occurrences/{lost}.ics?lang=fi").get_data(as_text=True))[0]
    assert _location(unbooked) == STREET
    booked = _events(client.get(f"/calendar/occurrences/{kept}.ics?lang=fi").get_data(as_text=True))[0]
    assert space.name in _location(booked)


def test_the_series_feed_overrides_the_place_of_the_unbooked_date_only(app, client, make):
    space, series, lost, kept = _series_with_a_lost_booking(app, client, make, location=None)
    for url in (f"/calendar/series/{series.id}.ics?lang=fi", "/calendar/meetings.ics?lang=fi"):
        events = [e for e in _events(client.get(url).get_data(as_text=True)) if series.uid.split("@")[0] in e]
        master = [e for e in events if "RRULE" in e]
        overrides = [e for e in events if "RECURRENCE-ID" in e]
        assert master and space.name in _location(master[0])  # the other dates are in the space
        assert len(overrides) == 1, url
        assert _location(overrides[0]) is None  # no place text of its own: nothing rather than the space


def test_cached_feeds_follow_the_cancelled_booking(app, client, make):
    def fetch(series, occurrence_id):
        for url in (f"/calendar/series/{series.id}.ics?lang=fi", f"/calendar/occurrences/{occurrence_id}.ics?lang=fi"):
            assert "RECURRENCE-ID" not in client.get(url).get_data(as_text=True)
        assert space_name in _location(_events(client.get(
            f"/calendar/occurrences/{occurrence_id}.ics?lang=fi").get_data(as_text=True))[0])

    space_name = "Kalasataman asukastila"
    space, series, lost, kept = _series_with_a_lost_booking(app, client, make, before=fetch)
    assert "RECURRENCE-ID" in client.get(f"/calendar/series/{series.id}.ics?lang=fi").get_data(as_text=True)
    assert _location(_events(client.get(f"/calendar/occurrences/{lost}.ics?lang=fi").get_data(as_text=True))[0]) \
        == STREET


def test_the_personal_feed_does_not_name_the_space_for_the_unbooked_date(app, client, make):
    from app.calendar.tokens import personal_feed_token

    space, series, lost, kept = _series_with_a_lost_booking(app, client, make)
    user = make.user("ngo")
    with app.app_context():
        occurrences = {o.id: o for o in db.session.scalars(select(MeetingOccurrence).where(
            MeetingOccurrence.id.in_([lost, kept])))}
    for occurrence in occurrences.values():
        make.registration(occurrence, user_id=user.id, email=user.email)
    with app.app_context():
        from app.accounts.models import User

        token = personal_feed_token(db.session.get(User, user.id))
    events = _events(client.get(f"/calendar/u/{token}.ics?lang=fi").get_data(as_text=True))
    locations = {_location(e) for e in events}
    assert len(events) == 2
    assert locations == {STREET, f"{space.name}, {space.address}"}


def test_registration_mails_of_an_unbooked_date_do_not_name_the_space(app, client, make):
    space, series, lost, kept = _series_with_a_lost_booking(app, client, make)
    response = client.post(f"/meetings/occurrences/{lost}?lang=fi", data={
        "name": "Maija Meikäläinen", "email": "maija@example.org", "seats": "1", "consent": "y"})
    assert response.status_code == 302
    staff = make.user("staff")
    with app.app_context():
        from app.meetings import registrations

        registrations.message_registrants(db.session.get(MeetingOccurrence, lost), "Muistutus", "Tervetuloa!",
                                          actor=db.session.get(type(staff), staff.id))
        db.session.commit()
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "maija@example.org")
                                   .order_by(OutboxMessage.id)).all()
        assert [m.kind for m in mails] == ["registration_confirmed", "registration_message"]
        for mail in mails:
            assert space.name not in mail.text_body and space.name not in (mail.html_body or "")
            assert STREET in mail.text_body
        assert _location(_events(mails[0].ics)[0]) == STREET  # the invitation, too
