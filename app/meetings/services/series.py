"""Creating and changing a series: the change is applied from a date onward in small steps
(check, re-time or cancel the coming dates, re-book the space, move waiting lists up, tell the
registrants), each step one function."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.audit import audit
from app.core.auth import require_staff
from app.errors import ValidationError
from app.extensions import db
from app import scheduling
from app.meetings import notifications, series_split, space_bookings
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.meetings.services.fields import LOCATION_FIELDS, SERIES_FIELDS, TIMING_FIELDS
from app.meetings.services.occurrences import (_cancel, _expand, _horizon, _new_occurrence, _occurrence_changed,
                                               materialise_series)
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus, SeriesStatus

UTC = timezone.utc
CANCELLED = OccurrenceStatus.CANCELLED


def _apply(series: MeetingSeries, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Copy cleaned values onto the series; returns {field: (old, new)} of what changed."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name in SERIES_FIELDS:
        if name not in data:
            continue
        old, new = getattr(series, name), data[name]
        if old != new:
            changes[name] = (old, new)
            setattr(series, name, new)
    if "themes" in data:
        old_ids = sorted(t.id for t in series.themes)
        new_ids = sorted(t.id for t in data["themes"])
        if old_ids != new_ids:
            changes["themes"] = (old_ids, new_ids)
            series.themes = list(data["themes"])
    return changes


def _audit_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def create_series(data: dict[str, Any], *, actor: Any, now: datetime) -> MeetingSeries:
    """A new series from :func:`clean_series_data` output, its occurrences materialised."""
    require_staff(actor)
    series = MeetingSeries(uid=f"{uuid.uuid4()}@kohtaamo", created_by_id=getattr(actor, "id", None),
                           sequence=0)
    _apply(series, data)
    db.session.add(series)
    db.session.flush()
    if series.status != SeriesStatus.CANCELLED:
        materialise_series(series, now=now, actor=actor)
    audit(actor, "series.create", "meeting_series", series.id, title=series.title_fi,
          rrule=series.rrule, status=series.status)
    return series


def _has_registrations(occurrence_ids: list[int]) -> set[int]:
    if not occurrence_ids:
        return set()
    return set(db.session.scalars(select(Registration.occurrence_id).where(
        Registration.occurrence_id.in_(occurrence_ids)).distinct()))


def _as_boundary(effective_from: date | datetime | None, now: datetime, tz: str) -> datetime:
    if effective_from is None:
        return now
    if isinstance(effective_from, datetime):
        value = effective_from if effective_from.tzinfo else scheduling.localize(effective_from, tz)
    else:
        value = scheduling.localize(datetime.combine(effective_from, time(0, 0)), tz)
    return max(value.astimezone(UTC), now)




@dataclass
class _Update:
    """One change of a series from ``boundary`` onward, and what it did to the coming dates."""

    series: MeetingSeries
    changes: dict[str, tuple[Any, Any]]
    boundary: datetime
    actor: Any
    now: datetime
    future: list[MeetingOccurrence] = field(default_factory=list)
    retimed: list[MeetingOccurrence] = field(default_factory=list)
    cancelled: list[MeetingOccurrence] = field(default_factory=list)

    @property
    def timing(self) -> bool:
        return any(name in self.changes for name in TIMING_FIELDS)

    def changed(self, name: str) -> bool:
        return name in self.changes


def update_series(series: MeetingSeries, data: dict[str, Any], *, actor: Any, now: datetime,
                  effective_from: date | datetime | None = None) -> dict[str, tuple[Any, Any]]:
    """Apply cleaned values to a series from ``effective_from`` (default: now) onward.

    Occurrences that started before that boundary (or before ``now``) never change. For a change
    of time or rule, later occurrences without registrations are re-materialised; those with
    registrations (or cancelled by staff) keep their row and follow the new rule's occurrence on
    the same local date, or are cancelled when the new rule has no such date. SEQUENCE grows on
    any change of time, rule or status. Registrants (confirmed or waitlisted) get a mail with an
    updated (REQUEST) or cancelling (CANCEL) invitation. Returns the changes.
    """
    require_staff(actor)
    boundary = _as_boundary(effective_from, now, data.get("timezone") or series.timezone)
    old_location = {name: getattr(series, name) for name in LOCATION_FIELDS}
    before = series_split.snapshot(series)
    changes = _apply(series, data)
    if not changes:
        return changes
    run = _Update(series=series, changes=changes, boundary=boundary, actor=actor, now=now)
    _check_capacity(run)
    if run.timing or run.changed("status"):
        series.sequence += 1
    db.session.flush()
    run.future = _coming_dates(run)
    _reshape_dates(run, before)
    db.session.flush()
    _sync_space(run)
    if run.changed("capacity") and series.status == SeriesStatus.PUBLISHED:
        _promote_after_capacity_change(series, boundary=max(boundary, now), actor=actor, now=now)
    _tell_registrants(run, location_changed=any(getattr(series, n) != old_location[n] for n in LOCATION_FIELDS))
    audit(actor, "series.update", "meeting_series", series.id,
          effective_from=boundary.isoformat(),
          changes={k: [_audit_value(a) for a in v] for k, v in changes.items()},
          retimed=len(run.retimed), cancelled=len(run.cancelled))
    return changes


def _check_capacity(run: _Update) -> None:
    """Fewer seats than a coming date already has confirmed is refused."""
    if not run.changed("capacity"):
        return
    too_full = db.session.scalar(select(func.max(MeetingOccurrence.seats_taken)).where(
        MeetingOccurrence.series_id == run.series.id, MeetingOccurrence.starts_at >= run.boundary))
    if too_full is not None and too_full > run.series.capacity:
        raise ValidationError(_l("Check the highlighted fields."), fields={"capacity": [
            _l("An upcoming meeting already has %(n)d confirmed seats; the capacity cannot be lower.",
               n=too_full)]})


def _coming_dates(run: _Update) -> list[MeetingOccurrence]:
    return list(db.session.scalars(select(MeetingOccurrence).where(
        MeetingOccurrence.series_id == run.series.id, MeetingOccurrence.starts_at >= run.boundary)
        .order_by(MeetingOccurrence.starts_at)))


def _reshape_dates(run: _Update, before: Any) -> None:
    """New capacity, then: cancel every coming date, follow a new time or rule, or publish."""
    series = run.series
    if run.changed("capacity"):
        for occurrence in run.future:
            occurrence.capacity = series.capacity
    if series.status == SeriesStatus.CANCELLED and run.changed("status"):
        for occurrence in run.future:
            if occurrence.status != CANCELLED:
                _cancel(occurrence, now=run.now, reason=None, actor=run.actor)
                run.cancelled.append(occurrence)
    elif run.timing:
        _retime(run, before)
    elif series.status == SeriesStatus.PUBLISHED and run.changed("status"):
        materialise_series(series, now=run.now, actor=run.actor)


def _retime(run: _Update, before: Any) -> None:
    """Dates without registrations are replaced; the others follow the new rule's date of the same
    local day, or are cancelled when it has none."""
    series, now = run.series, run.now
    kept_ids = _has_registrations([o.id for o in run.future])
    split = series_split.split(series, before, run.boundary)
    new_starts = _expand(series, _horizon(now, series), window_start=min(run.boundary, split or run.boundary))
    by_date = {scheduling.localize(s, series.timezone).date(): s for s in new_starts}
    taken: set[datetime] = set()
    for occurrence in run.future:
        if occurrence.id not in kept_ids and occurrence.status != CANCELLED:
            _delete(occurrence, run)
            continue
        day = scheduling.localize(occurrence.recurrence_id, series.timezone).date()
        new_start = by_date.get(day)
        if new_start is None or new_start in taken:
            _drop(occurrence, run, has_registrations=occurrence.id in kept_ids)
        else:
            taken.add(new_start)
            _follow(occurrence, new_start, run)
    db.session.flush()
    if series.status != SeriesStatus.CANCELLED:
        _add_missing(run, new_starts)


def _delete(occurrence: MeetingOccurrence, run: _Update) -> None:
    _occurrence_changed(occurrence, "deleted", run.now, actor=run.actor)
    db.session.delete(occurrence)


def _drop(occurrence: MeetingOccurrence, run: _Update, *, has_registrations: bool) -> None:
    """A kept date the new rule no longer has: cancelled (a cancelled one without registrations goes)."""
    if occurrence.status == CANCELLED:
        if not has_registrations:
            _delete(occurrence, run)
        return
    _cancel(occurrence, now=run.now, reason=None, actor=run.actor)
    run.cancelled.append(occurrence)


def _follow(occurrence: MeetingOccurrence, new_start: datetime, run: _Update) -> None:
    """A kept date takes the new rule's time on its day."""
    new_end = new_start + timedelta(minutes=run.series.duration_minutes)
    if (occurrence.recurrence_id, occurrence.starts_at, occurrence.ends_at) == (new_start, new_start, new_end):
        return
    occurrence.recurrence_id = new_start
    occurrence.starts_at, occurrence.ends_at = new_start, new_end
    occurrence.moved = False
    _occurrence_changed(occurrence, "retimed", run.now, actor=run.actor)
    if occurrence.status != CANCELLED:
        run.retimed.append(occurrence)


