"""The adviser's side: the day view with the questions, and the appointments of their feed."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.extensions import db
from app.guidance.models import GuidanceAppointment, GuidanceHour, GuidanceWindow, guidance_hour_advisers
from app.guidance.statuses import AppointmentStatus, HourStatus, WindowStatus

HELSINKI = ZoneInfo("Europe/Helsinki")
FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 400


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), HELSINKI)
    return start, datetime.combine(day + timedelta(days=1), time(), HELSINKI)


def _advised_hour_ids(user: User):
    return select(guidance_hour_advisers.c.guidance_hour_id).where(guidance_hour_advisers.c.user_id == user.id)


def day_view(user: User, day: date, *, everyone: bool = False) -> list[tuple[GuidanceWindow, list[GuidanceAppointment]]]:
    """The windows of ``day`` (Helsinki) the user advises at (all of them with ``everyone``), each with
    its live appointments in time order. Two queries."""
    start, end = _day_bounds(day)
    query = (select(GuidanceWindow).join(GuidanceHour, GuidanceHour.id == GuidanceWindow.guidance_hour_id)
             .options(joinedload(GuidanceWindow.guidance_hour))
             .where(GuidanceWindow.starts_at < end, GuidanceWindow.ends_at > start,
                    GuidanceWindow.status == WindowStatus.SCHEDULED, GuidanceHour.status == HourStatus.PUBLISHED))
    if not everyone:
        query = query.where(GuidanceWindow.guidance_hour_id.in_(_advised_hour_ids(user)))
    windows = list(db.session.scalars(query.order_by(GuidanceWindow.starts_at, GuidanceWindow.id)))
    by_window: dict[int, list[GuidanceAppointment]] = {w.id: [] for w in windows}
    if windows:
        rows = db.session.scalars(
            select(GuidanceAppointment).options(joinedload(GuidanceAppointment.organization))
            .where(GuidanceAppointment.window_id.in_(list(by_window)), GuidanceAppointment.status == AppointmentStatus.BOOKED)
            .order_by(GuidanceAppointment.starts_at))
        for row in rows:
            by_window[row.window_id].append(row)
    return [(w, by_window[w.id]) for w in windows]


def next_days_with_appointments(user: User, after: datetime, *, limit: int = 10) -> list[date]:
    """The next local dates on which the user has appointments to give (for the day view's links)."""
    starts = db.session.scalars(
        select(GuidanceAppointment.starts_at)
        .where(GuidanceAppointment.guidance_hour_id.in_(_advised_hour_ids(user)),
               GuidanceAppointment.status == AppointmentStatus.BOOKED, GuidanceAppointment.starts_at >= after)
        .order_by(GuidanceAppointment.starts_at).limit(200))
    days: list[date] = []
    for start in starts:
        day = start.astimezone(HELSINKI).date()
        if day not in days:
            days.append(day)
        if len(days) >= limit:
            break
    return days


def feed_fingerprint(user: User, now: datetime) -> tuple:
    """What changes the adviser's feed: count, ids, latest change (one query)."""
    lower, upper = now - timedelta(days=FEED_PAST_DAYS), now + timedelta(days=FEED_FUTURE_DAYS)
    a = GuidanceAppointment
    row = db.session.execute(
        select(func.count(a.id), func.sum(a.id), func.max(a.updated_at), func.sum(a.sequence),
               func.max(GuidanceHour.updated_at))
        .join(GuidanceHour, GuidanceHour.id == a.guidance_hour_id)
        .where(a.guidance_hour_id.in_(_advised_hour_ids(user)), a.status == AppointmentStatus.BOOKED,
               a.ends_at > lower, a.starts_at < upper)).one()
    return tuple(row)


def feed_appointments(user: User, now: datetime) -> list[GuidanceAppointment]:
    """The adviser's live appointments from two months back to a year ahead."""
    lower, upper = now - timedelta(days=FEED_PAST_DAYS), now + timedelta(days=FEED_FUTURE_DAYS)
    return list(db.session.scalars(
        select(GuidanceAppointment)
        .options(joinedload(GuidanceAppointment.guidance_hour).joinedload(GuidanceHour.space),
                 joinedload(GuidanceAppointment.organization))
        .where(GuidanceAppointment.guidance_hour_id.in_(_advised_hour_ids(user)),
               GuidanceAppointment.status == AppointmentStatus.BOOKED, GuidanceAppointment.ends_at > lower,
               GuidanceAppointment.starts_at < upper)
        .order_by(GuidanceAppointment.starts_at, GuidanceAppointment.id)))
