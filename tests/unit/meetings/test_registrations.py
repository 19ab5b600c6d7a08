"""Registration services without HTTP: capacity, waiting list, cancellation, staff tools, mails."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import AuditEvent
from app.core.types import utcnow
from app.errors import Conflict, Forbidden, ValidationError
from app.mail.models import OutboxMessage
from app.meetings import registrations as services
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.meetings.tokens import registration_from_token


def _data(series, **raw):
    values = {"name": "Maija Meikäläinen", "email": "maija@example.org", "seats": 1, "consent": True}
    values.update(raw)
    return services.clean_registration_data(values, series=series)


def _occ(ctx, occurrence):
    return ctx.get(MeetingOccurrence, occurrence.id)


def _outbox(ctx, kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(ctx.scalars(query))


def test_register_confirms_takes_seats_and_mails_an_invitation(make, ctx):
    occurrence = make.occurrence(capacity=5)
    occ = _occ(ctx, occurrence)
    reg = services.register(occ, _data(occ.series, seats=2, email=" Maija@Example.ORG "), now=utcnow())
    ctx.commit()
    assert reg.status == "confirmed" and reg.seats == 2 and reg.email == "maija@example.org"
    assert reg.consent_at is not None and reg.manage_secret
    assert _occ(ctx, occurrence).seats_taken == 2
    [mail] = _outbox(ctx)
    assert mail.kind == "registration_confirmed" and mail.recipient == "maija@example.org"
    assert mail.ics_method == "REQUEST" and "METHOD:REQUEST" in mail.ics
    token = mail.text_body.split("/registrations/manage/")[1].split()[0]
    assert f"http://kohtaamo.test/registrations/manage/{token}" in mail.text_body
    assert registration_from_token(token).id == reg.id
    assert ctx.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "registration.create")) == 1


def test_full_occurrence_puts_people_on_the_waiting_list(make, ctx):
    occurrence = make.occurrence(capacity=2)
    make.registration(occurrence, seats=2)
    occ = _occ(ctx, occurrence)
    reg = services.register(occ, _data(occ.series))
    ctx.commit()
    assert reg.status == "waitlisted"
    assert _occ(ctx, occurrence).seats_taken == 2
    [mail] = _outbox(ctx)
    assert mail.kind == "registration_waitlisted" and mail.ics is None
    assert "/registrations/manage/" in mail.text_body


def test_full_without_waitlist_is_a_conflict_and_writes_nothing(make, ctx):
    occurrence = make.occurrence(capacity=1, waitlist=False)
    make.registration(occurrence)
    occ = _occ(ctx, occurrence)
    with pytest.raises(Conflict) as info:
        services.register(occ, _data(occ.series))
    assert info.value.code == "full"
    ctx.rollback()
    assert ctx.scalar(select(func.count(Registration.id))) == 1
    assert _outbox(ctx) == []


def test_partial_fit_goes_to_the_waiting_list(make, ctx):
    occurrence = make.occurrence(capacity=3)
    make.registration(occurrence, seats=2)
    occ = _occ(ctx, occurrence)
    reg = services.register(occ, _data(occ.series, seats=2))
    assert reg.status == "waitlisted" and _occ(ctx, occurrence).seats_taken == 2


def test_new_registrations_do_not_overtake_the_waiting_list(make, ctx):
    occurrence = make.occurrence(capacity=3)
    make.registration(occurrence, seats=2)
    make.registration(occurrence, status="waitlisted", seats=3)  # a group waits for 3 seats
    occ = _occ(ctx, occurrence)
    assert services.registration_window(occ, utcnow()).state == services.WAITLIST
    reg = services.register(occ, _data(occ.series, seats=1))
    assert reg.status == "waitlisted"
    assert _occ(ctx, occurrence).seats_taken == 2


def test_duplicate_email_is_refused_clearly(make, ctx):
    occurrence = make.occurrence()
    make.registration(occurrence, email="maija@example.org")
    occ = _occ(ctx, occurrence)
    with pytest.raises(Conflict) as info:
        services.register(occ, _data(occ.series, email="MAIJA@example.org"))
    with force_locale("en"):  # messages are lazy: rendered in the locale asked for
        assert info.value.code == "duplicate" and "already registered" in str(info.value.message)
    assert "email" in info.value.fields


def test_cancelled_registration_allows_registering_again(make, ctx):
    occurrence = make.occurrence()
    make.registration(occurrence, email="maija@example.org", status="cancelled")
    occ = _occ(ctx, occurrence)
    assert services.register(occ, _data(occ.series)).status == "confirmed"


def test_unique_index_race_is_turned_into_the_same_message(make, ctx, monkeypatch):
    """The friendly check missed a concurrent insert: the index refuses, seats are given back."""
    occurrence = make.occurrence(capacity=5)
    make.registration(occurrence, email="maija@example.org", seats=1)
    occ = _occ(ctx, occurrence)
    real_scalar = ctx.scalar
    calls = {"n": 0}

    def blind_first_check(statement, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:  # the duplicate check
            return None
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(ctx, "scalar", blind_first_check)
    with pytest.raises(Conflict) as info:
        services.register(occ, _data(occ.series, seats=2))
    monkeypatch.undo()
    assert info.value.code == "duplicate"
    ctx.commit()
    assert _occ(ctx, occurrence).seats_taken == 1
    assert ctx.scalar(select(func.count(Registration.id))) == 1


@pytest.mark.parametrize("raw, field", [
    ({"seats": 4}, "seats"), ({"seats": 0}, "seats"), ({"seats": "x"}, "seats"),
    ({"email": "not-an-email"}, "email"), ({"name": "  "}, "name"), ({"consent": False}, "consent"),
    ({"organization_id": 999999}, "organization_id"), ({"needs": "x" * 2001}, "needs"),
])
def test_bad_input_is_a_validation_error(make, ctx, raw, field):
    series = make.series(max_seats_per_registration=3, occurrences=1)
    series_row = ctx.get(MeetingSeries, series.id)
    with pytest.raises(ValidationError) as info:
        _data(series_row, **raw)
    assert field in info.value.fields


@pytest.mark.parametrize("case", ["cancelled_occurrence", "cancelled_series", "past", "closing", "not_open",
                                  "draft"])
def test_closed_registration_is_refused_and_nothing_written(make, ctx, case):
    now = utcnow()
    fields = {"registration_closes_minutes_before": 60}
    if case == "cancelled_series":
        fields["status"] = "cancelled"
    if case == "draft":
        fields["status"] = "draft"
    if case == "not_open":
        fields["registration_opens_at"] = now + timedelta(days=1)
    occurrence = make.occurrence(**fields)
    occ = _occ(ctx, occurrence)
    if case == "cancelled_occurrence":
        occ.status = "cancelled"
    if case == "past":
        now = occ.starts_at + timedelta(minutes=1)
    if case == "closing":
        now = occ.starts_at - timedelta(minutes=30)
    with pytest.raises(Conflict) as info:
        services.register(occ, _data(occ.series), now=now)
    assert info.value.code == "closed"
    ctx.rollback()
    assert ctx.scalar(select(func.count(Registration.id))) == 0
    assert _outbox(ctx) == []


def test_window_states(make, ctx):
    now = utcnow()
    occurrence = make.occurrence(capacity=1, registration_closes_minutes_before=120,
                                 registration_opens_at=now - timedelta(days=1))
    occ = _occ(ctx, occurrence)
    window = services.registration_window(occ, now)
    assert window.state == services.OPEN and window.accepting
    assert window.closes_at == occ.starts_at - timedelta(minutes=120)
    assert services.registration_window(occ, now - timedelta(days=2)).state == services.NOT_YET_OPEN
    assert services.registration_window(occ, window.closes_at).state == services.CLOSED
    occ.seats_taken = 1
    assert services.registration_window(occ, now).state == services.WAITLIST
    occ.series.waitlist = False
    assert services.registration_window(occ, now).state == services.FULL
    assert not services.registration_window(occ, now).accepting


def test_cancel_frees_seats_promotes_in_fifo_order_and_mails(make, ctx):
    occurrence = make.occurrence(capacity=3)
    leaving = make.registration(occurrence, seats=3)
    first = make.registration(occurrence, status="waitlisted", seats=2)
    second = make.registration(occurrence, status="waitlisted", seats=1)
    third = make.registration(occurrence, status="waitlisted", seats=1)
    reg = ctx.get(Registration, leaving.id)
    promoted = services.cancel_registration(reg, actor=None, by_token=True)
    ctx.commit()
    assert [r.id for r in promoted] == [first.id, second.id]
    assert ctx.get(Registration, third.id).status == "waitlisted"
    assert _occ(ctx, occurrence).seats_taken == 3
    assert ctx.get(Registration, leaving.id).status == "cancelled"
    kinds = [(m.kind, m.recipient, m.ics_method) for m in _outbox(ctx)]
    assert kinds == [("registration_cancelled", leaving.email, "CANCEL"),
                     ("registration_promoted", first.email, "REQUEST"),
                     ("registration_promoted", second.email, "REQUEST")]
    assert "METHOD:CANCEL" in _outbox(ctx)[0].ics
    assert ctx.get(Registration, first.id).promoted_at is not None


def test_promotion_stops_at_the_first_that_does_not_fit(make, ctx):
    occurrence = make.occurrence(capacity=3)
    leaving = make.registration(occurrence, seats=1)
    make.registration(occurrence, seats=2)
    big = make.registration(occurrence, status="waitlisted", seats=3)
    small = make.registration(occurrence, status="waitlisted", seats=1)
    promoted = services.cancel_registration(ctx.get(Registration, leaving.id), by_token=True)
    assert promoted == []
    assert ctx.get(Registration, big.id).status == "waitlisted"
    assert ctx.get(Registration, small.id).status == "waitlisted"
    assert _occ(ctx, occurrence).seats_taken == 2


def test_cancelling_a_waitlisted_registration_frees_nothing(make, ctx):
    occurrence = make.occurrence(capacity=1)
    make.registration(occurrence)
    waiting = make.registration(occurrence, status="waitlisted")
    services.cancel_registration(ctx.get(Registration, waiting.id), by_token=True)
    ctx.commit()
    assert _occ(ctx, occurrence).seats_taken == 1
    [mail] = _outbox(ctx)
    # A CANCEL all the same: a change of the meeting may have sent this person a TENTATIVE.
    assert mail.kind == "registration_cancelled" and mail.ics_method == "CANCEL" and "METHOD:CANCEL" in mail.ics


def test_cancel_twice_is_refused(make, ctx):
    occurrence = make.occurrence()
    reg = make.registration(occurrence)
    services.cancel_registration(ctx.get(Registration, reg.id), by_token=True)
    with pytest.raises(Conflict):
        services.cancel_registration(ctx.get(Registration, reg.id), by_token=True)


def test_only_staff_or_the_registrant_may_cancel(make, ctx):
    occurrence = make.occurrence()
    owner = make.user("ngo")
    other = make.user("ngo")
    staff = make.user("staff")
    reg = make.registration(occurrence, email=owner.email)
    row = ctx.get(Registration, reg.id)
    with pytest.raises(Forbidden):
        services.cancel_registration(row, actor=ctx.get(User, other.id))
    with pytest.raises(Forbidden):
        services.cancel_registration(row, actor=None)
    assert services.can_cancel(row, ctx.get(User, owner.id))
    assert services.can_cancel(row, ctx.get(User, staff.id))
    services.cancel_registration(row, actor=ctx.get(User, owner.id))
    assert row.status == "cancelled"


def test_promote_waitlist_after_a_capacity_increase(make, ctx):
    occurrence = make.occurrence(capacity=1)
    make.registration(occurrence)
    waiting = make.registration(occurrence, status="waitlisted")
    occ = _occ(ctx, occurrence)
    occ.capacity = 2
    ctx.flush()
    assert [r.id for r in services.promote_waitlist(occ)] == [waiting.id]
    assert occ.seats_taken == 2


def test_seats_taken_never_exceeds_capacity_even_if_asked_directly(make, ctx):
    occurrence = make.occurrence(capacity=2)
    make.registration(occurrence, seats=2)
    assert services._take_seats(occurrence.id, 1, fifo=False) is False
    assert _occ(ctx, occurrence).seats_taken == 2


def test_logged_in_user_data_and_my_registrations(make, ctx):
    org = make.organization(name="Kallio-Seura ry")
    user = make.user("ngo", organization=org, name="Pekka")
    series = make.series(occurrences=2)
    first, second = make.occurrences(series)
    past = make.occurrence()
    make.registration(past, email=user.email)
    row = ctx.get(User, user.id)
    raw = services.data_from_user(row, seats=1)
    occ = _occ(ctx, first)
    reg = services.register(occ, services.clean_registration_data(raw, series=occ.series), actor=row)
    assert reg.user_id == user.id and reg.organization_id == org.id and reg.name == "Pekka"
    ctx.commit()
    past_row = _occ(ctx, past)
    past_row.starts_at = utcnow() - timedelta(days=2)
    past_row.ends_at = utcnow() - timedelta(days=2) + timedelta(hours=1)
    ctx.commit()
    upcoming, old = services.user_registrations(ctx.get(User, user.id))
    assert [r.occurrence_id for r in upcoming] == [first.id]
    assert [r.occurrence_id for r in old] == [past.id]
    assert services.user_registration_for(_occ(ctx, first), ctx.get(User, user.id)).id == reg.id
    assert services.user_registration_for(_occ(ctx, second), ctx.get(User, user.id)) is None


def test_public_participants_only_opted_in_confirmed_without_email(make, ctx):
    org = make.organization(name="Vallila ry")
    occurrence = make.occurrence()
    make.registration(occurrence, name="Näkyvä", organization_id=org.id, show_on_participant_list=True)
    make.registration(occurrence, name="Vapaa", organization_name="Oma porukka", show_on_participant_list=True)
    make.registration(occurrence, name="Piilossa", show_on_participant_list=False)
    make.registration(occurrence, name="Jonossa", status="waitlisted", show_on_participant_list=True)
    assert services.public_participants(_occ(ctx, occurrence)) == [("Näkyvä", "Vallila ry"),
                                                                    ("Vapaa", "Oma porukka")]


def test_attendance_marks(make, ctx):
    occurrence = make.occurrence()
    staff = make.user("staff")
    ngo = make.user("ngo")
    a = make.registration(occurrence)
    b = make.registration(occurrence)
    waiting = make.registration(occurrence, status="waitlisted")
    occ, actor = _occ(ctx, occurrence), ctx.get(User, staff.id)
    # Not before the meeting has started: a future "attendance" is no fact (issue 17).
    with pytest.raises(ValidationError) as refused:
        services.set_attendance(occ, {a.id: "present"}, actor=actor, now=occ.starts_at - timedelta(minutes=1))
    assert refused.value.code == "not_started" and ctx.get(Registration, a.id).attendance is None
    started = occ.starts_at + timedelta(minutes=5)
    assert services.set_attendance(occ, {a.id: "present", b.id: "no_show"}, actor=actor, now=started) == 2
    assert services.set_attendance(occ, {a.id: "present", b.id: None}, actor=actor, now=started) == 1
    assert ctx.get(Registration, a.id).attendance == "present"
    assert ctx.get(Registration, b.id).attendance is None
    with pytest.raises(ValidationError):
        services.set_attendance(occ, {a.id: "maybe"}, actor=actor, now=started)
    from app.errors import NotFound
    with pytest.raises(NotFound):
        services.set_attendance(occ, {waiting.id: "present"}, actor=actor, now=started)
    with pytest.raises(Forbidden):
        services.set_attendance(occ, {a.id: "present"}, actor=ctx.get(User, ngo.id), now=started)


def test_message_to_registrants_one_mail_each_and_audited(make, ctx):
    occurrence = make.occurrence()
    staff = make.user("staff")
    make.registration(occurrence, email="a@example.org", locale="sv")
    make.registration(occurrence, email="b@example.org", status="waitlisted")
    make.registration(occurrence, email="c@example.org", status="cancelled")
    occ = _occ(ctx, occurrence)
    sent = services.message_registrants(occ, "Muutos", "Sali vaihtui.\nTervetuloa!",
                                        actor=ctx.get(User, staff.id))
    ctx.commit()
    assert sent == 2
    mails = _outbox(ctx, "registration_message")
    assert sorted(m.recipient for m in mails) == ["a@example.org", "b@example.org"]
    assert all(m.subject == "Muutos" and "Sali vaihtui." in m.text_body for m in mails)
    event = ctx.scalar(select(AuditEvent).where(AuditEvent.action == "registration.message"))
    assert event.data["recipients"] == 2 and event.actor_id == staff.id
    with pytest.raises(ValidationError) as info:
        services.message_registrants(occ, "", "", actor=ctx.get(User, staff.id))
    assert set(info.value.fields) == {"subject", "body"}


def test_exports(make, ctx):
    occurrence = make.occurrence()
    make.registration(occurrence, name="Äiti Ö", email="a@example.org", needs="=HYPERLINK(\"x\")")
    make.registration(occurrence, name="Jonottaja", status="waitlisted")
    occ = _occ(ctx, occurrence)
    text = services.export_csv(occ).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3 and "Äiti Ö" in lines[1] and "a@example.org" in lines[1]
    assert "'=HYPERLINK" in lines[1]
    import io

    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(services.export_xlsx(occ))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3 and values[1][1] == "Äiti Ö" and values[2][1] == "Jonottaja"


def test_mails_are_in_the_registrants_language(make, ctx):
    occurrence = make.occurrence(title_sv="Nätverksträff", capacity=1)
    occ = _occ(ctx, occurrence)
    services.register(occ, _data(occ.series, locale="sv"))
    services.register(occ, _data(occ.series, email="b@example.org", locale="en"))
    fi_sv, en = _outbox(ctx)
    assert "Nätverksträff" in fi_sv.subject and fi_sv.subject != en.subject
    assert "Hej" in fi_sv.text_body and "Hello" in en.text_body


def test_registrant_cannot_cancel_after_the_start_but_staff_can(make, ctx):
    occurrence = make.occurrence()
    staff = make.user("staff")
    reg = make.registration(occurrence)
    row = ctx.get(Registration, reg.id)
    later = row.occurrence.starts_at + timedelta(minutes=5)
    with pytest.raises(Conflict) as info:
        services.cancel_registration(row, by_token=True, now=later)
    assert info.value.code == "closed"
    services.cancel_registration(row, actor=ctx.get(User, staff.id), now=later)
    assert row.status == "cancelled"
    assert services.promote_waitlist(row.occurrence, now=later) == []  # nobody is promoted into the past
