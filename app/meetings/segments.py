"""The iCalendar shape of a series' dates: one identity per segment, explicit dates where local
time is unclear, and a rule that ends where the service's dates end. Pure: no Flask, no database.

What every client renders the same way (DESIGN.md, "Learned from six clients"):

* A series changed "from a date onward" is several segments (``MeetingSeriesSegment`` rows plus
  the series itself); each becomes its own VEVENT with its own UID and a rule bounded to its dates,
  so no client re-times the dates the service kept.
* A date whose wall time is in the spring gap or the autumn fold, or whose meeting spans a change
  of offset, is written as an explicit override: RECURRENCE-ID as the rule names it (local wall
  time, verbatim), DTSTART/DTEND as unambiguous times (UTC where the local time is ambiguous).
* The rule ends at the last date the service has (``materialised_until``, which the nightly job
  moves on), so every holiday the service skips within it is an EXDATE, whatever the year.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from app import scheduling

UTC = timezone.utc


@dataclass(frozen=True, slots=True)
class Segment:
    """One definition of a series' dates and the iCalendar identity it is published under."""

    uid: str
    start_local: datetime
    timezone: str
    duration_minutes: int
    rrule: str | None
    skip_holidays: bool
    starts_from: datetime | None  # dates (UTC instants) in [starts_from, ends_before)
    ends_before: datetime | None
    sequence: int


@dataclass(frozen=True, slots=True)
class Shape:
    """What to write for one segment: the instants of its rule and how each is written."""

    instants: list[datetime]  # the rule's dates in the window, aware UTC, holidays included
    holidays: list[datetime]  # those the service skips (EXDATE)
    explicit: list[datetime]  # those whose local times are unclear (explicit override)
    rrule: str | None  # the RRULE value to write (bounded), None for a single date


def nominal(instant: datetime, clock: time, tz: str) -> datetime:
    """The rule's own (naive) wall time of the date of ``instant``: its local date at the series'
    clock time. Differs from the instant's local time only for a date in the spring gap."""
    return datetime.combine(instant.astimezone(ZoneInfo(tz)).date(), clock)


def _unambiguous(wall: datetime, zone: ZoneInfo) -> bool:
    return wall.replace(tzinfo=zone, fold=0).utcoffset() == wall.replace(tzinfo=zone, fold=1).utcoffset()


def in_gap(instant: datetime, clock: time, tz: str) -> bool:
    """Whether the rule's wall time on the date of ``instant`` does not exist (spring gap)."""
    zone = ZoneInfo(tz)
    wall = nominal(instant, clock, tz)
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall


def unclear(start: datetime, end: datetime, clock: time, tz: str) -> bool:
    """Whether clients may disagree about a date of the rule: its wall time is in a gap or a
    fold, its end's wall time is ambiguous, or the meeting spans a change of UTC offset."""
    zone = ZoneInfo(tz)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return (not _unambiguous(nominal(start, clock, tz), zone)
            or not _unambiguous(local_end.replace(tzinfo=None), zone)
            or local_start.utcoffset() != local_end.utcoffset())


def bounded_rule(rrule: str, last: datetime, tz: str) -> str:
    """The rule without COUNT/UNTIL, ending at the end of the local day of ``last`` (in UTC).

    The end of the day rather than the instant itself: clients that place a gap time an hour
    off still include the last date, and a rule repeats at most once a day."""
    parts = [p for p in rrule.split(";") if p.split("=", 1)[0] not in ("COUNT", "UNTIL")]
    zone = ZoneInfo(tz)
    day_end = datetime.combine(last.astimezone(zone).date(), time(23, 59, 59))
    until = scheduling.localize(day_end, tz).astimezone(UTC)
    parts.insert(1, "UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ"))
    return ";".join(parts)


def shape(segment: Segment, *, horizon: datetime, limit: int) -> Shape:
    """The dates of ``segment`` before ``horizon`` and how to write them."""
    end = horizon if segment.ends_before is None else min(horizon, segment.ends_before)
    starts = scheduling.expand(segment.start_local, segment.timezone, segment.rrule,
                               window_start=segment.starts_from, window_end=end, limit=limit)
    instants = [s.astimezone(UTC) for s in starts]
    if not segment.rrule:
        return Shape(instants, [], [], None)
    zone = ZoneInfo(segment.timezone)
    clock = segment.start_local.time()
    duration = timedelta(minutes=segment.duration_minutes)
    holidays = [t for t in instants
                if segment.skip_holidays and scheduling.is_holiday(t.astimezone(zone).date())]
    explicit = [t for t in instants if unclear(t, t + duration, clock, segment.timezone)]
    rule = segment.rrule
    whole = segment.starts_from is None and segment.ends_before is None
    more = scheduling.expand(segment.start_local, segment.timezone, segment.rrule,
                             window_start=end, limit=1) if instants else []
    if instants and (not whole or more):
        rule = bounded_rule(segment.rrule, instants[-1], segment.timezone)
    return Shape(instants, holidays, explicit, rule)


def split_at(boundary: datetime, materialised_until: datetime | None) -> datetime:
    """Where a change "from ``boundary`` on" splits a series: the dates that exist before the
    boundary keep their time; later ones (also those not materialised yet) follow the change."""
    if materialised_until is not None and materialised_until < boundary:
        return materialised_until
    return boundary


def segment_uid(series_uid: str, starts_from: datetime | None) -> str:
    """The UID of the segment that starts at ``starts_from``; the first keeps the series' UID
    (the usual "this and following" split: the original event ends, a new one begins)."""
    if starts_from is None:
        return series_uid
    return f"{starts_from.astimezone(UTC):%Y%m%dT%H%M%SZ}-{series_uid}"


def occurrence_uid(series_uid: str, occurrence_id: int) -> str:
    """The UID of one date served on its own (personal feed, "add to my calendar", invitations):
    stable for the life of the date, whatever happens to its time or the series' rule."""
    return f"occurrence-{occurrence_id}-{series_uid}"


__all__ = ["Segment", "Shape", "bounded_rule", "in_gap", "nominal", "occurrence_uid", "segment_uid", "shape", "split_at", "unclear"]
