"""The personal feedback link: a signed token naming an invitation and its secret."""
from __future__ import annotations

import hmac
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import NotFound
from app.extensions import db
from app.feedback.models import (FeedbackInvitation)
from app.feedback import notifications
from app.meetings.models import MeetingOccurrence


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="feedback-invitation")


def make_token(invitation: FeedbackInvitation) -> str:
    """The personal link's token: signed (invitation id, secret)."""
    return _serializer().dumps({"i": invitation.id, "s": invitation.secret})


def feedback_link(invitation: FeedbackInvitation) -> str:
    """The absolute personal link used in mail."""
    return notifications.feedback_link(make_token(invitation))


def invitation_for_token(token: str) -> FeedbackInvitation:
    """The invitation a token names; 404 for anything tampered, unknown or revoked."""
    invalid = NotFound(_l("This feedback link is not valid. Check that you copied the whole link from the "
                          "email, or contact the meeting organiser."), code="invalid_link")
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("s"), str):
        raise invalid
    invitation = db.session.scalar(
        select(FeedbackInvitation)
        .options(joinedload(FeedbackInvitation.occurrence).joinedload(MeetingOccurrence.series),
                 joinedload(FeedbackInvitation.form), joinedload(FeedbackInvitation.registration))
        .where(FeedbackInvitation.id == data["i"]))
    if invitation is None or not hmac.compare_digest(invitation.secret.encode(), data["s"].encode()):
        raise invalid
    return invitation


def is_closed(invitation: FeedbackInvitation, now: datetime) -> bool:
    """True once the form no longer accepts answers for this invitation."""
    return now >= invitation.closes_at
