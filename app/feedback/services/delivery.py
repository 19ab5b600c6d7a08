"""Sending the feedback invitations and reminders after a meeting (the cron run)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update

from app.core.database import insert_ignoring
from app.core.i18n import LANGUAGES
from app.core.types import utcnow
from app.extensions import db
from app.feedback.models import (FeedbackForm,
                                 FeedbackInvitation)
from app.feedback.services.forms import ensure_form
from app.feedback.notifications import send_invitation
from app.feedback.services.tokens import make_token, sign_invitation
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration


# Occurrences that ended longer ago than this are never looked at by the send run.
SEND_LOOKBACK_DAYS = 366


def eligible_registration_clause():
    """Who is invited: confirmed registrants who were not marked absent, or anyone marked present."""
    return and_(Registration.anonymised_at.is_(None), or_(
        and_(Registration.status == "confirmed",
             or_(Registration.attendance.is_(None), Registration.attendance != "no_show")),
        Registration.attendance == "present"))


@dataclass
class SendResult:
    """What one send run did."""

    invitations: int = 0
    reminders: int = 0
    occurrences: int = 0


def send_due(now: datetime | None = None) -> SendResult:
    """Invite everyone due and remind those who have not answered; safe to run concurrently.

    Invitations are claimed by inserting them with ``ON CONFLICT DO NOTHING`` on the unique
    (occurrence, registration) pair, and the mail is written to the outbox in the same
    transaction: whoever inserted the row sends the mail, a concurrent run gets nothing back.
    Reminders are claimed with ``UPDATE ... WHERE reminded_at IS NULL`` (row count 1 = ours).
    """
    now = now or utcnow()
    result = SendResult()
    _send_invitations(now, result)
    _send_reminders(now, result)
    return result


def _due_occurrence_ids(now: datetime) -> list[int]:
    pending_registration = (
        select(Registration.id)
        .where(Registration.occurrence_id == MeetingOccurrence.id, eligible_registration_clause(),
               ~exists().where(FeedbackInvitation.occurrence_id == MeetingOccurrence.id,
                               FeedbackInvitation.registration_id == Registration.id))
        .exists())
    return list(db.session.scalars(
        select(MeetingOccurrence.id)
        .join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
        .outerjoin(FeedbackForm, FeedbackForm.series_id == MeetingSeries.id)
        .where(MeetingOccurrence.status == "scheduled", MeetingSeries.status != "cancelled",
               MeetingOccurrence.ends_at <= now,
               MeetingOccurrence.ends_at > now - timedelta(days=SEND_LOOKBACK_DAYS),
               or_(FeedbackForm.id.is_(None), FeedbackForm.enabled.is_(True)),
               pending_registration)
        .order_by(MeetingOccurrence.ends_at, MeetingOccurrence.id)))


def _send_invitations(now: datetime, result: SendResult) -> None:
    occurrence_ids = _due_occurrence_ids(now)
    db.session.commit()  # end the read; each occurrence gets its own short transaction
    for occurrence_id in occurrence_ids:
        occurrence = db.session.get(MeetingOccurrence, occurrence_id)
        series = occurrence.series
        form = ensure_form(series)
        closes_at = occurrence.ends_at + timedelta(days=form.open_days)
        if not form.enabled or now < occurrence.ends_at + timedelta(hours=form.send_after_hours) or now >= closes_at:
            db.session.commit()
            continue
        registrations = db.session.scalars(
            select(Registration).where(
                Registration.occurrence_id == occurrence.id, eligible_registration_clause(),
                ~exists().where(FeedbackInvitation.occurrence_id == occurrence.id,
                                FeedbackInvitation.registration_id == Registration.id))
            .order_by(Registration.id)).all()
        sent_here = 0
        for registration in registrations:
            locale = registration.locale if registration.locale in LANGUAGES else "fi"
            secret = secrets.token_hex(16)  # 128 bits
            statement = (insert_ignoring(FeedbackInvitation)
                         .values(occurrence_id=occurrence.id, registration_id=registration.id, form_id=form.id,
                                 secret=secret, locale=locale, sent_at=now, closes_at=closes_at, created_at=now)
                         .on_conflict_do_nothing(index_elements=["occurrence_id", "registration_id"])
                         .returning(FeedbackInvitation.id))
            invitation_id = db.session.execute(statement).scalar()
            if invitation_id is None:
                continue  # another run invited this person
            send_invitation(token=sign_invitation(invitation_id, secret), locale=locale,
                            closes_at=closes_at, occurrence=occurrence, series=series, registration=registration)
            sent_here += 1
        db.session.commit()
        if sent_here:
            result.occurrences += 1
            result.invitations += sent_here


def _send_reminders(now: datetime, result: SendResult) -> None:
    candidates = db.session.execute(
        select(FeedbackInvitation.id, FeedbackInvitation.sent_at, FeedbackForm.remind_after_days)
        .join(FeedbackForm, FeedbackForm.id == FeedbackInvitation.form_id)
        .where(FeedbackInvitation.responded_at.is_(None), FeedbackInvitation.reminded_at.is_(None),
               FeedbackInvitation.sent_at.is_not(None), FeedbackInvitation.closes_at > now,
               FeedbackForm.enabled.is_(True))
        .order_by(FeedbackInvitation.id)).all()
    db.session.commit()
    for invitation_id, sent_at, remind_after_days in candidates:
        if now < sent_at + timedelta(days=remind_after_days):
            continue
        claimed = db.session.execute(
            update(FeedbackInvitation)
            .where(FeedbackInvitation.id == invitation_id, FeedbackInvitation.reminded_at.is_(None),
                   FeedbackInvitation.responded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        invitation = db.session.get(FeedbackInvitation, invitation_id)
        registration = invitation.registration
        occurrence = invitation.occurrence
        send_invitation(token=make_token(invitation), locale=invitation.locale, closes_at=invitation.closes_at,
                        occurrence=occurrence, series=occurrence.series, registration=registration, reminder=True)
        db.session.commit()
        result.reminders += 1
