"""Invitations and reminders: who gets them, when, and never twice (even with racing runs)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.feedback import services
from app.feedback.models import FeedbackForm, FeedbackInvitation, FeedbackQuestion
from app.mail.models import OutboxMessage
from app.meetings.models import MeetingSeries


def _outbox(ctx, kind="feedback_invitation"):
    return list(ctx.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_ensure_form_creates_the_default_template_once(make, ctx):
    series = make.series(occurrences=1)
    series = ctx.get(MeetingSeries, series.id)
    form = services.ensure_form(series)
    again = services.ensure_form(series)
    ctx.commit()
    assert form.id == again.id
    assert ctx.scalar(select(func.count(FeedbackForm.id))) == 1
    keys = [q.key for q in services.load_form(form.id).questions]
    assert keys == ["usefulness", "influence", "networking", "communication", "continuity",
                    "themes_to_continue", "city_next"]
    assert (form.open_days, form.send_after_hours, form.anonymous) == (14, 2, False)
    question = ctx.scalar(select(FeedbackQuestion).filter_by(key="usefulness"))
    assert question.text_sv and question.text_en and question.kind == "rating"


def test_invites_confirmed_and_present_but_not_waitlisted_cancelled_or_no_shows(make, ctx):
    occ = make.past_occurrence()
    confirmed = make.registration(occ, email="confirmed@example.org")
    present = make.registration(occ, email="present@example.org", attendance="present")
    make.registration(occ, email="noshow@example.org", attendance="no_show")
    make.registration(occ, status="waitlisted", email="wait@example.org")
    make.registration(occ, status="cancelled", email="gone@example.org")
    result = services.send_due(occ.ends_at + timedelta(hours=3))
    assert (result.invitations, result.occurrences) == (2, 1)
    recipients = sorted(m.recipient for m in _outbox(ctx))
    assert recipients == sorted([confirmed.email, present.email])
    invitation = ctx.scalar(select(FeedbackInvitation).filter_by(registration_id=confirmed.id))
    assert invitation.closes_at == occ.ends_at + timedelta(days=14)
    assert len(invitation.secret) == 32  # 128 bits, hex
    message = ctx.scalar(select(OutboxMessage).filter_by(recipient=confirmed.email))
    assert services.feedback_link(invitation) in message.text_body
    assert services.feedback_link(invitation) in message.html_body


def test_nothing_before_send_after_hours_and_nothing_after_closing(make, ctx):
    occ = make.past_occurrence()
    make.registration(occ)
    assert services.send_due(occ.ends_at + timedelta(hours=1)).invitations == 0
    assert services.send_due(occ.ends_at + timedelta(days=14, minutes=1)).invitations == 0
    assert ctx.scalar(select(func.count(FeedbackInvitation.id))) == 0
    assert services.send_due(occ.ends_at + timedelta(hours=2)).invitations == 1


def test_disabled_form_sends_nothing(make, ctx):
    occ = make.past_occurrence()
    make.registration(occ)
    form = services.ensure_form(ctx.get(MeetingSeries, occ.series_id))
    form.enabled = False
    ctx.commit()
    assert services.send_due(occ.ends_at + timedelta(hours=3)).invitations == 0


def test_running_send_twice_sends_once(make, ctx):
    occ = make.past_occurrence()
    for _ in range(3):
        make.registration(occ)
    now = occ.ends_at + timedelta(hours=3)
    assert services.send_due(now).invitations == 3
    assert services.send_due(now).invitations == 0
    assert len(_outbox(ctx)) == 3
    ctx.rollback()  # SQLite: release the read before the factory writes
    # A late registration marked present afterwards is invited by the next run, alone.
    make.registration(occ, attendance="present")
    assert services.send_due(now + timedelta(hours=1)).invitations == 1
    assert len(_outbox(ctx)) == 4


def test_mail_in_the_registrants_language(make, ctx):
    occ = make.past_occurrence(title_sv="Nätverksmöte")
    sv = make.registration(occ, locale="sv")
    fi = make.registration(occ, locale="fi")
    services.send_due(occ.ends_at + timedelta(hours=3))
    sv_mail = ctx.scalar(select(OutboxMessage).filter_by(recipient=sv.email))
    fi_mail = ctx.scalar(select(OutboxMessage).filter_by(recipient=fi.email))
    assert "Nätverksmöte" in sv_mail.subject and "Hej" in sv_mail.text_body
    assert sv_mail.subject != fi_mail.subject


def test_one_reminder_after_three_days_only_to_those_who_did_not_answer(make, ctx):
    occ = make.past_occurrence()
    quiet = make.registration(occ)
    answered = make.registration(occ)
    sent = occ.ends_at + timedelta(hours=3)
    services.send_due(sent)
    invitation = ctx.scalar(select(FeedbackInvitation).filter_by(registration_id=answered.id))
    invitation.responded_at = sent + timedelta(hours=1)
    ctx.commit()
    assert services.send_due(sent + timedelta(days=2)).reminders == 0
    assert services.send_due(sent + timedelta(days=3)).reminders == 1
    assert services.send_due(sent + timedelta(days=4)).reminders == 0
    mails = [m for m in _outbox(ctx) if m.recipient == quiet.email]
    assert len(mails) == 2 and mails[1].subject != mails[0].subject
    # After closing, no reminder at all.
    ctx.rollback()
    other = make.past_occurrence()
    make.registration(other)
    services.send_due(other.ends_at + timedelta(hours=3))
    assert services.send_due(other.ends_at + timedelta(days=15)).reminders == 0


def test_real_smtp_delivery_of_the_invitation(make, ctx, smtp_server):
    occ = make.past_occurrence()
    reg = make.registration(occ)
    services.send_due(occ.ends_at + timedelta(hours=3))
    from app.mail.services import deliver_due

    assert deliver_due() == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == reg.email
    assert "/feedback/" in message.get_body(("plain",)).get_content()


def test_racing_send_runs_invite_everyone_exactly_once(app, make):
    occ = make.past_occurrence()
    for _ in range(6):
        make.registration(occ)
    now = occ.ends_at + timedelta(hours=3)
    barrier = threading.Barrier(4)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                services.send_due(now)
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
        mails = db.session.scalars(select(OutboxMessage.recipient).filter_by(kind="feedback_invitation")).all()
        assert len(mails) == 6 and len(set(mails)) == 6
        assert db.session.scalar(select(func.count(FeedbackForm.id))) == 1


@pytest.mark.parametrize("value", ["yesterday", "2026-11-23T18:00:00"])
def test_cli_refuses_bad_now(runner, value):
    result = runner.invoke(args=["feedback", "send", "--now", value])
    assert result.exit_code != 0 and "--now" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_cli_sends_once(runner, make, app):
    occ = make.past_occurrence()
    make.registration(occ)
    now = (occ.ends_at + timedelta(hours=3)).isoformat()
    first = runner.invoke(args=["feedback", "send", "--now", now])
    second = runner.invoke(args=["feedback", "send", "--now", now])
    assert first.exit_code == 0 and "invitations 1" in first.output
    assert second.exit_code == 0 and "invitations 0" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
