"""The state of a meeting record in words: a draft until it is published (``published_at``)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.statuses import LabelledStatus


class RecordStatus(LabelledStatus):
    DRAFT = "draft"
    PUBLISHED = "published"

    @classmethod
    def _labels(cls):
        return {cls.DRAFT: _l("Draft"), cls.PUBLISHED: _l("Published")}

    @classmethod
    def of(cls, record) -> "RecordStatus":
        """The state of a record (None: not written yet, a draft)."""
        return cls.PUBLISHED if record is not None and record.published_at is not None else cls.DRAFT
