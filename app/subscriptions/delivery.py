"""``flask subscriptions notify`` (immediate) and ``flask subscriptions digest`` (weekly).

What is told: a meeting series announced (first published, ``announcements.py``) after the
subscription was made, still published, with a date to come, that matches the subscription.
A person hears of a series ONCE: the unique (user, series) ``SubscriptionNotice`` is inserted with
``ON CONFLICT DO NOTHING`` in the same transaction as the mail. Of two hosts running at once, the
second one's insert waits for the first one's transaction (PostgreSQL row lock on the unique key,
SQLite ``BEGIN IMMEDIATE``) and then inserts nothing, so it sends nothing.

- Immediate: one mail per (person, series) matched by at least one immediate subscription.
- Weekly: one digest per person and ISO week (unique ``SubscriptionDigest`` row claimed the same
  way) listing every series matched only by weekly subscriptions and not yet told. Nothing is
  missed: a series not in this week's digest (announced after it went) is in next week's, because
  the notice rows, not a time window, say what has been told. A run that finds nothing for a
  person does not use up their week.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries
from app.subscriptions import notifications
from app.subscriptions.announcements import insert_ignoring_duplicates
from app.subscriptions.models import (Frequency, SeriesAnnouncement, Subscription, SubscriptionDigest,
                                      SubscriptionNotice)
from app.subscriptions.services import matches, series_district


@dataclass
class Match:
    """What one person should hear of: series id → the subscriptions that matched it."""

    user_id: int
    series: dict[int, list[int]] = field(default_factory=dict)


def iso_week(now: datetime) -> str:
    year, week, _day = now.isocalendar()
    return f"{year}-W{week:02d}"


def _candidate_series(now: datetime) -> list[tuple[MeetingSeries, datetime]]:
    """Announced, published series with a scheduled date still to come."""
    upcoming = select(MeetingOccurrence.series_id).where(
        MeetingOccurrence.status == "scheduled", MeetingOccurrence.starts_at > now)
    rows = db.session.execute(
        select(MeetingSeries, SeriesAnnouncement.published_at)
        .join(SeriesAnnouncement, SeriesAnnouncement.series_id == MeetingSeries.id)
        .where(MeetingSeries.status == "published", MeetingSeries.id.in_(upcoming))
        .order_by(SeriesAnnouncement.published_at, MeetingSeries.id)).all()
    return [(row[0], row[1]) for row in rows]


def pending_matches(now: datetime, frequency: str) -> list[Match]:
    """Per person: the series not yet told that ``frequency`` subscriptions should tell.

    A series matched by an immediate subscription of the person belongs to ``notify`` (never to
    the digest), so a person with both kinds hears of it once, at once.
    """
    series_rows = _candidate_series(now)
    if not series_rows:
        return []
    subscriptions = list(db.session.scalars(
        select(Subscription).join(User, User.id == Subscription.user_id)
        .where(User.active.is_(True)).order_by(Subscription.user_id, Subscription.id)))
    if not subscriptions:
        return []
    told = {(row[0], row[1]) for row in db.session.execute(
        select(SubscriptionNotice.user_id, SubscriptionNotice.series_id).where(
            SubscriptionNotice.user_id.in_({s.user_id for s in subscriptions})))}
    by_user: dict[int, list[Subscription]] = defaultdict(list)
    for subscription in subscriptions:
        by_user[subscription.user_id].append(subscription)
    result: list[Match] = []
    for user_id, own in by_user.items():
        match = Match(user_id)
        for series, published_at in series_rows:
            if (user_id, series.id) in told:
                continue
            theme_ids = {t.id for t in series.themes}
            district = series_district(series)
            hits = [s for s in own if published_at >= s.created_at and matches(s, series, theme_ids, district)]
            if not hits:
                continue
            immediate = [s.id for s in hits if s.frequency == Frequency.IMMEDIATE]
            if frequency == Frequency.IMMEDIATE and immediate:
                match.series[series.id] = immediate
            elif frequency == Frequency.WEEKLY and not immediate:
                match.series[series.id] = [s.id for s in hits]
        if match.series:
            result.append(match)
    return result


def _claim_notice(user_id: int, series_id: int, via: str, now: datetime) -> bool:
    dialect = db.session.get_bind().dialect.name
    claimed = db.session.execute(
        insert_ignoring_duplicates(dialect, SubscriptionNotice)
        .values(user_id=user_id, series_id=series_id, via=via, sent_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "series_id"])
        .returning(SubscriptionNotice.id)).scalar()
    return claimed is not None


def send_immediate(now: datetime) -> int:
    """One mail per new (person, series) match of an immediate subscription; returns mails sent."""
    pending = pending_matches(now, Frequency.IMMEDIATE)
    db.session.commit()
    sent = 0
    for match in pending:
        for series_id, subscription_ids in match.series.items():
            if _claim_notice(match.user_id, series_id, Frequency.IMMEDIATE, now):
                notifications.send_new_series(db.session.get(User, match.user_id),
                                              db.session.get(MeetingSeries, series_id), subscription_ids,
                                              now=now)
                sent += 1
            db.session.commit()
    return sent


def send_digests(now: datetime) -> int:
    """One digest per person and ISO week listing every weekly match not yet told; returns digests sent."""
    week = iso_week(now)
    pending = pending_matches(now, Frequency.WEEKLY)
    db.session.commit()
    dialect = db.session.get_bind().dialect.name
    sent = 0
    for match in pending:
        digest_id = db.session.execute(
            insert_ignoring_duplicates(dialect, SubscriptionDigest)
            .values(user_id=match.user_id, week=week, series_count=0, sent_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "week"])
            .returning(SubscriptionDigest.id)).scalar()
        if digest_id is None:  # this week's digest went already (another run or host)
            db.session.rollback()
            continue
        told = [series_id for series_id in match.series
                if _claim_notice(match.user_id, series_id, Frequency.WEEKLY, now)]
        if not told:
            db.session.rollback()  # nothing new after all: the week is not used up
            continue
        subscription_ids = sorted({i for series_id in told for i in match.series[series_id]})
        series = list(db.session.scalars(select(MeetingSeries).where(MeetingSeries.id.in_(told))))
        series.sort(key=lambda s: told.index(s.id))
        notifications.send_digest(db.session.get(User, match.user_id), series, subscription_ids, now=now)
        db.session.get(SubscriptionDigest, digest_id).series_count = len(told)
        db.session.commit()
        sent += 1
    return sent