def _add_missing(run: _Update, new_starts: list[datetime]) -> None:
    series, now = run.series, run.now
    existing = set(db.session.scalars(select(MeetingOccurrence.recurrence_id).where(
        MeetingOccurrence.series_id == series.id)))
    for start in new_starts:
        if start not in existing:
            occurrence = _new_occurrence(series, start)
            db.session.add(occurrence)
            db.session.flush()
            _occurrence_changed(occurrence, "created", now, actor=run.actor)
    series.materialised_until = max(series.materialised_until or _horizon(now, series), _horizon(now, series))


def _sync_space(run: _Update) -> None:
    if run.timing or run.changed("space_id"):
        space_bookings.sync_series(run.series, run.actor, run.now)  # strict: a conflict rolls the edit back
    elif {"status", "title_fi"} & set(run.changes):
        # Titles follow, a cancelled series frees its space; a date already flagged "space not
        # booked" must not block an unrelated edit such as unpublishing.
        space_bookings.sync_series(run.series, run.actor, run.now, strict=False)


def _tell_registrants(run: _Update, *, location_changed: bool) -> None:
    notifications.dates_cancelled([o.id for o in run.cancelled], reason=None)
    changed = [o for o in run.future if o not in run.cancelled and o.status != CANCELLED
               and (o in run.retimed or location_changed or run.changed("title_fi"))]
    notifications.series_changed([o.id for o in changed])


