"""The calendar feeds: what goes into each one, a cheap fingerprint of it, and two caches.

Every feed is served in two steps:

1. :func:`*_plan` finds out whether the feed changed and returns a :class:`Plan`: the key (what
   the feed depends on + language + variant) and a ``build`` callable. Nothing is serialised yet.
   The meeting feeds (all meetings, one series) read ONE row for that: the ``meetings`` content
   version (app/core/versions.py), bumped in the same transaction as any change they show, so
   every edit is visible at once. The personal, occurrence and space feeds run one aggregate
   query over their own few rows (row count, latest ``updated_at``, id and SEQUENCE sums).
2. :func:`get_feed` looks the key up in an in-process LRU of finished feeds (bytes, strong
   ETag, Last-Modified). A hit costs that one read and no serialisation, so a conditional request
   is answered with 304 at about the price of a static file; only a miss calls ``build``.

``build`` reuses serialised VEVENT blocks from a second LRU keyed by (series id, SEQUENCE, status,
latest ``updated_at`` of the series, its space and the occurrences that shape its VEVENT, language):
after one series changes, only that series is serialised again. Occurrences that merely follow
the RRULE are not read at all: a registration (``seats_taken``) bumps the version (the meeting
pages show free seats) and the feed is rebuilt from cached blocks into the same bytes, so its
ETag stays and subscribers keep getting 304.

Cancelled occurrences: EXDATE in the series' VEVENT, not a STATUS:CANCELLED override. EXDATE is
core RFC 5545 that every client (Google, Outlook, Apple, Thunderbird/ical.js) implements and it
makes the date vanish, while clients differ on a cancelled override: some strike it through,
some hide it, and subscribed-calendar importers that ignore STATUS (several Outlook versions,
many smaller apps) show it as an ordinary meeting, so people would turn up. The cancellation is
announced where it matters, by email (iMIP CANCEL + STATUS:CANCELLED for registrants, see
``app/meetings/invitations.py``), and the meeting page. For the same reason a cancelled one-off
meeting is left out of the feeds, the personal feed leaves out cancelled occurrences, and the
feed of a cancelled series stays served but empty (a 404 would make Google keep the stale events).
Only the single-occurrence download says STATUS:CANCELLED (a re-import then cancels the entry).

The aggregate fingerprints see every insert, update (``updated_at``, SEQUENCE) and deletion
(count, id sum) of the rows a feed is built from. Last-Modified is the latest ``updated_at`` of those rows; a
deletion does not move it, which is why If-None-Match (the ETag of the bytes) wins when present.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.accounts.models import Organization, User
from app.meetings.calendar_events import booking_event, listed_in_feeds, occurrence_event, series_events
from app.scheduling.ical import build_calendar, serialize_event
from app.core.i18n import LANGUAGES, localized
from app.core.versions import on_clear, version
from app.extensions import db
from app.meetings.content import MEETINGS
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.meetings.ownership import own_registrations
from app.meetings.places import space_booked
from app.meetings.series_split import segments_of
from app.spaces.models import Booking, Space

# Feeds of a space cover at most this many days, whatever ?from= and ?to= ask for.
MAX_RANGE_DAYS = 400
SPACE_PAST_DAYS = 30  # default window of a space feed: 30 days back ...
SPACE_FUTURE_DAYS = 365  # ... and a year ahead
_EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)  # Last-Modified of a feed without rows


class LRU:
    """A small thread-safe least-recently-used map (gunicorn threads share a worker's caches)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True, slots=True)
class Feed:
    """A finished feed: the bytes and their HTTP validators."""

    body: bytes
    etag: str  # the sha256 of the body, hex, unquoted
    last_modified: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    """What a request needs before deciding to serialise: the fingerprint and how to build."""

    key: tuple
    last_modified: datetime | None  # None: ``build`` returns (bytes, last modified)
    build: Callable[[], bytes | tuple[bytes, datetime]]
    filename: str
    private: bool = False


FEEDS = LRU(256)
BLOCKS = LRU(50_000)
PLANS = LRU(1_024)  # meetings plans by content version (and by time with CALENDAR_FINGERPRINT_TTL)


def clear_caches() -> None:
    """Forget every cached feed and block (tests; a process that changed BASE_URL)."""
    FEEDS.clear()
    BLOCKS.clear()
    PLANS.clear()


on_clear(clear_caches)


def get_feed(plan: Plan) -> Feed:
    """The cached feed for ``plan.key``, built (and cached) only on a miss."""
    feed = FEEDS.get(plan.key)
    if feed is None:
        built = plan.build()
        body, last_modified = built if isinstance(built, tuple) else (built, plan.last_modified)
        feed = Feed(body=body, etag=hashlib.sha256(body).hexdigest(), last_modified=last_modified)
        FEEDS.put(plan.key, feed)
    return feed


def language(value: str | None) -> str:
    """``?lang=``: fi, sv or en; anything else is the default language."""
    return value if value in LANGUAGES else current_app.config.get("BABEL_DEFAULT_LOCALE", "fi")


def _latest(*stamps: datetime | None) -> datetime:
    return max([s for s in stamps if s is not None], default=_EPOCH)


def _block(key: tuple, make: Callable[[], str]) -> str:
    block = BLOCKS.get(key)
    if block is None:
        block = make()
        BLOCKS.put(key, block)
    return block


# --- meetings: all published series, or one ------------------------------------------------------

def _series_filter(series_id: int | None):
    if series_id is None:
        return MeetingSeries.status == "published"
    # A cancelled series keeps its URL (served empty) so that subscribers see its events go.
    return and_(MeetingSeries.id == series_id, MeetingSeries.status.in_(("published", "cancelled")))


def _shapes_the_feed():
    """The occurrences a series' VEVENT depends on: cancelled (EXDATE), moved ones and those whose
    space is not booked (overrides; issue 17) of a recurring series, the one occurrence of a
    one-off meeting. The others follow from the RRULE, so a new registration (``seats_taken``,
    ``updated_at``) leaves the feed and its cache alone, and the fingerprint reads only these rows."""
    o = MeetingOccurrence
    unbooked = and_(MeetingSeries.space_id.is_not(None), or_(
        o.booking_id.is_(None), o.booking_id.in_(select(Booking.id).where(Booking.status == "cancelled"))))
    return or_(o.status == "cancelled", o.moved.is_(True), MeetingSeries.rrule.is_(None), unbooked)


def meetings_plan(lang: str, series_id: int | None = None) -> Plan | None:
    """The all-meetings feed, or one series' feed; ``None`` when that series is not public.

    Freshness is ONE primary-key read: the ``meetings`` content version, bumped in the same
    transaction as any change these feeds show (app/meetings/content.py). The plan for a version
    is remembered, so a cached feed costs that read and nothing else; every edit is seen at once.
    With ``CALENDAR_FINGERPRINT_TTL`` > 0 (seconds; default 0) a worker skips even that read for
    that long (a change then shows at most that much later).
    """
    ttl = current_app.config.get("CALENDAR_FINGERPRINT_TTL", 0)
    if not ttl:
        return _versioned_meetings_plan(lang, series_id)
    memo_key = ("ttl", lang, series_id, current_app.config["BASE_URL"])
    memo = PLANS.get(memo_key)
    now = time.monotonic()
    if memo is not None and memo[0] > now:
        return memo[1]
    plan = _versioned_meetings_plan(lang, series_id)
    PLANS.put(memo_key, (now + ttl, plan))
    return plan


def _versioned_meetings_plan(lang: str, series_id: int | None) -> Plan | None:
    current = version(MEETINGS)
    memo_key = ("meetings", lang, series_id, current_app.config["BASE_URL"], current)
    memo = PLANS.get(memo_key)
    if memo is None:
        memo = (_meetings_plan(lang, series_id, current),)  # a tuple: None (not public) is remembered too
        PLANS.put(memo_key, memo)
    return memo[0]


def _meetings_plan(lang: str, series_id: int | None, current: int) -> Plan | None:
    if series_id is not None and db.session.scalar(select(MeetingSeries.id).where(_series_filter(series_id))) is None:
        return None
    key = ("meetings", series_id, lang, current_app.config["BASE_URL"], current)
    filename = "meetings.ics" if series_id is None else f"series-{series_id}.ics"
    return Plan(key=key, last_modified=None, filename=filename, build=lambda: _build_meetings(lang, series_id))


def _build_meetings(lang: str, series_id: int | None) -> tuple[bytes, datetime]:
    s, o = MeetingSeries, MeetingOccurrence
    rows = db.session.scalars(
        select(s).options(joinedload(s.space)).where(_series_filter(series_id)).order_by(s.id)).all()
    # Loaded in one query whatever the number of series.
    special = db.session.scalars(
        select(o).join(s, s.id == o.series_id).where(_series_filter(series_id), _shapes_the_feed())
        .options(selectinload(o.booking)).order_by(o.series_id, o.starts_at)
    ).all()
    by_series: dict[int, list[MeetingOccurrence]] = {}
    for occurrence in special:
        by_series.setdefault(occurrence.series_id, []).append(occurrence)
    closed = segments_of([series.id for series in rows])

    with force_locale(lang):
        blocks = []
        for series in rows:
            occurrences = by_series.get(series.id, [])
            if not listed_in_feeds(series, occurrences):
                continue
            stamp = _latest(series.updated_at, series.space.updated_at if series.space else None,
                            *(o.updated_at for o in occurrences))
            key = ("series", series.id, series.sequence, series.status, stamp, len(occurrences), lang,
                   tuple(o.id for o in occurrences if not space_booked(o)))
            blocks.append(_block(key, lambda: "".join(serialize_event(event) for event in series_events(
                series, occurrences, lang=lang, segments=closed.get(series.id, ()), last_modified=stamp))))
        if series_id is None:
            name = _("Kohtaamo: city–NGO meetings")
            description = _("Every published meeting of the City of Helsinki's Kohtaamo service.")
        else:
            name = "Kohtaamo: " + localized(rows[0], "title", lang)
            description = None
        # Last-Modified: the latest change of a row the feed is made of.
        last_modified = _latest(*(r.updated_at for r in rows), *(r.space.updated_at for r in rows if r.space),
                                *(o.updated_at for o in special))
        return build_calendar(blocks, name=name, description=description, lang=lang), last_modified


# --- one occurrence ("add to my calendar") -------------------------------------------------------

def occurrence_plan(occurrence_id: int, lang: str) -> Plan | None:
    """One occurrence of a published (or cancelled) series; ``None`` for unknown or draft."""
    occurrence = db.session.scalar(
        select(MeetingOccurrence).join(MeetingOccurrence.series)
        .options(contains_eager(MeetingOccurrence.series).joinedload(MeetingSeries.space),
                 joinedload(MeetingOccurrence.booking))
        .where(MeetingOccurrence.id == occurrence_id, MeetingSeries.status.in_(("published", "cancelled"))))
    if occurrence is None:
        return None
    series = occurrence.series
    space_stamp = series.space.updated_at if series.space else None
    key = ("occurrence", occurrence.id, occurrence.sequence, series.sequence, occurrence.status, series.status,
           occurrence.updated_at, series.updated_at, space_stamp, space_booked(occurrence), lang,
           current_app.config["BASE_URL"])

    def build() -> bytes:
        with force_locale(lang):
            event = occurrence_event(occurrence, lang=lang, public=True)  # no online link: public
            return build_calendar([event], name="Kohtaamo: " + localized(series, "title", lang), lang=lang)

    return Plan(key=key, last_modified=_latest(occurrence.updated_at, series.updated_at, space_stamp),
                build=build, filename=f"meeting-{occurrence.id}.ics")


# --- personal feed -------------------------------------------------------------------------------

_LIVE = ("confirmed", "waitlisted")


def personal_plan(user: User, lang: str) -> Plan:
    """The occurrences ``user`` is registered for (confirmed, or waitlisted as TENTATIVE): their own
    registrations (by their address, ``app.meetings.ownership``), not the ones a group contact made
    for colleagues."""
    r, o, s = Registration, MeetingOccurrence, MeetingSeries
    row = db.session.execute(
        select(func.count(r.id), func.max(r.updated_at), func.sum(r.id), func.max(o.updated_at),
               func.max(s.updated_at), func.sum(o.sequence + s.sequence), func.max(Space.updated_at),
               func.sum(literal(1, type_=db.Integer)).filter(r.status == "waitlisted"),
               func.max(Booking.updated_at), func.count(Booking.id).filter(Booking.status != "cancelled"))
        .select_from(r).join(o, o.id == r.occurrence_id).join(s, s.id == o.series_id)
        .outerjoin(Space, Space.id == s.space_id).outerjoin(Booking, Booking.id == o.booking_id)
        .where(own_registrations(user), r.status.in_(_LIVE), s.status != "draft")
    ).one()
    email = user.email
    key = ("personal", user.id, email, user.feed_token_version, lang, current_app.config["BASE_URL"], *row)
    return Plan(key=key, last_modified=_latest(row[1], row[3], row[4], row[6]), private=True,
                filename="my-meetings.ics", build=lambda: _build_personal(user, lang))


def _build_personal(user: User, lang: str) -> bytes:
    r, o, s = Registration, MeetingOccurrence, MeetingSeries
    registrations = db.session.scalars(
        select(r).join(r.occurrence).join(o.series)
        .options(contains_eager(r.occurrence).contains_eager(o.series).joinedload(s.space),
                 contains_eager(r.occurrence).joinedload(o.booking))
        .where(own_registrations(user), r.status.in_(_LIVE), s.status == "published", o.status != "cancelled")
        .order_by(o.starts_at, r.id)
    ).unique().all()
    with force_locale(lang):
        blocks, seen = [], set()
        for registration in registrations:
            occurrence = registration.occurrence
            if occurrence.id in seen:  # registered twice (e.g. once waitlisted): list it once
                continue
            seen.add(occurrence.id)
            series = occurrence.series
            tentative = registration.status == "waitlisted"
            stamp = _latest(occurrence.updated_at, series.updated_at,
                            series.space.updated_at if series.space else None)
            key = ("occurrence", occurrence.id, occurrence.sequence, series.sequence, tentative, stamp, lang,
                   space_booked(occurrence))
            blocks.append(_block(key, lambda: serialize_event(
                occurrence_event(occurrence, lang=lang, tentative=tentative))))
        return build_calendar(blocks, name=_("Kohtaamo: my meetings"), lang=lang)


# --- resident space bookings ---------------------------------------------------------------------

def space_window(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The days a space feed covers: the asked range, bounded to ``MAX_RANGE_DAYS``."""
    start = start or today - timedelta(days=SPACE_PAST_DAYS)
    end = end or max(start, today) + timedelta(days=SPACE_FUTURE_DAYS)
    if end <= start:
        end = start + timedelta(days=1)
    if (end - start).days > MAX_RANGE_DAYS:
        end = start + timedelta(days=MAX_RANGE_DAYS)
    return start, end


def space_plan(space: Space, lang: str, *, detailed: bool, start: date, end: date) -> Plan:
    """Confirmed bookings of ``space`` overlapping [start, end) (UTC days)."""
    lower = datetime.combine(start, datetime.min.time(), tzinfo=timezone.utc)
    upper = datetime.combine(end, datetime.min.time(), tzinfo=timezone.utc)
    b = Booking
    where = (b.space_id == space.id, b.status == "confirmed", b.ends_at > lower, b.starts_at < upper)
    row = db.session.execute(
        select(func.count(b.id), func.max(b.updated_at), func.sum(b.id), func.max(Organization.updated_at))
        .select_from(b).outerjoin(Organization, Organization.id == b.organization_id).where(*where)
    ).one()
    key = ("space", space.id, space.updated_at, detailed, start, end, lang, current_app.config["BASE_URL"], *row)

    def build() -> bytes:
        bookings = db.session.execute(
            select(b, Organization.name).outerjoin(Organization, Organization.id == b.organization_id)
            .where(*where).order_by(b.starts_at, b.id)
        ).all()
        with force_locale(lang):
            events = [booking_event(booking, tzid=space.timezone, detailed=detailed, organization_name=org)
                      for booking, org in bookings]
            name = (_("%(space)s: bookings", space=space.local_name) if detailed
                    else _("%(space)s: busy times", space=space.local_name))
            return build_calendar(events, name=name, lang=lang, tzid=space.timezone)

    return Plan(key=key, last_modified=_latest(row[1], row[3], space.updated_at), build=build,
                filename=f"space-{space.id}.ics", private=detailed)
