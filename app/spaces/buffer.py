"""Explaining the buffer between bookings (issue 17): a refusal whose times do not overlap says why."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import format_time
from flask_babel import gettext as _


def _clock(value) -> str:
    return format_time(value, "HH.mm")


def buffer_hint(space: Any) -> str | None:
    """The rule in one sentence, for the forms where bookings are made (None without a buffer)."""
    n = space.buffer_minutes or 0
    if not n:
        return None
    return _("The space needs %(n)d minutes between bookings: a booking can start %(n)d minutes after the "
             "previous one ends, and must end %(n)d minutes before the next one starts.", n=n)


def explain_conflict(item: Any, space: Any) -> str | None:
    """For a refused time that does not itself overlap the booking in the way: the buffer, with times.

    ``item`` is a ``ConflictItem`` (``start``/``end`` of the existing booking, ``requested_start``/
    ``requested_end``); ``None`` when the times really overlap.
    """
    n = space.buffer_minutes or 0
    if not n:
        return None
    gap = timedelta(minutes=n)
    if item.end <= item.requested_start:  # the previous booking's buffer reaches into the request
        return _("The space needs %(n)d minutes between bookings; the previous booking ends %(end)s, so the next "
                 "can start %(next)s.", n=n, end=_clock(item.end), next=_clock(item.end + gap))
    if item.requested_end <= item.start:  # the request's own buffer reaches the next booking
        return _("The space needs %(n)d minutes between bookings; the next booking starts %(start)s, so yours "
                 "must end by %(latest)s.", n=n, start=_clock(item.start), latest=_clock(item.start - gap))
    return None
