"""Resident-space rules: spaces, opening hours, bookings that never overlap, NGO booking requests.

Plain functions with an explicit ``actor`` and ``now``; they flush and raise typed ``DomainError``s,
the caller commits. One module per job; the names callers use are re-exported here
(``from app.spaces import services``; ``services.create_booking(...)``):

- ``hours``: weekly opening hours, exception days, the open intervals of a space;
- ``spaces``: checking a space's fields, adding and editing spaces and exception days;
- ``conflicts``: the never-double-book guarantee (blocks, look-up, guarded writes);
- ``rules``, ``bookings``, ``recurring``: booking, moving, cancelling, recurring bookings;
- ``availability``: free and busy times, the week view, the finder;
- ``booking_requests``: NGO requests and staff decisions.

The double-booking guarantee is described in ``conflicts`` (and DESIGN.md, "Concurrency").
"""
from __future__ import annotations

from app.spaces.services.availability import (Availability, Cell, WeekView, availability, find_free_spaces,
                                              monday_of, week_view)
from app.spaces.services.booking_requests import (approve_booking_request, create_booking_request,
                                                  decline_booking_request, overlapping_own_requests,
                                                  refuse_duplicate_request, request_status_label, requests_query,
                                                  withdraw_booking_request)
from app.spaces.services.bookings import (BookingOptions, book, bookings_query, cancel_booking, cancel_booking_group,
                                          create_booking, move_booking)
from app.spaces.services.common import (ACCESSIBILITY_FACTS, EQUIPMENT, MAX_BLOCK, MAX_BOOKING_LENGTH,
                                        MAX_BUFFER_MINUTES, MAX_RANGE_DAYS, PAST_TOLERANCE, STAFF_HORIZON_DAYS, UTC,
                                        WEEKDAYS, BookingConflict, ConflictItem, Interval, check_range)
from app.spaces.services.conflicts import _live_blocks_query, block_of, find_conflicts, refuse_conflicts
from app.spaces.services.hours import (clean_opening_hours, clean_ranges, day_hours, format_hours, open_intervals,
                                       outside_hours_reason, parse_hours_text)
from app.spaces.services.recurring import RecurringResult, Skipped, create_recurring_booking, occurrences_for
from app.spaces.services.rules import horizon_days_for
from app.spaces.services.spaces import (SpaceData, clean_space_data, create_space, delete_space_exception,
                                        list_spaces, set_space_exception, update_space)

__all__ = [
    "ACCESSIBILITY_FACTS", "EQUIPMENT", "MAX_BLOCK", "MAX_BOOKING_LENGTH", "MAX_BUFFER_MINUTES", "MAX_RANGE_DAYS",
    "PAST_TOLERANCE", "STAFF_HORIZON_DAYS", "UTC", "WEEKDAYS", "Availability", "BookingConflict", "BookingOptions",
    "Cell", "ConflictItem", "Interval", "RecurringResult", "Skipped", "SpaceData", "WeekView", "_live_blocks_query",
    "approve_booking_request", "availability", "block_of", "book", "bookings_query", "cancel_booking",
    "cancel_booking_group", "check_range", "clean_opening_hours", "clean_ranges", "clean_space_data",
    "create_booking", "create_booking_request", "create_recurring_booking", "create_space", "day_hours",
    "decline_booking_request", "delete_space_exception", "find_conflicts", "find_free_spaces", "format_hours",
    "horizon_days_for", "list_spaces", "monday_of", "move_booking", "occurrences_for", "open_intervals", "outside_hours_reason",
    "overlapping_own_requests", "parse_hours_text", "refuse_conflicts", "refuse_duplicate_request",
    "request_status_label", "requests_query", "set_space_exception", "update_space", "week_view",
    "withdraw_booking_request",
]
