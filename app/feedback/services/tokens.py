"""The personal feedback link: a signed token naming an invitation and its secret."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.signed_links import SignedLink, positive_id, secret_matches
from app.errors import NotFound
from app.extensions import db
from app.feedback.models import (FeedbackInvitation)
from app.feedback import notifications
from app.meetings.models import MeetingOccurrence


_LINK = SignedLink("feedback-invitation")
_serializer = _LINK.serializer  # the raw serializer (tests forge tokens with it)


def sign_invitation(invitation_id: int, secret: str) -> str:
    """The personal link's token: signed (invitation id, secret)."""
    return _LINK.sign({"i": invitation_id, "s": secret})


def make_token(invitation: FeedbackInvitation) -> str:
    """The token of ``invitation``'s personal link."""
    return sign_invitation(invitation.id, invitation.secret)


def feedback_link(invitation: FeedbackInvitation) -> str:
    """The absolute personal link used in mail."""
    return notifications.feedback_link(make_token(invitation))


def invitation_for_token(token: str) -> FeedbackInvitation:
    """The invitation a token names; 404 for anything tampered, unknown or revoked."""
    invalid = NotFound(_l("This feedback link is not valid. Check that you copied the whole link from the "
                          "email, or contact the meeting organiser."), code="invalid_link")
    data = _LINK.read(token)
    if data is None or not positive_id(data.get("i")) or not isinstance(data.get("s"), str):
        raise invalid
    invitation = db.session.scalar(
        select(FeedbackInvitation)
        .options(joinedload(FeedbackInvitation.occurrence).joinedload(MeetingOccurrence.series),
                 joinedload(FeedbackInvitation.form), joinedload(FeedbackInvitation.registration))
        .where(FeedbackInvitation.id == data["i"]))
    if invitation is None or not secret_matches(invitation.secret, data["s"]):
        raise invalid
    return invitation


def is_closed(invitation: FeedbackInvitation, now: datetime) -> bool:
    """True once the form no longer accepts answers for this invitation."""
    return now >= invitation.closes_at
