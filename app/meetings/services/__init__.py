"""Meeting series and occurrences: the rules (no request, no session, no commit).

One module per job, re-exported here so that callers keep ``from app.meetings import services``:

* ``fields``: a series' fields, limits and the recurrence rules' messages;
* ``themes``: the cooperation model's themes;
* ``cleaning``: checking series input (form or API), every field error at once;
* ``occurrences``: the one hook where a date changes, materialising, cancelling and moving dates;
* ``series``: creating a series and changing it from a date onward;
* ``queries``: reading series and dates for the pages and the API.

Mails to registrants are in ``app.meetings.notifications``.
"""
from __future__ import annotations

from app.meetings.notifications import manage_url
from app.meetings.services.cleaning import clean_series_data
from app.meetings.services.fields import (LOCATION_FIELDS, MAX_CAPACITY, MAX_CLOSES_BEFORE, MAX_DURATION,
                                          MAX_PAST_START_DAYS, RECURRENCE_MESSAGES, SERIES_FIELDS, TIMING_FIELDS,
                                          recurrence_message)
from app.meetings.services.occurrences import (_expand, _horizon, _new_occurrence, _occurrence_changed,
                                               cancel_occurrence, materialise_all, materialise_series,
                                               move_occurrence)
from app.meetings.services.queries import (MeetingFilters, get_series, registration_counts, series_occurrences,
                                           series_page, staff_occurrences, upcoming_page)
from app.meetings.services.series import create_series, set_series_status, update_series
from app.meetings.services.themes import (DEFAULT_THEMES, create_theme, ensure_default_themes, list_themes,
                                          move_theme, set_theme_active, update_theme)

__all__ = [
    "DEFAULT_THEMES", "LOCATION_FIELDS", "MAX_CAPACITY", "MAX_CLOSES_BEFORE", "MAX_DURATION", "MAX_PAST_START_DAYS",
    "MeetingFilters", "RECURRENCE_MESSAGES", "SERIES_FIELDS", "TIMING_FIELDS", "cancel_occurrence",
    "clean_series_data", "create_series", "create_theme", "ensure_default_themes", "get_series", "list_themes",
    "manage_url", "materialise_all", "materialise_series", "move_occurrence", "move_theme", "recurrence_message",
    "registration_counts", "series_occurrences", "series_page", "set_series_status", "set_theme_active",
    "staff_occurrences", "update_series", "update_theme", "upcoming_page",
    # for the tests of the materialisation race (tests/unit/meetings/test_series_services.py)
    "_expand", "_horizon", "_new_occurrence", "_occurrence_changed",
]