def _promote_after_capacity_change(series: MeetingSeries, *, boundary: datetime, actor: Any,
                                   now: datetime) -> None:
    """More seats: waiting lists of the coming occurrences move up now, in FIFO order, with mail."""
    from app.meetings.registrations import promote_waitlist

    waiting = db.session.scalars(select(MeetingOccurrence).where(
        MeetingOccurrence.series_id == series.id, MeetingOccurrence.starts_at >= boundary,
        MeetingOccurrence.status == OccurrenceStatus.SCHEDULED, MeetingOccurrence.seats_taken < MeetingOccurrence.capacity,
        MeetingOccurrence.id.in_(select(Registration.occurrence_id).where(Registration.status == RegistrationStatus.WAITLISTED)))
        .order_by(MeetingOccurrence.starts_at)).all()
    for occurrence in waiting:
        promote_waitlist(occurrence, actor=actor, now=now)


def set_series_status(series: MeetingSeries, status: str, *, actor: Any, now: datetime) -> None:
    """Publish, unpublish (draft) or cancel a series (cancelling cancels its future occurrences)."""
    if status not in tuple(SeriesStatus):
        raise ValidationError(_l("Choose draft, published or cancelled."), field="status")
    with space_bookings.conflict_message(lambda times: _l("Not changed: the space is already booked at %(times)s.",
                                                          times=times)):
        update_series(series, {"status": status}, actor=actor, now=now)

