"""Meeting records: prefill from attendance, draft → publish, registrants mailed once in their language."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.types import utcnow
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence
from app.records import services
from app.records.models import MeetingRecord


def _mails(ctx, kind="record_published"):
    return list(ctx.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_prefill_counts_present_seats_and_their_organisations(make, ctx):
    occ = make.past_occurrence()
    org_a, org_b, org_c = make.organization(), make.organization(), make.organization()
    make.registration(occ, seats=2, attendance="present", organization_id=org_a.id)
    make.registration(occ, attendance="present", organization_id=org_b.id)
    make.registration(occ, attendance="no_show", organization_id=org_c.id)
    make.registration(occ, status="waitlisted", organization_id=org_c.id)
    suggestions = services.prefill(ctx.get(MeetingOccurrence, occ.id))
    assert suggestions["attendees_count"] == 3
    assert suggestions["organization_ids"] == sorted([org_a.id, org_b.id])


def test_prefill_without_attendance_marks_uses_confirmed_seats(make, ctx):
    occ = make.past_occurrence()
    org = make.organization()
    make.registration(occ, seats=2, organization_id=org.id)
    make.registration(occ)
    suggestions = services.prefill(ctx.get(MeetingOccurrence, occ.id))
    assert suggestions["attendees_count"] == 3 and suggestions["organization_ids"] == [org.id]


def test_prefill_links_topics_taken_up_for_the_meeting(make, ctx):
    occ = make.past_occurrence()
    taken = make.topic(occ, title="Taken", status="taken_up", linked_occurrence_id=occ.id)
    make.topic(occ, title="No", status="declined")
    assert services.prefill(ctx.get(MeetingOccurrence, occ.id))["topic_ids"] == [taken.id]


def test_publish_mails_confirmed_registrants_once_in_their_language(make, ctx):
    occ = make.past_occurrence(title_sv="Nätverksträff")
    make.registration(occ, locale="sv", email="sv@example.org")
    make.registration(occ, locale="fi", email="fi@example.org")
    make.registration(occ, status="waitlisted", email="wait@example.org")
    make.registration(occ, status="cancelled", email="gone@example.org")
    staff = ctx.get(User, make.user("staff").id)
    occurrence = ctx.get(MeetingOccurrence, occ.id)
    data = services.RecordData(summary={"fi": "Pöytäkirja", "sv": "Protokoll"})
    record = services.save_record(occurrence, data, actor=staff, publish=True)
    ctx.commit()
    assert record.is_published and record.notified_at is not None
    mails = {m.recipient: m for m in _mails(ctx)}
    assert set(mails) == {"sv@example.org", "fi@example.org"}
    assert "Nätverksträff" in mails["sv@example.org"].subject
    assert f"/meetings/occurrences/{occ.id}/record" in mails["fi@example.org"].text_body
    # Saving again, unpublishing and republishing mail nobody again.
    services.save_record(occurrence, data, actor=staff, publish=None)
    services.save_record(occurrence, data, actor=staff, publish=False)
    services.save_record(occurrence, data, actor=staff, publish=True)
    ctx.commit()
    assert len(_mails(ctx)) == 2


def test_publishing_needs_finnish_minutes_and_a_started_meeting(make, ctx):
    staff_id, past_id, future_id = make.user("staff").id, make.past_occurrence().id, make.occurrence().id
    staff = ctx.get(User, staff_id)
    past = ctx.get(MeetingOccurrence, past_id)
    with pytest.raises(ValidationError) as info:
        services.save_record(past, services.RecordData(summary={"sv": "Bara svenska"}), actor=staff, publish=True)
    assert "summary_fi" in info.value.fields
    future = ctx.get(MeetingOccurrence, future_id)
    with pytest.raises(ValidationError):
        services.save_record(future, services.RecordData(summary={"fi": "Liian aikaisin"}), actor=staff,
                             publish=True)
    # An agenda before the meeting is fine (a draft).
    record = services.save_record(future, services.RecordData(agenda={"fi": "1. Avaus"}), actor=staff)
    assert record.agenda_fi == "1. Avaus" and not record.is_published
    assert ctx.scalar(select(func.count(MeetingRecord.id))) == 1


def test_only_staff_write_records(make, ctx):
    ngo_id, occ_id = make.user("ngo").id, make.past_occurrence().id
    ngo = ctx.get(User, ngo_id)
    with pytest.raises(Forbidden):
        services.save_record(ctx.get(MeetingOccurrence, occ_id),
                             services.RecordData(summary={"fi": "x"}), actor=ngo, publish=True)


def test_links_must_be_real_and_of_the_same_series(make, ctx):
    occ = make.past_occurrence()
    other = make.occurrence()
    foreign = make.topic(other, title="Elsewhere")
    staff = ctx.get(User, make.user("staff").id)
    occurrence = ctx.get(MeetingOccurrence, occ.id)
    with pytest.raises(ValidationError) as info:
        services.save_record(occurrence, services.RecordData(summary={"fi": "x"}, topic_ids=[foreign.id],
                                                             organization_ids=[999999]), actor=staff)
    assert set(info.value.fields) == {"topic_ids", "organization_ids"}


def test_racing_publishers_mail_each_registrant_once(app, make):
    occ = make.past_occurrence()
    for _ in range(3):
        make.registration(occ)
    staff = make.user("staff")
    with app.app_context():  # the record exists; the race is about publishing it
        services.save_record(db.session.get(MeetingOccurrence, occ.id), services.RecordData(summary={"fi": "x"}),
                             actor=db.session.get(User, staff.id))
        db.session.commit()
    barrier = threading.Barrier(4)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                services.save_record(db.session.get(MeetingOccurrence, occ.id),
                                     services.RecordData(summary={"fi": "Pöytäkirja"}),
                                     actor=db.session.get(User, staff.id), publish=True, now=utcnow())
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage.recipient).filter_by(kind="record_published")).all()
        assert len(mails) == 3 and len(set(mails)) == 3


def test_racing_first_saves_make_one_record(app, make):
    occ = make.past_occurrence()
    staff = make.user("staff")
    barrier = threading.Barrier(4)
    errors = []

    def run(n):
        with app.app_context():
            try:
                barrier.wait()
                services.save_record(db.session.get(MeetingOccurrence, occ.id),
                                     services.RecordData(agenda={"fi": f"Esityslista {n}"}),
                                     actor=db.session.get(User, staff.id), now=utcnow() + timedelta(seconds=n))
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count(MeetingRecord.id)).filter_by(occurrence_id=occ.id)) == 1
