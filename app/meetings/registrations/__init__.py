"""Registration rules: sign-up without an account, capacity, waiting list, cancellation, staff tools.

No request, session or flash here (DESIGN.md convention 4): plain functions taking ``actor`` and
``now``; they flush and raise typed ``DomainError``s, the caller commits. One module per job,
re-exported here so that callers keep ``from app.meetings import registrations``:

* ``input``: checking a person's input; ``window``: whether a date takes registrations;
* ``capacity``: seats by conditional UPDATE and the row lock (the concurrency rules are there);
* ``registering``, ``cancelling``: registering, cancelling and moving the waiting list up;
* ``listings``: reading registrations; ``staff``: attendance and messages; ``export``: CSV / Excel.

Mails to registrants are in ``app.meetings.notifications``.
"""
from __future__ import annotations

from app.meetings.notifications import manage_url
from app.meetings.registrations.cancelling import can_cancel, cancel_registration, promote_waitlist
from app.meetings.registrations.capacity import _release_seats, _take_seats, lock_occurrence
from app.meetings.registrations.export import export_csv, export_rows, export_xlsx
from app.meetings.registrations.input import (MAX_NAME, MAX_NEEDS, MAX_ORGANIZATION, RegistrationData,
                                              clean_registration_data, data_from_user)
from app.meetings.registrations.listings import (get_occurrence, get_registration, occurrence_registrations,
                                                 public_participants, user_registration_for, user_registrations,
                                                 waitlist_position)
from app.meetings.registrations.registering import duplicate_error, register
from app.meetings.registrations.staff import (MAX_BODY, MAX_SUBJECT, attendance_open, message_registrants,
                                              set_attendance)
from app.meetings.registrations.window import (CANCELLED, CLOSED, FULL, NOT_YET_OPEN, OPEN, WAITLIST,
                                               RegistrationWindow, closes_at, registration_window)

__all__ = [
    "CANCELLED", "CLOSED", "FULL", "MAX_BODY", "MAX_NAME", "MAX_NEEDS", "MAX_ORGANIZATION", "MAX_SUBJECT",
    "NOT_YET_OPEN", "OPEN", "WAITLIST", "RegistrationData", "RegistrationWindow", "attendance_open", "can_cancel",
    "cancel_registration", "clean_registration_data", "closes_at", "data_from_user", "duplicate_error",
    "export_csv", "export_rows", "export_xlsx", "get_occurrence", "get_registration", "lock_occurrence",
    "manage_url", "message_registrants", "occurrence_registrations", "promote_waitlist", "public_participants",
    "register", "registration_window", "set_attendance", "user_registration_for", "user_registrations",
    "waitlist_position",
    "_release_seats", "_take_seats",  # for the capacity tests (tests/unit/meetings/test_registrations.py)
]
