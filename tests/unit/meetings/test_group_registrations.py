"""Group registration (app/meetings/group_registrations.py): one seat per person through the
ordinary registration service, FIFO waiting list for the rest, the on-behalf limits, edits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.mail.models import OutboxMessage
from app.meetings import group_registrations as groups
from app.meetings.models import MeetingOccurrence, Registration


def _people(n, start=1):
    return [groups.Person(name=f"Kollega {i}", email=f"kollega{i}@example.org") for i in range(start, start + n)]


@pytest.fixture
def contact(make):
    org = make.organization()
    return make.user("ngo", organization=org, email="yhteys@example.org", name="Yhteys Henkilö")


def test_a_group_gets_one_seat_each_and_each_person_their_own_mail(make, ctx, contact):
    occurrence = make.occurrence(capacity=10)
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    user = ctx.get(User, contact.id)
    rows = groups.register_group(occ, user, _people(3), include_self=True)
    ctx.commit()
    assert [r.email for r in rows] == ["yhteys@example.org", "kollega1@example.org", "kollega2@example.org",
                                       "kollega3@example.org"]
    assert {r.status for r in rows} == {"confirmed"} and {r.seats for r in rows} == {1}
    assert {r.organization_id for r in rows} == {contact.organization_id} and {r.user_id for r in rows} == {contact.id}
    assert ctx.get(MeetingOccurrence, occurrence.id).seats_taken == 4
    mails = ctx.scalars(select(OutboxMessage).where(OutboxMessage.kind == "registration_confirmed")).all()
    assert sorted(m.recipient for m in mails) == sorted(r.email for r in rows)
    # Each mail has the person's own manage link, not the contact's.
    from app.meetings.tokens import registration_token
    for row in rows:
        [mail] = [m for m in mails if m.recipient == row.email]
        assert registration_token(row) in mail.text_body
    assert [r.email for r in groups.group_members(occ, user)] == [r.email for r in rows]


def test_the_rest_of_a_group_that_does_not_fit_waits_in_order(make, ctx, contact):
    occurrence = make.occurrence(capacity=2)
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    rows = groups.register_group(occ, ctx.get(User, contact.id), _people(4))
    ctx.commit()
    assert [r.status for r in rows] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert ctx.get(MeetingOccurrence, occurrence.id).seats_taken == 2


def test_without_a_waiting_list_a_group_that_does_not_fit_is_refused_whole(make, ctx, contact):
    occurrence = make.occurrence(capacity=2, waitlist=False)
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    with pytest.raises(Conflict) as refused:
        groups.register_group(occ, ctx.get(User, contact.id), _people(3))
    ctx.rollback()
    assert refused.value.code == "full" and "2" in str(refused.value.message)
    assert ctx.scalar(select(Registration.id)) is None
    assert ctx.get(MeetingOccurrence, occurrence.id).seats_taken == 0


def test_the_per_date_limit_of_registrations_for_others_applies(app, make, ctx, contact):
    app.config["API_PROXY_REGISTRATIONS_PER_OCCURRENCE"] = 3
    try:
        occurrence = make.occurrence(capacity=20)
        occ = ctx.get(MeetingOccurrence, occurrence.id)
        user = ctx.get(User, contact.id)
        with pytest.raises(Conflict) as refused:
            groups.register_group(occ, user, _people(4), include_self=True)
        ctx.rollback()
        assert refused.value.code == "limit_reached" and "3" in str(refused.value.message)
        assert ctx.scalar(select(Registration.id)) is None
        groups.register_group(occ, user, _people(2), include_self=True)  # oneself does not count
        ctx.commit()
        with pytest.raises(Conflict) as again:
            groups.register_group(occ, user, _people(2, start=10))
        assert "1" in str(again.value.message)  # one more can still be added
    finally:
        app.config.pop("API_PROXY_REGISTRATIONS_PER_OCCURRENCE")


def test_the_daily_limit_counts_groups_too(app, make, ctx, contact):
    from app.meetings.proxy_limits import TooManyRegistrations

    app.config["API_PROXY_REGISTRATIONS_PER_DAY"] = 2
    try:
        occurrence = make.occurrence(capacity=20)
        with pytest.raises(TooManyRegistrations):
            groups.register_group(ctx.get(MeetingOccurrence, occurrence.id), ctx.get(User, contact.id), _people(3))
        ctx.rollback()
        assert ctx.scalar(select(Registration.id)) is None
    finally:
        app.config.pop("API_PROXY_REGISTRATIONS_PER_DAY")


def test_only_a_user_with_an_organisation_registers_a_group(make, ctx):
    occurrence = make.occurrence()
    loner = make.user("ngo")
    with pytest.raises(Forbidden):
        groups.register_group(ctx.get(MeetingOccurrence, occurrence.id), ctx.get(User, loner.id), _people(1))


def test_an_address_already_registered_is_named_and_nothing_is_saved(make, ctx, contact):
    occurrence = make.occurrence()
    make.registration(occurrence, email="kollega2@example.org")
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    with pytest.raises(Conflict) as refused:
        groups.register_group(occ, ctx.get(User, contact.id), _people(3))
    ctx.rollback()
    assert "kollega2@example.org" in str(refused.value.message)
    assert list(refused.value.fields) == ["email-1"]
    assert len(ctx.scalars(select(Registration)).all()) == 1


@pytest.mark.parametrize("rows, field", [
    ([("Nimi", "")], "email-0"),
    ([("", "a@example.org")], "name-0"),
    ([("Nimi", "not-an-address")], "email-0"),
    ([("A", "a@example.org"), ("B", "A@example.org")], "email-1"),
    ([("Me", "yhteys@example.org")], "email-0"),
])
def test_rows_are_checked_and_every_error_named_by_its_row(ctx, rows, field):
    with pytest.raises(ValidationError) as refused:
        groups.clean_people(rows, contact_email="yhteys@example.org")
    assert field in refused.value.fields


def test_empty_rows_are_skipped_and_an_empty_group_is_refused(make, ctx, contact):
    assert groups.clean_people([("", ""), (" ", " ")], contact_email="x@example.org") == []
    occurrence = make.occurrence()
    with pytest.raises(ValidationError):
        groups.register_group(ctx.get(MeetingOccurrence, occurrence.id), ctx.get(User, contact.id), [])


def test_removing_a_person_frees_the_seat_for_the_waiting_list(make, ctx, contact):
    occurrence = make.occurrence(capacity=2)
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    user = ctx.get(User, contact.id)
    first, second, third = groups.register_group(occ, user, _people(3))
    ctx.commit()
    promoted = groups.remove_member(occ, user, first.id)
    ctx.commit()
    assert [p.id for p in promoted] == [third.id]
    assert ctx.get(Registration, first.id).status == "cancelled"
    cancel_mail = ctx.scalar(select(OutboxMessage).where(OutboxMessage.kind == "registration_cancelled"))
    assert cancel_mail.recipient == first.email
    assert [r.id for r in groups.group_members(occ, user)] == [second.id, third.id]


def test_nobody_else_can_remove_a_person_of_the_group(make, ctx, contact):
    occurrence = make.occurrence()
    other = make.user("ngo", organization=make.organization())
    stranger = make.registration(occurrence)
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    [row] = groups.register_group(occ, ctx.get(User, contact.id), _people(1))
    ctx.commit()
    with pytest.raises(NotFound):
        groups.remove_member(occ, ctx.get(User, other.id), row.id)
    with pytest.raises(NotFound):
        groups.remove_member(occ, ctx.get(User, contact.id), stranger.id)


def test_the_group_cannot_be_changed_after_registration_closes(make, ctx, contact):
    from datetime import timedelta

    occurrence = make.occurrence(registration_closes_minutes_before=60)
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    user = ctx.get(User, contact.id)
    [row] = groups.register_group(occ, user, _people(1))
    ctx.commit()
    late = occ.starts_at - timedelta(minutes=30)
    assert groups.editable(occ, late) is False
    with pytest.raises(Conflict):
        groups.remove_member(occ, user, row.id, now=late)
    with pytest.raises(Conflict):
        groups.register_group(occ, user, _people(1, start=5), now=late)
