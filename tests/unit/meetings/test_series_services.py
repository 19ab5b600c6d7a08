"""Series services without HTTP: cleaning, materialisation, DST, updates, cancel/move, themes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.core.audit import AuditEvent
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.mail.models import OutboxMessage
from app import scheduling as recurrence
from app.meetings import services
from app.meetings.models import MeetingOccurrence, Registration

HEL = ZoneInfo("Europe/Helsinki")
UTC = timezone.utc
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def raw(**overrides):
    values = {"title_fi": "Verkostotapaaminen", "title_sv": "Nätverksträff", "start_local": "2026-10-13T17:00",
              "timezone": "Europe/Helsinki", "duration_minutes": 120, "rrule": "FREQ=MONTHLY;BYDAY=2TU",
              "capacity": 30, "location": "Kalasatamankatu 1", "status": "published"}
    values.update(overrides)
    return values


@pytest.fixture
def staff(make):
    return make.user("staff")


def _staff(user):
    return db.session.get(User, user.id)


def _occurrences(series_id):
    return list(db.session.scalars(select(MeetingOccurrence).where(MeetingOccurrence.series_id == series_id)
                                   .order_by(MeetingOccurrence.starts_at)))


def create(staff_user, **overrides):
    data = services.clean_series_data(raw(**overrides), now=NOW)
    return services.create_series(data, actor=_staff(staff_user), now=NOW)


# --- cleaning -----------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value, expected_field", [
    ("title_fi", "", "title_fi"),
    ("title_fi", "x" * 201, "title_fi"),
    ("start_local", "", "start_local"),
    ("start_local", "tomorrow", "start_local"),
    ("start_local", "2024-01-01T10:00", "start_local"),  # more than a year in the past
    ("timezone", "Mars/Olympus", "timezone"),
    ("duration_minutes", 0, "duration_minutes"),
    ("duration_minutes", "abc", "duration_minutes"),
    ("duration_minutes", 24 * 60 + 1, "duration_minutes"),
    ("capacity", 0, "capacity"),
    ("capacity", -5, "capacity"),
    ("capacity", True, "capacity"),
    ("rrule", "FREQ=HOURLY", "rrule"),
    ("rrule", "FREQ=WEEKLY;BYDAY=XX", "rrule"),
    ("rrule", "FREQ=DAILY;COUNT=5000", "rrule"),
    ("rrule", "FREQ=WEEKLY;BYDAY=WE", "start_local"),  # the start is a Tuesday
    ("language", "de", "language"),
    ("district", "atlantis", "district"),
    ("status", "secret", "status"),
    ("online_url", "javascript:alert(1)", "online_url"),
    ("space_id", 999999, "space_id"),
    ("theme_ids", [999999], "theme_ids"),
    ("max_seats_per_registration", 31, "max_seats_per_registration"),
    ("registration_closes_minutes_before", -1, "registration_closes_minutes_before"),
    ("registration_opens_at", "never", "registration_opens_at"),
    ("waitlist", "maybe", "waitlist"),
])
def test_bad_input_names_the_field(ctx, field, value, expected_field):
    with pytest.raises(ValidationError) as info:
        services.clean_series_data(raw(**{field: value}), now=NOW)
    assert expected_field in info.value.fields


def test_location_is_required_in_some_form(ctx):
    with pytest.raises(ValidationError) as info:
        services.clean_series_data(raw(location=None), now=NOW)
    assert "location" in info.value.fields
    data = services.clean_series_data(raw(location=None, online_url="https://teams.example/meet"), now=NOW)
    assert data["online_url"] == "https://teams.example/meet"


def test_recurrence_error_is_translated(app, make):
    with app.test_request_context("/?lang=fi"):
        with pytest.raises(ValidationError) as info:
            services.clean_series_data(raw(rrule="FREQ=MINUTELY"), now=NOW)
        assert "rrule" in info.value.fields
        message = str(info.value.fields["rrule"][0])
        assert message  # interpolated, no placeholder left
        assert "%(" not in message


def test_every_recurrence_message_is_marked_for_translation():
    constants = {getattr(recurrence, n) for n in dir(recurrence) if n.startswith("MSG_")}
    marked = {m._args[0] if hasattr(m, "_args") else str(m) for m in services.RECURRENCE_MESSAGES}
    assert constants == marked


def test_clean_normalises(ctx):
    data = services.clean_series_data(raw(rrule="rrule:freq=monthly;byday=2tu;until=20261231",
                                          timezone="europe/helsinki"), now=NOW)
    assert data["timezone"] == "Europe/Helsinki"
    assert data["rrule"].startswith("FREQ=MONTHLY;UNTIL=20261231T150000Z")
    assert data["start_local"] == datetime(2026, 10, 13, 17, 0)


# --- create + materialise -----------------------------------------------------------------------
def test_create_materialises_up_to_horizon(make, ctx, staff):
    series = create(staff)
    rows = _occurrences(series.id)
    # The series starts after "now": the horizon counts from its first meeting.
    horizon = datetime(2026, 10, 13, 14, 0, tzinfo=UTC) + timedelta(days=180)
    assert rows and all(r.starts_at < horizon for r in rows)
    local = [r.starts_at.astimezone(HEL) for r in rows]
    assert [d.date() for d in local[:3]] == [date(2026, 10, 13), date(2026, 11, 10), date(2026, 12, 8)]
    assert all(r.recurrence_id == r.starts_at for r in rows)
    assert all(r.capacity == 30 and r.ends_at - r.starts_at == timedelta(hours=2) for r in rows)
    assert series.materialised_until == horizon
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "series.create")) is not None


def test_horizon_counts_from_now_for_started_series(make, ctx, staff):
    series = create(staff, start_local="2026-08-25T17:00", rrule="FREQ=WEEKLY")
    rows = _occurrences(series.id)
    assert series.materialised_until == NOW + timedelta(days=180)
    assert rows[-1].starts_at < NOW + timedelta(days=180) <= rows[-1].starts_at + timedelta(days=7)
    assert rows[0].starts_at.astimezone(HEL).date() == date(2026, 8, 25)  # earlier dates of the rule too


def test_non_staff_cannot_create(make, ctx):
    ngo = make.user("ngo")
    data = services.clean_series_data(raw(), now=NOW)
    with pytest.raises(Forbidden):
        services.create_series(data, actor=db.session.get(User, ngo.id), now=NOW)


def test_weekly_series_keeps_local_time_across_dst(make, ctx, staff):
    # Last Sunday of October 2026 is 25 October: clocks go back from +03:00 to +02:00.
    series = create(staff, start_local="2026-10-15T17:00", rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=4")
    rows = _occurrences(series.id)
    assert len(rows) == 4
    local = [r.starts_at.astimezone(HEL) for r in rows]
    assert all((d.hour, d.minute) == (17, 0) for d in local)
    assert [d.utcoffset() for d in local] == [timedelta(hours=3)] * 2 + [timedelta(hours=2)] * 2
    assert rows[1].starts_at.hour == 14 and rows[2].starts_at.hour == 15  # UTC shifts by an hour


def test_skip_holidays(make, ctx, staff):
    # 2026-12-24 (Christmas Eve) and 2026-12-31? Thursday 24.12.2026 is a holiday in the FI list.
    series = create(staff, start_local="2026-12-17T17:00", rrule="FREQ=WEEKLY;COUNT=3", skip_holidays=True)
    days = [r.starts_at.astimezone(HEL).date() for r in _occurrences(series.id)]
    assert date(2026, 12, 24) not in days and date(2026, 12, 17) in days


def test_materialise_is_idempotent_and_extends(make, ctx, staff):
    series = create(staff, start_local="2026-09-08T17:00", rrule="FREQ=WEEKLY")
    first = len(_occurrences(series.id))
    assert services.materialise_all(now=NOW) == {"series": 1, "created": 0, "unbooked": 0}
    later = NOW + timedelta(days=37)  # the horizon moves 30 days past the first run's (start + 180 d)
    result = services.materialise_all(now=later)
    assert result["created"] in (4, 5)
    assert len(_occurrences(series.id)) == first + result["created"]
    assert services.materialise_all(now=later)["created"] == 0


def test_materialise_survives_duplicate_from_concurrent_run(make, ctx, staff, monkeypatch):
    series = create(staff, start_local="2026-09-08T17:00", rrule="FREQ=WEEKLY")
    db.session.commit()
    later = NOW + timedelta(days=14)
    expected = services._expand(series, services._horizon(later, series))
    missing = [s for s in expected if s not in {r.recurrence_id for r in _occurrences(series.id)}]
    # Another run inserted the first missing one after we read the existing ones.
    real_scalars = db.session.scalars
    state = {"done": False}

    def racing_scalars(statement, *args, **kwargs):
        result = real_scalars(statement, *args, **kwargs)
        if not state["done"] and "recurrence_id" in str(statement):
            state["done"] = True
            rows = list(result)
            db.session.add(services._new_occurrence(series, missing[0]))
            db.session.flush()
            return iter(rows)
        return result

    monkeypatch.setattr(db.session, "scalars", racing_scalars)
    created = services.materialise_series(series, now=later)
    monkeypatch.undo()
    assert created == len(missing) - 1
    ids = [r.recurrence_id for r in _occurrences(series.id)]
    assert len(ids) == len(set(ids))


def test_draft_not_materialised_by_cli_but_on_create(make, ctx, staff):
    series = create(staff, status="draft", start_local="2026-09-08T17:00", rrule="FREQ=WEEKLY")
    count = len(_occurrences(series.id))
    assert count > 0
    assert services.materialise_all(now=NOW + timedelta(days=60))["series"] == 0


# --- update from a date onward ------------------------------------------------------------------
def _register(occurrence, **fields):
    values = {"name": "Maija", "email": f"m{occurrence.id}-{len(fields)}@example.org", "seats": 1,
              "status": "confirmed", "manage_secret": "s" * 32, "locale": "sv"}
    values.update(fields)
    reg = Registration(occurrence_id=occurrence.id, **values)
    db.session.add(reg)
    if values["status"] == "confirmed":
        occurrence.seats_taken += values["seats"]
    db.session.flush()
    return reg


def test_update_time_rematerialises_and_moves_registered(make, ctx, staff):
    series = create(staff, start_local="2026-09-08T17:00", rrule="FREQ=WEEKLY")  # Tuesdays
    rows = _occurrences(series.id)
    past, registered, plain = rows[0], rows[3], rows[4]
    _register(registered)
    plain_rid = plain.recurrence_id
    sequence = series.sequence
    now = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)  # after the first meeting
    data = services.clean_series_data({"start_local": "2026-09-08T18:30"}, now=now, current=series)
    changes = services.update_series(series, data, actor=_staff(staff), now=now)
    assert "start_local" in changes
    assert series.sequence == sequence + 1
    db.session.expire_all()
    assert past.starts_at.astimezone(HEL).hour == 17  # past never changes
    # re-materialised: the old 17:00 row is gone, a new 18:30 one took its place
    assert plain_rid not in {r.recurrence_id for r in _occurrences(series.id)}
    assert registered.starts_at.astimezone(HEL).time().isoformat() == "18:30:00"
    assert registered.recurrence_id == registered.starts_at and registered.status == "scheduled"
    future = [r for r in _occurrences(series.id) if r.starts_at > now]
    assert all(r.starts_at.astimezone(HEL).strftime("%H:%M") == "18:30" for r in future)
    mails = list(db.session.scalars(select(OutboxMessage)))
    assert len(mails) == 1 and mails[0].kind == "series_changed" and mails[0].ics_method == "REQUEST"
    assert "/registrations/manage/" in mails[0].text_body
    assert "Nätverksträff" in mails[0].subject  # the registrant's language


def test_update_rule_cancels_registered_without_matching_date(make, ctx, staff):
    series = create(staff, start_local="2026-09-08T17:00", rrule="FREQ=WEEKLY")
    rows = _occurrences(series.id)
    on_week_2, on_week_3 = rows[1], rows[2]  # 15.9 and 22.9
    _register(on_week_2)
    _register(on_week_3, status="waitlisted")
    data = services.clean_series_data({"rrule": "FREQ=WEEKLY;INTERVAL=2"}, now=NOW, current=series)
    services.update_series(series, data, actor=_staff(staff), now=NOW)
    db.session.expire_all()
    assert on_week_2.status == "cancelled"  # 15.9 is not in the every-other-week rule
    assert on_week_3.status == "scheduled"  # 22.9 is
    kinds = sorted(m.kind for m in db.session.scalars(select(OutboxMessage)))
    assert kinds == ["occurrence_cancelled"]  # 22.9 kept its time: nothing to tell
    days = [r.starts_at.astimezone(HEL).date() for r in _occurrences(series.id) if r.status == "scheduled"]
    assert days[:3] == [date(2026, 9, 8), date(2026, 9, 22), date(2026, 10, 6)]


def test_update_effective_from_keeps_earlier(make, ctx, staff):
    series = create(staff, start_local="2026-09-08T17:00", rrule="FREQ=WEEKLY")
    data = services.clean_series_data({"duration_minutes": 60}, now=NOW, current=series)
    services.update_series(series, data, actor=_staff(staff), now=NOW, effective_from=date(2026, 10, 1))
    rows = _occurrences(series.id)
    before = [r for r in rows if r.starts_at.astimezone(HEL).date() < date(2026, 10, 1)]
    after = [r for r in rows if r.starts_at.astimezone(HEL).date() >= date(2026, 10, 1)]
    assert before and all(r.ends_at - r.starts_at == timedelta(hours=2) for r in before)
    assert after and all(r.ends_at - r.starts_at == timedelta(hours=1) for r in after)


def test_update_without_time_change_keeps_sequence_and_rows(make, ctx, staff):
    series = create(staff)
    ids = [r.id for r in _occurrences(series.id)]
    data = services.clean_series_data({"title_en": "Network meeting", "capacity": 40}, now=NOW, current=series)
    services.update_series(series, data, actor=_staff(staff), now=NOW)
    assert series.sequence == 0
    assert [r.id for r in _occurrences(series.id)] == ids
    assert all(r.capacity == 40 for r in _occurrences(series.id))


def test_capacity_cannot_drop_below_confirmed(make, ctx, staff):
    series = create(staff, capacity=5)
    _register(_occurrences(series.id)[0], seats=3)
    data = services.clean_series_data({"capacity": 2, "max_seats_per_registration": 1}, now=NOW, current=series)
    with pytest.raises(ValidationError) as info:
        services.update_series(series, data, actor=_staff(staff), now=NOW)
    assert "capacity" in info.value.fields


def test_cancel_series_cancels_future_and_notifies(make, ctx, staff):
    series = create(staff)
    first = _occurrences(series.id)[0]
    _register(first)
    services.set_series_status(series, "cancelled", actor=_staff(staff), now=NOW)
    assert series.sequence == 1
    assert all(r.status == "cancelled" for r in _occurrences(series.id))
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.kind == "occurrence_cancelled" and mail.ics_method == "CANCEL"
    assert "METHOD:CANCEL" in mail.ics


def test_publish_and_unpublish_bump_sequence(make, ctx, staff):
    series = create(staff, status="draft")
    services.set_series_status(series, "published", actor=_staff(staff), now=NOW)
    services.set_series_status(series, "draft", actor=_staff(staff), now=NOW)
    assert series.sequence == 2 and series.status == "draft"
    with pytest.raises(ValidationError):
        services.set_series_status(series, "gone", actor=_staff(staff), now=NOW)


# --- one occurrence -----------------------------------------------------------------------------
def test_cancel_occurrence(make, ctx, staff):
    series = create(staff)
    occurrence = _occurrences(series.id)[1]
    reg = _register(occurrence)
    services.cancel_occurrence(occurrence, reason="Sairastuminen", actor=_staff(staff), now=NOW)
    assert occurrence.status == "cancelled" and occurrence.sequence == 1
    assert occurrence.cancel_reason == "Sairastuminen" and occurrence.cancelled_at == NOW
    assert reg.status == "confirmed"  # registrations are kept as they are
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.recipient == reg.email and "Sairastuminen" in mail.text_body and mail.ics_method == "CANCEL"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "occurrence.cancel")).data["reason"]
    with pytest.raises(ValidationError):
        services.cancel_occurrence(occurrence, reason=None, actor=_staff(staff), now=NOW)


def test_cannot_cancel_past_occurrence(make, ctx, staff):
    series = create(staff)
    occurrence = _occurrences(series.id)[0]
    with pytest.raises(ValidationError):
        services.cancel_occurrence(occurrence, reason=None, actor=_staff(staff),
                                   now=occurrence.ends_at + timedelta(minutes=1))


def test_move_occurrence(make, ctx, staff):
    series = create(staff)
    occurrence = _occurrences(series.id)[0]
    recurrence_id = occurrence.recurrence_id
    _register(occurrence, locale="en")
    new_start = datetime(2026, 10, 14, 18, 0, tzinfo=HEL)
    services.move_occurrence(occurrence, starts_at=new_start, ends_at=new_start + timedelta(hours=1),
                             actor=_staff(staff), now=NOW)
    assert occurrence.moved and occurrence.sequence == 1
    assert occurrence.recurrence_id == recurrence_id
    assert occurrence.starts_at == new_start.astimezone(UTC)
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.kind == "occurrence_moved" and mail.ics_method == "REQUEST"
    assert f"UID:occurrence-{occurrence.id}-" in mail.ics and "SEQUENCE:1" in mail.ics
    assert "RECURRENCE-ID" not in mail.ics  # one date, valid on its own


@pytest.mark.parametrize("start_delta, length, field", [
    (timedelta(days=40), timedelta(hours=-1), "end"),
    (timedelta(days=40), timedelta(0), "end"),
    (timedelta(days=40), timedelta(hours=25), "end"),
    (timedelta(days=-1), timedelta(hours=1), "start"),
])
def test_move_rejects_bad_times(make, ctx, staff, start_delta, length, field):
    series = create(staff)
    occurrence = _occurrences(series.id)[0]
    start = NOW + start_delta
    with pytest.raises(ValidationError) as info:
        services.move_occurrence(occurrence, starts_at=start, ends_at=start + length, actor=_staff(staff), now=NOW)
    assert field in info.value.fields


# --- queries ------------------------------------------------------------------------------------
def test_counts_aggregate(make, ctx, staff):
    series = create(staff)
    rows = _occurrences(series.id)
    _register(rows[0], seats=2)
    _register(rows[0], status="waitlisted", email="w@example.org")
    _register(rows[0], status="cancelled", email="c@example.org")
    counts = services.registration_counts([rows[0].id, rows[1].id])
    assert counts == {rows[0].id: (2, 1), rows[1].id: (0, 0)}
    staff_rows = services.staff_occurrences(series, now=NOW)
    assert staff_rows[0][1:] == (2, 1) and staff_rows[1][1:] == (0, 0)


def test_upcoming_filters(make, ctx, staff):
    themes = services.ensure_default_themes()
    a = create(staff, district="eastern", language="sv", theme_ids=[themes[0].id])
    create(staff, district="western", start_local="2026-10-20T17:00", rrule="FREQ=MONTHLY;BYDAY=3TU")
    create(staff, status="draft")
    def ids(**kw):
        page = services.upcoming_page(services.MeetingFilters(**kw), now=NOW, page=1, per_page=100)
        return {o.series_id for o in page.items}
    assert len(ids()) == 2
    assert ids(district="eastern") == {a.id}
    assert ids(language="sv") == {a.id}
    assert ids(theme_id=themes[0].id) == {a.id}
    page = services.upcoming_page(services.MeetingFilters(date_from=date(2026, 10, 14), date_to=date(2026, 10, 20)),
                                  now=NOW, page=1, per_page=100)
    assert [o.starts_at.astimezone(HEL).date() for o in page.items] == [date(2026, 10, 20)]


# --- themes -------------------------------------------------------------------------------------
def test_default_themes_idempotent(ctx):
    first = services.ensure_default_themes()
    again = services.ensure_default_themes()
    assert len(first) == len(again) == 7
    assert [t.name_en for t in again][:2] == ["Co-development", "Communication"]


def test_theme_edit(make, ctx, staff):
    services.ensure_default_themes()
    actor = _staff(staff)
    theme = services.create_theme({"name_fi": "Kulttuuri", "name_en": "Culture"}, actor=actor)
    assert services.list_themes()[-1].id == theme.id
    services.move_theme(theme, -1, actor=actor)
    assert services.list_themes()[-2].id == theme.id
    services.update_theme(theme, {"name_fi": "Kulttuuri ja taide", "name_sv": "Kultur"}, actor=actor)
    assert theme.name_sv == "Kultur" and theme.name_en is None
    services.set_theme_active(theme, False, actor=actor)
    assert theme not in services.list_themes(active_only=True)
    with pytest.raises(ValidationError) as info:
        services.update_theme(theme, {"name_fi": " "}, actor=actor)
    assert "name_fi" in info.value.fields
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "theme.move")) is not None


def test_mail_contents_in_registrant_language(make, ctx, staff):
    series = create(staff, title_en="Network meeting", online_url="https://teams.example/x")
    occurrence = _occurrences(series.id)[0]
    reg = _register(occurrence, locale="en", name="Mary")
    new_start = datetime(2026, 10, 14, 18, 0, tzinfo=HEL)
    services.move_occurrence(occurrence, starts_at=new_start, ends_at=new_start + timedelta(hours=1),
                             actor=_staff(staff), now=NOW)
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.subject == "Meeting moved: Network meeting"
    assert "Hello Mary," in mail.text_body and "13.10.2026" in mail.text_body  # the old time
    assert "14.10.2026" in mail.text_body and "Kalasatamankatu 1" in mail.text_body
    assert f"http://kohtaamo.test/meetings/occurrences/{occurrence.id}" in mail.text_body
    token_link = services.manage_url(reg)
    assert token_link.startswith("http://kohtaamo.test/registrations/manage/")
    assert token_link in mail.text_body and token_link in mail.html_body
    assert "ATTENDEE" in mail.ics and "mailto:" + reg.email in mail.ics.replace("\r\n ", "")


def test_capacity_increase_promotes_waiting_list_in_order(make, ctx, staff):
    series = create(staff, capacity=2, max_seats_per_registration=2)
    first = _occurrences(series.id)[0]
    _register(first, seats=2)
    early = _register(first, seats=1, status="waitlisted", email="early@example.org")
    late = _register(first, seats=2, status="waitlisted", email="late@example.org")
    data = services.clean_series_data({"capacity": 4}, now=NOW, current=series)
    services.update_series(series, data, actor=_staff(staff), now=NOW)
    db.session.refresh(early)
    db.session.refresh(late)
    # 2 new seats: the first in line (1 seat) moves up; the next needs 2 and waits (strict FIFO).
    assert (early.status, late.status) == ("confirmed", "waitlisted")
    assert _occurrences(series.id)[0].seats_taken == 3
    kinds = [m.kind for m in db.session.scalars(select(OutboxMessage))]
    assert "registration_promoted" in kinds


def test_time_change_from_a_date_splits_the_series_and_materialising_later_keeps_the_split(make, ctx, staff):
    """The nightly job must not re-create the earlier dates at the new time (they keep the old one)."""
    from app.meetings.models import MeetingSeriesSegment

    series = create(staff, start_local="2026-09-08T17:00", rrule="FREQ=WEEKLY")
    data = services.clean_series_data({"start_local": "2026-09-08T18:00"}, now=NOW, current=series)
    services.update_series(series, data, actor=_staff(staff), now=NOW, effective_from=date(2026, 10, 1))
    [segment] = ctx.scalars(select(MeetingSeriesSegment)).all()
    assert segment.uid == series.uid and segment.start_local.hour == 17
    assert series.segment_from == segment.ends_before
    services.materialise_series(series, now=NOW + timedelta(days=30))
    days = [r.starts_at.astimezone(HEL).date() for r in _occurrences(series.id)]
    assert len(days) == len(set(days))  # one meeting per date, none duplicated at the new time
    hours = {r.starts_at.astimezone(HEL).date() < date(2026, 10, 1): r.starts_at.astimezone(HEL).hour
             for r in _occurrences(series.id)}
    assert hours == {True: 17, False: 18}
