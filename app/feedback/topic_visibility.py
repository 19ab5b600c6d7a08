"""A topic proposal is as visible as the meeting it was proposed for (app.meetings.visibility)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.core import visibility
from app.errors import NotFound
from app.extensions import db
from app.feedback.models import TopicProposal
from app.meetings.visibility import can_see_series


def visible_proposal_or_404(proposal_id: int, viewer: Any) -> TopicProposal:
    """The proposal if ``viewer`` may see its meeting series, else NotFound."""
    proposal = db.session.get(TopicProposal, proposal_id)
    if proposal is None or (proposal.series is not None and not can_see_series(proposal.series, viewer)):
        raise NotFound(_l("The topic was not found."))
    return proposal


visibility.register("proposal_id", visible_proposal_or_404)
