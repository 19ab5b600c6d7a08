"""``flask records remind``: 3 and 7 days after a meeting without a published record, once each."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingOccurrence
from app.records import reminders, services


def _reminders(ctx):
    return list(ctx.scalars(select(OutboxMessage).where(OutboxMessage.kind == "record_reminder")
                            .order_by(OutboxMessage.id)))


def test_reminds_at_three_and_seven_days_once_each(make, ctx):
    staff = make.user("staff", locale="sv")
    occ = make.past_occurrence(days_ago=1)
    assert reminders.send_reminders(occ.ends_at + timedelta(days=2)).reminders == 0
    assert reminders.send_reminders(occ.ends_at + timedelta(days=3, hours=1)).reminders == 1
    assert reminders.send_reminders(occ.ends_at + timedelta(days=4)).reminders == 0
    assert reminders.send_reminders(occ.ends_at + timedelta(days=7, hours=1)).reminders == 1
    assert reminders.send_reminders(occ.ends_at + timedelta(days=9)).reminders == 0
    mails = _reminders(ctx)
    assert [m.recipient for m in mails] == [staff.email, staff.email]
    assert "3" in mails[0].text_body and "7" in mails[1].text_body
    assert f"/meetings/occurrences/{occ.id}/record/edit" in mails[0].text_body


def test_a_missed_run_sends_only_the_latest_reminder(make, ctx):
    make.user("staff")
    occ = make.past_occurrence()
    assert reminders.send_reminders(occ.ends_at + timedelta(days=8)).reminders == 1
    assert reminders.send_reminders(occ.ends_at + timedelta(days=8)).reminders == 0
    assert len(_reminders(ctx)) == 1


def test_published_records_and_cancelled_meetings_get_no_reminder(make, ctx):
    staff = make.user("staff")
    done = make.past_occurrence()
    cancelled = make.past_occurrence()
    services.save_record(ctx.get(MeetingOccurrence, done.id), services.RecordData(summary={"fi": "x"}),
                         actor=ctx.get(User, staff.id), publish=True)
    ctx.get(MeetingOccurrence, cancelled.id).status = "cancelled"
    ctx.commit()
    assert reminders.send_reminders(done.ends_at + timedelta(days=3, hours=1)).reminders == 0


def test_the_series_creator_is_reminded_instead_of_everyone(make, ctx):
    make.user("staff")
    creator = make.user("staff")
    occ = make.past_occurrence(created_by_id=creator.id)
    reminders.send_reminders(occ.ends_at + timedelta(days=3, hours=1))
    assert [m.recipient for m in _reminders(ctx)] == [creator.email]


def test_racing_runs_on_several_hosts_send_each_reminder_once(app, make):
    for _ in range(2):
        make.user("staff")
    occurrences = [make.past_occurrence() for _ in range(3)]
    now = occurrences[0].ends_at + timedelta(days=3, hours=1)
    barrier = threading.Barrier(4)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                reminders.send_reminders(now)
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
        mails = db.session.scalars(select(OutboxMessage.text_body).filter_by(kind="record_reminder")).all()
        assert len(mails) == 3 * 2  # three meetings, two staff members, once each


def test_cli(runner, make):
    make.user("staff")
    occ = make.past_occurrence()
    now = (occ.ends_at + timedelta(days=3, hours=1)).isoformat()
    first = runner.invoke(args=["records", "remind", "--now", now])
    second = runner.invoke(args=["records", "remind", "--now", now])
    assert first.exit_code == 0 and "reminders 1" in first.output
    assert second.exit_code == 0 and "reminders 0" in second.output
    bad = runner.invoke(args=["records", "remind", "--now", "tomorrow"])
    assert bad.exit_code != 0 and len(bad.output.strip().splitlines()) == 1
