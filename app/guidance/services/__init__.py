"""The rules of guidance hours, one module per job (no request, session or flash: callers commit).

- :mod:`.hours` publishing and cancelling guidance hours, their dated windows;
- :mod:`.space_bookings` the resident space booked for each window, like a meeting's;
- :mod:`.slots` cutting windows into slots, free/taken, finding the slot of a start;
- :mod:`.appointments` booking one slot, moving to another free slot, cancelling;
- :mod:`.reminders` the idempotent reminder job (safe on several hosts);
- :mod:`.adviser` the adviser's day view and calendar feed.
"""
