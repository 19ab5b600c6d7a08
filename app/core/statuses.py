"""Statuses as ``StrEnum``s that know their translated label.

A model's status column keeps plain strings (the values), so the database and the API are
unchanged; code compares against the enum (``Booking.status == BookingStatus.CANCELLED``) and
templates show ``status.label`` or ``BookingStatus.label_of(value)``.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any


class LabelledStatus(StrEnum):
    """Subclasses define ``_labels()`` returning ``{member: lazy_gettext(...)}``."""

    @classmethod
    def _labels(cls) -> dict[Any, Any]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value; an unknown value is shown as it is."""
        try:
            return cls(value).label
        except ValueError:
            return value
