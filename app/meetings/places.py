"""Where a meeting is: the one rule for the place text of a series and of one of its dates.

Feeds, invitations, mails and the API all name the place through here.
"""
from __future__ import annotations

from app.meetings.models import MeetingOccurrence, MeetingSeries


def series_location(series: MeetingSeries) -> str | None:
    """Where: the resident space (name, address), a street address and/or the online link."""
    parts: list[str] = []
    if series.space is not None:
        parts.append(f"{series.space.name}, {series.space.address}")
    elif series.location:
        parts.append(series.location)
    if series.online_url:
        parts.append(series.online_url)
    return " / ".join(parts) or None


def occurrence_location(occurrence: MeetingOccurrence) -> str | None:
    """The place of one date."""
    return series_location(occurrence.series)
