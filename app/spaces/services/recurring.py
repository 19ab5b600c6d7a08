"""Recurring bookings: every date of a rule booked at once, all or nothing (or the free dates only)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.audit import audit
from app.core.auth import require_staff
from app.errors import ValidationError
from app.extensions import db
from app import scheduling
from app.core.rule_errors import to_validation_error
from app.spaces.models import Booking, Space
from app.spaces.services.bookings import BookingOptions, book, booking_values
from app.spaces.services.common import UTC, BookingConflict, ConflictItem, Interval, _aware, _error
from app.spaces.services.conflicts import _conflict_items, _insert, _live_blocks_query, _postgresql, block_of
from app.spaces.services.hours import open_intervals
from app.spaces.services.rules import (_check_interval, _check_open, _check_when, _clean_title, horizon_days_for)


@dataclass
class Skipped:
    """An occurrence of a recurring booking that was not booked, and why (``conflict`` or ``closed``)."""

    start: datetime
    end: datetime
    reason: str
    conflicts: list[ConflictItem] = field(default_factory=list)


@dataclass
class RecurringResult:
    """What :func:`create_recurring_booking` booked and skipped."""

    group_id: str | None
    bookings: list[Booking]
    skipped: list[Skipped]
    rrule: str | None = None


def occurrences_for(space: Space, start: datetime, end: datetime, rrule: str | None) -> tuple[str | None, list[Interval]]:
    """The canonical rule and the ``[start, end)`` intervals of a (possibly recurring) booking.

    Occurrences keep the start's wall-clock time in the space's time zone across DST; each lasts as
    long as the first one. A recurring booking needs an end (COUNT or UNTIL).
    """
    zone = ZoneInfo(space.timezone)
    if rrule is None or not str(rrule).strip():
        return None, [(start, end)]
    config = current_app.config
    start_local = start.astimezone(zone).replace(tzinfo=None)
    try:
        canonical = scheduling.normalize_rrule(
            rrule, start_local=start_local, tz=space.timezone,
            max_occurrences=config["RECURRENCE_MAX_OCCURRENCES"],
            horizon=timedelta(days=config["RECURRENCE_HORIZON_DAYS"]))
        if canonical and "COUNT=" not in canonical and "UNTIL=" not in canonical:
            raise ValidationError(_l("A recurring booking needs an end: a number of times or an end date."),
                                  field="rrule", code="no_end")
        starts = scheduling.expand(start_local, space.timezone, canonical,
                                   limit=config["RECURRENCE_MAX_OCCURRENCES"])
    except scheduling.RecurrenceError as exc:
        raise to_validation_error(exc, {"timezone": "rrule"}) from None
    length = end - start
    return canonical, [(s.astimezone(UTC), s.astimezone(UTC) + length) for s in starts]


def _check_dates_when(space: Space, wanted: list[Interval], *, now: datetime, actor: Any) -> None:
    """The first date not in the past, the last one within the booking horizon."""
    _check_when(space, wanted[0][0], now=now, actor=actor)
    days = horizon_days_for(space, actor)
    if wanted[-1][0] > now + timedelta(days=days):
        raise _error(_l("The last date is too far ahead: this space can be booked at most %(days)d days ahead.",
                        days=days), "rrule", "beyond_horizon")


def _closed_dates(space: Space, wanted: list[Interval], options: BookingOptions,
                  actor: Any) -> tuple[list[Interval], dict[Interval, str | None]]:
    """The dates when the space is closed (without an accepted override) and the reasons to store."""
    closed: list[Interval] = []
    reasons: dict[Interval, str | None] = {}
    if not options.strict:
        return closed, reasons
    intervals = open_intervals(space, wanted[0][0] - timedelta(days=1), wanted[-1][1] + timedelta(days=1))
    for interval in wanted:
        try:
            reasons[interval] = _check_open(space, *interval, override_reason=options.override_reason, actor=actor,
                                            intervals=intervals)
        except ValidationError:
            closed.append(interval)
    return closed, reasons


def _taken_dates(space: Space, wanted: list[Interval]) -> dict[Interval, list[ConflictItem]]:
    """The dates already booked, with what is in the way (one query for all of them)."""
    existing = list(db.session.scalars(_live_blocks_query(space.id, *block_of(space, wanted[0][0], wanted[-1][1]))))
    taken = {interval: _conflict_items(existing, [interval], space) for interval in wanted}
    return {k: v for k, v in taken.items() if v}


def _refuse_all(space: Space, closed: list[Interval], taken: dict[Interval, list[ConflictItem]]) -> None:
    """All or nothing: name the closed dates, else the taken ones."""
    if closed:
        zone = ZoneInfo(space.timezone)
        dates = ", ".join(f"{d.day}.{d.month}.{d.year}" for d in (s.astimezone(zone) for s, _e in closed))
        raise _error(_l("The space is not open on these dates: %(dates)s. Book the free dates only, or "
                        "give a reason to book outside the opening hours.", dates=dates),
                     "start", "outside_opening_hours")
    if taken:
        raise BookingConflict([item for items in taken.values() for item in items],
                              _l("%(n)d of the dates are already booked.", n=len(taken)), tz=space.timezone)


def _insert_free(space: Space, rows: list[dict[str, Any]], skipped: list[Skipped], *,
                 skip_conflicts: bool) -> list[Booking]:
    """Write the free dates; with ``skip_conflicts`` on PostgreSQL a date taken meanwhile is skipped."""
    if not skip_conflicts or not _postgresql():
        return _insert(rows, space)
    # Another transaction may take a date after our check: skip that one too, keep the rest.
    booked: list[Booking] = []
    for row in rows:
        try:
            booked += _insert([row], space)
        except BookingConflict as exc:
            skipped.append(Skipped(row["starts_at"], row["ends_at"], "conflict", exc.conflicts))
    if not booked:
        raise BookingConflict([c for s in skipped for c in s.conflicts], _l("None of the dates is free."),
                              tz=space.timezone)
    return booked


def create_recurring_booking(space: Space, start: datetime, end: datetime, title: str, actor: Any, now: datetime, *,
                             rrule: str | None = None, skip_conflicts: bool = False,
                             options: BookingOptions | None = None) -> RecurringResult:
    """Book every occurrence of ``rrule`` (first one ``[start, end)``), all or nothing by default.

    Without ``skip_conflicts`` any occurrence that is taken raises ``BookingConflict`` listing all
    of them (and one at a closed time raises ``ValidationError`` naming the dates); nothing is
    written. With ``skip_conflicts`` the free dates are booked and the others returned in
    ``skipped``. ``options.override_reason`` lets staff book closed dates too. The rule must end
    (COUNT or UNTIL) within the booking horizon. Without ``rrule`` this is :func:`create_booking`.
    """
    options = options or BookingOptions()
    require_staff(actor, system_allowed=True)
    title = _clean_title(title)
    start, end = _aware(start, "start"), _aware(end, "end")
    _check_interval(space, start, end, strict=options.strict, headcount=options.headcount)
    canonical, wanted = occurrences_for(space, start, end, rrule)
    if canonical is None:
        return RecurringResult(None, [book(space, start, end, title, actor, now, options)], [], None)
    if options.strict:
        _check_dates_when(space, wanted, now=now, actor=actor)
    closed, reasons = _closed_dates(space, wanted, options, actor)
    taken = _taken_dates(space, wanted)
    if not skip_conflicts:
        _refuse_all(space, closed, taken)
    skipped = [Skipped(s, e, "closed") for s, e in closed]
    skipped += [Skipped(s, e, "conflict", items) for (s, e), items in taken.items() if (s, e) not in closed]
    free = [interval for interval in wanted if interval not in taken and interval not in closed]
    if not free:
        raise BookingConflict([item for items in taken.values() for item in items],
                              _l("None of the dates is free."), tz=space.timezone)
    group_id = str(uuid.uuid4())
    rows = [booking_values(space, title, s, e, actor, options, group_id=group_id, override_reason=reasons.get((s, e)))
            for s, e in free]
    booked = _insert_free(space, rows, skipped, skip_conflicts=skip_conflicts)
    skipped.sort(key=lambda item: item.start)
    audit(actor, "booking.create_recurring", "space", space.id, group_id=group_id, rrule=canonical,
          booked=len(booked), skipped=len(skipped))
    return RecurringResult(group_id, booked, skipped, canonical)
