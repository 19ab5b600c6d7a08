"""The status of an outcome, with its label in words (fi / sv / en through the catalogues)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.statuses import LabelledStatus


class OutcomeStatus(LabelledStatus):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"

    @classmethod
    def _labels(cls):
        return {cls.OPEN: _l("Open"), cls.IN_PROGRESS: _l("In progress"), cls.DONE: _l("Done"),
                cls.DECLINED: _l("Declined")}


def status_label(status: str | None) -> str:
    """The label of a stored status (templates and mails); an unknown value is shown as it is."""
    return OutcomeStatus.label_of(status or "")
