"""The status of a topic proposal, with its label in words (stored values unchanged)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.statuses import LabelledStatus


class TopicStatus(LabelledStatus):
    PROPOSED = "proposed"
    TAKEN_UP = "taken_up"
    DECLINED = "declined"

    @classmethod
    def _labels(cls):
        return {cls.PROPOSED: _l("Proposed"), cls.TAKEN_UP: _l("Taken up"), cls.DECLINED: _l("Declined")}
