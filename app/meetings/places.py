"""Where a meeting is: the one rule for the place text of a series and of one of its dates.

Feeds, invitations, mails and the API all name the place through here. A series held in a
resident space names the space only for a date that holds a live booking of it (issue 17): a date
whose booking was cancelled from outside the meeting, or that the scheduled job could not book,
shows the series' own location text (a street address, say) and online link, or no place at all;
pages say "The place will be confirmed later" for it.

``online=False`` is what the public sees (public feeds, the "add to my calendar" download): the
online link goes only to registrants (app/meetings/online_link.py). ``lang`` is the reader's (the
feed's ``?lang=``, the recipient's): a space is named in it (``Space.name_in``); ``None`` is the
page's or mail's language. The text itself is :func:`app.spaces.places.place_text`.
"""
from __future__ import annotations

from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.spaces.places import place_text


def series_location(series: MeetingSeries, *, lang: str | None = None, online: bool = True) -> str | None:
    """Where: the resident space (name, address), a street address and/or the online link."""
    return place_text(series.space, series.location, series.online_url, lang, online=online)


def location_without_space(series: MeetingSeries, *, online: bool = True) -> str | None:
    """The place of a date whose space is not booked: the location text and/or online link."""
    return place_text(None, series.location, series.online_url, online=online)


def space_booked(occurrence: MeetingOccurrence) -> bool:
    """Whether the date holds a live booking (loads ``occurrence.booking`` unless eager-loaded)."""
    booking = occurrence.booking
    return booking is not None and booking.status != "cancelled"


def names_space(occurrence: MeetingOccurrence) -> bool:
    """Whether the date's place may name its series' space."""
    return occurrence.series.space_id is None or space_booked(occurrence)


def occurrence_location(occurrence: MeetingOccurrence, *, lang: str | None = None,
                        online: bool = True) -> str | None:
    """The place of one date (see the module docstring)."""
    series = occurrence.series
    if names_space(occurrence):
        return series_location(series, lang=lang, online=online)
    return location_without_space(series, online=online)


def own_location(occurrence: MeetingOccurrence, *, online: bool = True) -> str | None:
    """A date's place when it differs from its series' (``""`` for none at all), else ``None``:
    what an override of a series' feed event carries."""
    if names_space(occurrence):
        return None
    return location_without_space(occurrence.series, online=online) or ""
