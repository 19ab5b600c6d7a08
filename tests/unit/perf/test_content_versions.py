"""The ``meetings`` content version: bumped in the same transaction as every change the meeting
feeds and pages show, so the feed's freshness check is one row read and every edit shows at once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from app.calendar import feeds
from app.core.versions import ContentVersion, version, versions
from app.extensions import db
from app.meetings import registrations, services
from app.meetings.content import MEETINGS, SEATS
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme
from app.spaces.models import Space

UTC = timezone.utc


@pytest.fixture
def staff(make):
    return make.user("staff")


def _etag(client) -> str:
    response = client.get("/calendar/meetings.ics")
    assert response.status_code == 200
    return response.headers["ETag"]


def _current(app) -> int:
    with app.app_context():
        return version(MEETINGS)


def test_bumped_on_commit_only(app, make):
    series = make.series(occurrences=2)
    before = _current(app)
    with app.app_context():
        db.session.get(MeetingSeries, series.id).title_fi = "Uusi nimi"
        db.session.flush()
        db.session.rollback()
    assert _current(app) == before  # rolled back: nothing changed
    with app.app_context():
        db.session.get(MeetingSeries, series.id).title_fi = "Uusi nimi"
        db.session.commit()
    assert _current(app) > before


def test_statements_through_the_session_bump_too(app, make):
    occurrence = make.occurrence()
    before = _current(app)
    with app.app_context():
        db.session.execute(update(MeetingOccurrence.__table__).where(MeetingOccurrence.id == occurrence.id)
                           .values(capacity=30))
        db.session.commit()
    assert _current(app) > before


def test_free_seats_bump_only_the_seats_counter(app, make):
    """Registrations change free seats (shown on the pages), not what the feeds show."""
    occurrence = make.occurrence()
    with app.app_context():
        meetings, seats = versions(MEETINGS, SEATS)
        db.session.execute(update(MeetingOccurrence).where(MeetingOccurrence.id == occurrence.id)
                           .values(seats_taken=MeetingOccurrence.seats_taken + 1))
        db.session.commit()
        assert versions(MEETINGS, SEATS)[0] == meetings and versions(MEETINGS, SEATS)[1] > seats
        db.session.get(MeetingOccurrence, occurrence.id).seats_taken = 0
        db.session.commit()
        assert versions(MEETINGS, SEATS)[0] == meetings
        row = db.session.get(MeetingOccurrence, occurrence.id)
        row.seats_taken, row.capacity = 1, 25
        db.session.commit()
        assert versions(MEETINGS, SEATS)[0] > meetings


def test_unwatched_changes_do_not_bump(app, make):
    make.series(occurrences=1)
    before = _current(app)
    make.organization()
    make.user("ngo")
    assert _current(app) == before


def test_a_savepoint_does_not_bump_before_the_commit(app, make):
    series = make.series(occurrences=1)
    before = _current(app)
    with app.app_context():
        with db.session.begin_nested():
            db.session.get(MeetingSeries, series.id).title_fi = "Väliaikainen"
        # read in the transaction itself, which would see its own bump
        assert db.session.scalar(select(ContentVersion.version).where(ContentVersion.name == MEETINGS)) == before
        db.session.commit()
    assert _current(app) > before


def test_every_kind_of_edit_changes_the_feed_at_once(app, client, make, staff):
    """With default settings (no CALENDAR_FINGERPRINT_TTL), each edit a feed shows changes its ETag
    on the very next request."""
    assert app.config.get("CALENDAR_FINGERPRINT_TTL", 0) == 0
    theme_series = make.series(occurrences=3)
    seen = {_etag(client)}
    now = datetime.now(UTC)

    def edited(change) -> None:
        with app.app_context():
            change()
            db.session.commit()
        etag = _etag(client)
        assert etag not in seen, change.__name__
        seen.add(etag)

    def new_series():
        data = services.clean_series_data({"title_fi": "Uusi sarja", "start_local": datetime.now() + timedelta(days=3),
                                           "duration_minutes": 60, "capacity": 10, "location": "Kaupungintalo",
                                           "status": "published"}, now=now)
        services.create_series(data, actor=db.session.get(type(staff), staff.id), now=now)

    def retitle():
        db.session.get(MeetingSeries, theme_series.id).title_fi = "Toinen nimi"

    def cancel_date():
        occurrence = db.session.get(MeetingOccurrence, make.occurrences(theme_series)[0].id)
        services.cancel_occurrence(occurrence, reason=None, actor=db.session.get(type(staff), staff.id), now=now)

    def move_date():
        occurrence = db.session.get(MeetingOccurrence, make.occurrences(theme_series)[1].id)
        services.move_occurrence(occurrence, starts_at=occurrence.starts_at + timedelta(hours=1),
                                 ends_at=occurrence.ends_at + timedelta(hours=1),
                                 actor=db.session.get(type(staff), staff.id), now=now)

    def rename_space():
        space = Space(name="Kontulan asukastila", address="Kontulankaari 1", capacity=20)
        db.session.add(space)
        db.session.flush()
        db.session.get(MeetingSeries, theme_series.id).space_id = space.id

    def space_address():
        db.session.scalar(db.select(Space)).address = "Kontulankaari 3"

    def unpublish():
        db.session.get(MeetingSeries, theme_series.id).status = "draft"

    for change in (new_series, retitle, cancel_date, move_date, rename_space, space_address, unpublish):
        edited(change)


def test_unrelated_edits_keep_the_etag(app, client, make):
    series = make.series(occurrences=2)
    first = _etag(client)
    make.organization()
    # A registration changes free seats (the pages show them) but nothing in the feed.
    occurrence = make.occurrences(series)[0]
    with app.app_context():
        registrations.register(db.session.get(MeetingOccurrence, occurrence.id),
                               registrations.RegistrationData(name="Maija", email="maija@example.org", consent=True),
                               now=datetime.now(UTC))
        db.session.commit()
    assert _etag(client) == first
    assert client.get("/calendar/meetings.ics", headers={"If-None-Match": first}).status_code == 304


def test_theme_rename_reaches_the_pages_at_once(app, client, make):
    theme_id = make.theme(key="t-perf", name_fi="Teema A", name_sv="Tema A", name_en="Theme A", position=99).id
    series = make.series(occurrences=1)
    with app.app_context():
        row = db.session.get(MeetingSeries, series.id)
        row.themes.append(db.session.get(MeetingTheme, theme_id))
        db.session.commit()
    assert "Teema A" in client.get("/meetings", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    with app.app_context():
        db.session.get(MeetingTheme, theme_id).name_fi = "Teema B"
        db.session.commit()
    page = client.get("/meetings", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert "Teema B" in page and "Teema A" not in page


def test_the_plan_of_a_version_is_reused(app, client, make, count_queries):
    make.series(occurrences=2)
    client.get("/calendar/meetings.ics")
    with count_queries() as counter:
        assert client.get("/calendar/meetings.ics").status_code == 200
    assert counter.count == 0  # only the versions read, sent on a pooled DBAPI connection of its own
    assert feeds.FEEDS  # the finished feed is cached
