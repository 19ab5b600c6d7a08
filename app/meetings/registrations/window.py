"""Whether and until when a date takes registrations (the state its page shows)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from app.errors import Conflict
from app.extensions import db
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus, SeriesStatus

# Registration status of an occurrence, as shown on its page.
OPEN, NOT_YET_OPEN, CLOSED, FULL, WAITLIST, CANCELLED = (
    "open", "not_yet_open", "closed", "full", "waitlist", "cancelled")



@dataclass
class RegistrationWindow:
    """Whether and until when an occurrence takes registrations."""

    state: str
    opens_at: datetime | None
    closes_at: datetime
    free_seats: int

    @property
    def accepting(self) -> bool:
        """True when a registration would be stored (confirmed or on the waiting list)."""
        return self.state in (OPEN, WAITLIST)


def closes_at(occurrence: MeetingOccurrence) -> datetime:
    """The last instant registrations are taken."""
    return occurrence.starts_at - timedelta(minutes=occurrence.series.registration_closes_minutes_before or 0)


def registration_window(occurrence: MeetingOccurrence, now: datetime,
                        waiting: bool | None = None) -> RegistrationWindow:
    """The registration state of ``occurrence`` at ``now``.

    ``waiting`` (anyone on the waiting list) is looked up when not given; new registrations queue
    behind them even when single seats are free (strict FIFO, see the module docstring).
    """
    series = occurrence.series
    end = closes_at(occurrence)
    free = occurrence.free_seats
    state = _closed_state(occurrence, now, end)
    if state is None:
        if waiting is None:
            waiting = _has_waiting(occurrence.id)
        if free > 0 and not waiting:
            state = OPEN
        else:
            state = WAITLIST if series.waitlist else FULL
    return RegistrationWindow(state=state, opens_at=series.registration_opens_at, closes_at=end,
                              free_seats=free)


def _closed_state(occurrence: MeetingOccurrence, now: datetime, end: datetime) -> str | None:
    """CANCELLED, CLOSED or NOT_YET_OPEN; ``None`` when the date takes registrations now."""
    series = occurrence.series
    if series.status == SeriesStatus.CANCELLED or occurrence.status != OccurrenceStatus.SCHEDULED:
        return CANCELLED
    if series.status != SeriesStatus.PUBLISHED or occurrence.starts_at <= now or now >= end:
        return CLOSED
    if series.registration_opens_at is not None and now < series.registration_opens_at:
        return NOT_YET_OPEN
    return None


def _has_waiting(occurrence_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Registration.occurrence_id == occurrence_id, Registration.status == RegistrationStatus.WAITLISTED))))


def _check_open(occurrence: MeetingOccurrence, now: datetime) -> None:
    window = registration_window(occurrence, now, waiting=False)
    if window.state == CANCELLED:
        raise Conflict(_l("This meeting is cancelled; registration is not possible."), code="closed")
    if window.state == CLOSED:
        raise Conflict(_l("Registration for this meeting has closed."), code="closed")
    if window.state == NOT_YET_OPEN:
        raise Conflict(_l("Registration has not opened yet."), code="closed")

