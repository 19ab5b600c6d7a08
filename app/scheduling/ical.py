"""iCalendar (RFC 5545) feeds and iMIP (RFC 5546) invitations, written by hand for speed.

Plain dataclasses in, text or bytes out: no Flask, no SQLAlchemy, no clock. The same data always
gives the same bytes (DTSTAMP comes from ``last_modified``), so callers can cache a series'
block from :func:`serialize_event` keyed by (uid, sequence, last_modified) and ETag the feed.

Hand-built because the ``icalendar`` package is several times slower on a 10,000-event feed
(``bench/feeds_serializer.py``), writes a local UNTIL unconverted and describes zones in RDATE
form, which Outlook is reported to misread and ical.js reads only the first date of. It is used
here only as the fallback VTIMEZONE for the few zones no RRULE can describe.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from app.scheduling.vtimezone import CRLF, DEFAULT_TZID, HELSINKI_VTIMEZONE, _zone, vtimezone

__all__ = [
    "DEFAULT_TZID", "HELSINKI_VTIMEZONE", "PRODID", "Event", "Override", "build_calendar",
    "build_invitation", "escape_text", "fold_line", "serialize_event", "vtimezone",
]

PRODID = "-//City of Helsinki//Kohtaamo//FI"

_UTC = timezone.utc

_STATUSES = frozenset({"TENTATIVE", "CONFIRMED", "CANCELLED"})
_PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})
_ITIP_METHODS = frozenset({"REQUEST", "CANCEL"})
# RFC 5545 CONTROL characters other than TAB and LF (CR is normalised to LF first).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_RRULE_CHARS = re.compile(r"[A-Z0-9=;,+-]+")
_TOKEN = re.compile(r"[A-Za-z0-9-]+")
_URI_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\"<>]")
# Only DTSTART carries the zone of a block (DTEND, EXDATE and RECURRENCE-ID share it); anchoring
# on the line start keeps a ";TZID=" inside a URL or escaped text from matching.
_BLOCK_TZID = re.compile(r"\nDTSTART;TZID=([^:;\r\n]+)")

Organizer = tuple[str, str | None]  # (email, common name)
Attendee = tuple[str, str | None, str]  # (email, common name, PARTSTAT)


@dataclass(frozen=True, slots=True)
class Override:
    """One changed occurrence of a series: a VEVENT with the series' UID and a RECURRENCE-ID.

    ``summary``, ``description`` and ``location`` of ``None`` repeat the series' values (clients
    do not inherit them); ``sequence`` of ``None`` repeats the series' SEQUENCE.
    ``recurrence_id`` may be naive: the rule's own wall-clock time in the series' zone, written
    verbatim (a date in the spring gap must be named as the RRULE names it, see ``Event``).
    """

    recurrence_id: datetime
    start: datetime
    end: datetime
    status: str = "CONFIRMED"
    summary: str | None = None
    description: str | None = None
    location: str | None = None
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A meeting or a series of meetings (one VEVENT plus one VEVENT per override).

    Datetimes must be timezone-aware; they are written in ``tzid`` ("UTC" writes ``Z`` times).
    ``rrule`` is an RRULE value without the ``RRULE:`` prefix. ``recurrence_id`` makes this a
    single detached occurrence (iMIP for one occurrence): rrule, exdates and overrides are then
    not written. Leave ``attendees`` empty in public feeds: they are personal data.

    Local times that name no instant or two (the spring gap, the autumn fold) are read differently
    by different clients, so: naive ``exdates`` and override ``recurrence_id`` values are the rule's
    wall-clock times, written verbatim; ``rule_start`` (naive) is the rule's DTSTART when the first
    date's wall time is in a gap; a DTSTART/DTEND whose local time is ambiguous is written in UTC,
    and a series master whose first date is such a date gets DURATION instead of DTEND.
    """

    uid: str
    summary: str
    start: datetime
    end: datetime
    last_modified: datetime
    sequence: int = 0
    description: str | None = None
    location: str | None = None
    url: str | None = None
    tzid: str = DEFAULT_TZID
    rrule: str | None = None
    exdates: Sequence[datetime] = ()
    overrides: Sequence[Override] = ()
    status: str = "CONFIRMED"
    categories: Sequence[str] = ()
    organizer: Organizer | None = None
    attendees: Sequence[Attendee] = ()
    transparent: bool = False
    recurrence_id: datetime | None = None
    rule_start: datetime | None = None


# --- value encoding -----------------------------------------------------------------------------

def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines.

    CRLF and CR become a newline; other control characters (forbidden in TEXT) are dropped.
    """
    if not value.isprintable():  # rare path: newlines, tabs, control or format characters
        value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                .replace("\n", "\\n"))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def fold_line(line: str) -> str:
    """Fold one content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 sequence.

    Continuation lines start with one space, so they carry at most 74 octets of the line.
    """
    if len(line) <= 75 and line.isascii():  # the common case: nothing to measure
        return line
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[bytes] = []
    start, limit, size = 0, 75, len(raw)
    while size - start > limit:
        cut = start + limit
        while raw[cut] & 0xC0 == 0x80:  # never cut before a UTF-8 continuation byte
            cut -= 1
        parts.append(raw[start:cut])
        start, limit = cut, 74
    parts.append(raw[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def _param(value: str) -> str:
    """A parameter value: RFC 6868 caret escaping, quoted when it holds ``: ; ,``."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = value.replace("^", "^^").replace('"', "^'").replace("\n", "^n")
    return f'"{value}"' if any(c in value for c in ":;,") else value


def _uri(value: str, what: str) -> str:
    """A URI value is written verbatim, so refuse anything that could break out of the line."""
    if not value or _URI_FORBIDDEN.search(value):
        raise ValueError(f"{what} is not a valid URI: {value!r}")
    return value


def _mailto(email: str) -> str:
    if "@" not in email:
        raise ValueError(f"not an email address: {email!r}")
    return _uri("mailto:" + email, "email")


def _aware(value: datetime, what: str) -> datetime:
    # astimezone() on a naive datetime silently assumes the server's zone: refuse instead.
    if value.tzinfo is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")
    return value


def _basic(value: datetime) -> str:
    # %-formatting is ~6x faster than strftime(), which consults the tzinfo for every call.
    return "%04d%02d%02dT%02d%02d%02d" % (value.year, value.month, value.day,
                                          value.hour, value.minute, value.second)


def _utc_stamp(value: datetime) -> str:
    return _basic(_aware(value, "last_modified").astimezone(_UTC)) + "Z"


def _when(value: datetime, zone: ZoneInfo | None) -> str:
    """The date-time value part, local in ``zone`` or UTC with ``Z``."""
    if zone is None:
        return _basic(_aware(value, "datetime").astimezone(_UTC)) + "Z"
    return _basic(_aware(value, "datetime").astimezone(zone))


def _dt_line(name: str, value: datetime, zone: ZoneInfo | None, tzid: str) -> str:
    if zone is None or _ambiguous(value, zone):
        return f"{name}:{_when(value, None)}"
    return f"{name};TZID={tzid}:{_when(value, zone)}"


def _ambiguous(value: datetime, zone: ZoneInfo) -> bool:
    """Whether the local wall time of the instant ``value`` also names another instant (the
    autumn fold): clients disagree on which one is meant, so such a time is written in UTC."""
    wall = _aware(value, "datetime").astimezone(zone).replace(tzinfo=None)
    return not _unambiguous_wall(wall, zone)


def _unambiguous_wall(wall: datetime, zone: ZoneInfo) -> bool:
    """A naive wall time that names exactly one instant (neither in a gap nor in a fold)."""
    return wall.replace(tzinfo=zone, fold=0).utcoffset() == wall.replace(tzinfo=zone, fold=1).utcoffset()


def _nominal(value: datetime, zone: ZoneInfo | None) -> str:
    """A RECURRENCE-ID or EXDATE value: naive = the rule's wall time in ``zone``, written as is."""
    if value.tzinfo is None:
        if zone is None:
            raise ValueError("a naive recurrence date needs a time zone other than UTC")
        return _basic(value)
    return _when(value, zone)


def _nominal_line(name: str, value: datetime, zone: ZoneInfo | None, tzid: str) -> str:
    if zone is None:
        return f"{name}:{_when(value, None)}"
    return f"{name};TZID={tzid}:{_nominal(value, zone)}"


def _duration(start: datetime, end: datetime) -> str:
    seconds = int((end - start).total_seconds())
    if seconds <= 0:
        raise ValueError("an event must end after it starts")
    return f"DURATION:PT{seconds // 60}M" if seconds % 60 == 0 else f"DURATION:PT{seconds}S"


def _until_utc(value: str, start: datetime, zone: ZoneInfo | None) -> str:
    """RFC 5545: UNTIL must be UTC when DTSTART has a TZID. A date UNTIL takes DTSTART's time."""
    if len(value) == 16 and value.endswith("Z"):
        datetime.strptime(value, "%Y%m%dT%H%M%SZ")  # validates
        return value
    tz = zone or _UTC
    if len(value) == 8:
        local = datetime.combine(date(int(value[:4]), int(value[4:6]), int(value[6:])),
                                 start.astimezone(tz).time(), tzinfo=tz)
    elif len(value) == 15:
        local = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=tz)
    else:
        raise ValueError(f"RRULE UNTIL is neither a date nor a date-time: {value!r}")
    return _basic(local.astimezone(_UTC)) + "Z"


def _rrule(value: str, start: datetime, zone: ZoneInfo | None) -> str:
    """Normalise an RRULE value: upper case, validated characters, UNTIL in UTC."""
    value = value.strip().upper()
    if value.startswith("RRULE:"):
        value = value[6:]
    if not _RRULE_CHARS.fullmatch(value) or "FREQ=" not in value:
        raise ValueError(f"not an RRULE value: {value!r}")
    parts = []
    for part in value.split(";"):
        key, _, val = part.partition("=")
        if not key or not val:
            raise ValueError(f"malformed RRULE part {part!r}")
        parts.append(f"UNTIL={_until_utc(val, start, zone)}" if key == "UNTIL" else part)
    return ";".join(parts)


def _checked(value: str, allowed: frozenset[str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {sorted(allowed)}, not {value!r}")
    return value


# --- components ---------------------------------------------------------------------------------

def _people(event: Event) -> list[str]:
    lines = []
    if event.organizer is not None:
        email, name = event.organizer
        cn = f";CN={_param(name)}" if name else ""
        lines.append(f"ORGANIZER{cn}:{_mailto(email)}")
    for email, name, partstat in event.attendees:
        cn = f";CN={_param(name)}" if name else ""
        lines.append(f"ATTENDEE{cn};ROLE=REQ-PARTICIPANT;PARTSTAT="
                     f"{_checked(partstat, _PARTSTATS, 'PARTSTAT')};RSVP=FALSE:{_mailto(email)}")
    return lines


def _vevent(head: list[str], middle: list[str], tail: list[str]) -> str:
    lines = ["BEGIN:VEVENT", *head, *middle, *tail, "END:VEVENT"]
    # fold_line's fast path inlined: most lines are short ASCII and need no call at all.
    return CRLF.join([line if len(line) <= 75 and line.isascii() else fold_line(line)
                      for line in lines]) + CRLF


def _texts(summary: str, description: str | None, location: str | None) -> list[str]:
    lines = [f"SUMMARY:{escape_text(summary)}"]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    return lines


def _head_and_tail(event: Event) -> tuple[list[str], list[str]]:
    """The lines every VEVENT of ``event`` shares: UID and stamps first, URL to people last."""
    stamp = _utc_stamp(event.last_modified)
    head = [f"UID:{escape_text(event.uid)}", f"DTSTAMP:{stamp}", f"LAST-MODIFIED:{stamp}"]
    tail = []
    if event.url:
        tail.append(f"URL:{_uri(event.url, 'url')}")
    if event.categories:
        tail.append("CATEGORIES:" + ",".join([escape_text(c) for c in event.categories]))
    tail.append("TRANSP:TRANSPARENT" if event.transparent else "TRANSP:OPAQUE")
    return head, tail + _people(event)


def _pair_zone(start: datetime, end: datetime, zone: ZoneInfo | None) -> ZoneInfo | None:
    """Both in UTC when either is ambiguous: clients mixing a local start with a UTC end differ."""
    return None if zone is not None and (_ambiguous(start, zone) or _ambiguous(end, zone)) else zone


def _master_times(event: Event, zone: ZoneInfo | None, tzid: str, detached: bool) -> list[str]:
    """SEQUENCE, DTSTART and DTEND (or DURATION) of the master VEVENT."""
    if event.rrule and not detached and zone is not None:
        # The rule repeats DTSTART's wall time, so DTSTART stays local even in a gap or fold;
        # DURATION then gives every client the same length (DTEND would be read two ways).
        _aware(event.start, "start")
        nominal = event.rule_start or event.start.astimezone(zone).replace(tzinfo=None)
        special = (event.rule_start is not None or not _unambiguous_wall(nominal, zone)
                   or _ambiguous(event.end, zone)
                   or event.start.astimezone(zone).utcoffset() != event.end.astimezone(zone).utcoffset())
        return [f"SEQUENCE:{event.sequence}", f"DTSTART;TZID={tzid}:{_basic(nominal)}",
                _duration(event.start, event.end) if special else _dt_line("DTEND", event.end, zone, tzid)]
    pair_zone = _pair_zone(event.start, event.end, zone)
    return [f"SEQUENCE:{event.sequence}", _dt_line("DTSTART", event.start, pair_zone, tzid),
            _dt_line("DTEND", event.end, pair_zone, tzid)]


def _recurrence_lines(event: Event, zone: ZoneInfo | None, tzid: str, detached: bool) -> list[str]:
    """RECURRENCE-ID of a detached occurrence, or the RRULE and EXDATE of a series."""
    if detached:
        return [_nominal_line("RECURRENCE-ID", event.recurrence_id, zone, tzid)]
    if event.rrule:
        lines = ["RRULE:" + _rrule(event.rrule, event.start, zone)]
        if event.exdates:
            # Same TZID as DTSTART: clients match EXDATEs against local occurrence times.
            values = ",".join(sorted({_nominal(d, zone) for d in event.exdates}))
            lines.append(f"EXDATE;TZID={tzid}:{values}" if zone else f"EXDATE:{values}")
        return lines
    if event.exdates or event.overrides:
        raise ValueError(f"event {event.uid!r} has exdates or overrides but no rrule")
    return []


def _override_middle(event: Event, ov: Override, zone: ZoneInfo | None, tzid: str) -> list[str]:
    sequence = event.sequence if ov.sequence is None else ov.sequence
    pair_zone = _pair_zone(ov.start, ov.end, zone)
    return [
        f"SEQUENCE:{sequence}",
        _dt_line("DTSTART", ov.start, pair_zone, tzid),
        _dt_line("DTEND", ov.end, pair_zone, tzid),
        _nominal_line("RECURRENCE-ID", ov.recurrence_id, zone, tzid),
        *_texts(ov.summary if ov.summary is not None else event.summary,
                ov.description if ov.description is not None else event.description,
                ov.location if ov.location is not None else event.location),
        f"STATUS:{_checked(ov.status, _STATUSES, 'override status')}",
    ]


def serialize_event(event: Event) -> str:
    """Return the VEVENT block(s) of ``event``: the master, then one VEVENT per override.

    Pure and deterministic (CRLF line ends, folded), so the result can be cached per
    (uid, sequence, last_modified) and passed to :func:`build_calendar` as a string.
    """
    tzid, zone = event.tzid, _zone(event.tzid)
    head, tail = _head_and_tail(event)
    detached = event.recurrence_id is not None
    middle = _master_times(event, zone, tzid, detached)
    middle += _recurrence_lines(event, zone, tzid, detached)
    middle += _texts(event.summary, event.description, event.location)
    middle.append(f"STATUS:{_checked(event.status, _STATUSES, 'status')}")
    blocks = [_vevent(head, middle, tail)]
    if detached:
        return blocks[0]
    for ov in sorted(event.overrides, key=lambda o: o.recurrence_id):
        blocks.append(_vevent(head, _override_middle(event, ov, zone, tzid), tail))
    return "".join(blocks)


def _calendar(header: list[str], blocks: list[str], tzids: Iterable[str], first_tzid: str) -> bytes:
    """Assemble a VCALENDAR: header lines, VTIMEZONEs (``first_tzid`` first), VEVENT blocks."""
    zones = sorted(set(tzids) - {first_tzid})
    zones.insert(0, first_tzid)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", *header]
    text = CRLF.join([fold_line(line) for line in lines]) + CRLF
    return "".join([text, *(vtimezone(t) for t in zones), *blocks, "END:VCALENDAR\r\n"]).encode()


def build_calendar(
    events_or_blocks: Iterable[Event | str],
    *,
    name: str,
    method: str = "PUBLISH",
    description: str | None = None,
    lang: str | None = None,
    tzid: str = DEFAULT_TZID,
) -> bytes:
    """Build a complete feed: one VCALENDAR (UTF-8 bytes) of the given events.

    Items may be :class:`Event` objects or blocks already made by :func:`serialize_event`
    (a cache). ``name`` and ``description`` get RFC 7986 and X-WR- properties, ``lang`` a
    LANGUAGE parameter; ``tzid`` is the calendar's own zone. The VTIMEZONE of ``tzid``
    is always included (it keeps an empty calendar valid), plus one per zone the events use.
    """
    if not _TOKEN.fullmatch(method):
        raise ValueError(f"not a METHOD: {method!r}")
    blocks: list[str] = []
    cached: list[str] = []
    tzids: set[str] = set()
    for item in events_or_blocks:
        if isinstance(item, str):
            blocks.append(item)
            cached.append(item)
        else:
            blocks.append(serialize_event(item))
            tzids.add(item.tzid)
    if cached:
        tzids.update(_BLOCK_TZID.findall("\n" + "".join(cached)))
    if lang is not None and not _TOKEN.fullmatch(lang):
        raise ValueError(f"not a language tag: {lang!r}")
    language = f";LANGUAGE={lang}" if lang else ""
    header = [f"METHOD:{method.upper()}", f"NAME{language}:{escape_text(name)}",
              f"X-WR-CALNAME:{escape_text(name)}"]
    if description:
        header += [f"DESCRIPTION{language}:{escape_text(description)}",
                   f"X-WR-CALDESC:{escape_text(description)}"]
    # Hints for subscribing clients; Google ignores them and polls every 12-24 h anyway.
    # No X-WR-TIMEZONE: it only matters for floating times (there are none), and importers that
    # honour it (the x-wr-timezone library) re-zone UTC times, losing which autumn-fold hour is meant.
    header += ["REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]
    return _calendar(header, blocks, tzids, tzid)


def build_invitation(event: Event, *, method: str) -> bytes:
    """Build an iMIP message body (RFC 6047): a VCALENDAR with METHOD REQUEST or CANCEL.

    CANCEL writes STATUS:CANCELLED and drops overrides; to cancel one occurrence pass an
    event with ``recurrence_id`` set. Callers bump ``sequence`` on every change they send.
    The MIME part must carry the same method: ``text/calendar; method=REQUEST``.
    """
    method = _checked(method.upper(), _ITIP_METHODS, "iMIP method")
    if event.organizer is None or not event.attendees:
        raise ValueError("an iMIP message needs an organizer and at least one attendee")
    if method == "CANCEL":
        event = replace(event, status="CANCELLED", overrides=())
    return _calendar([f"METHOD:{method}"], [serialize_event(event)], {event.tzid}, event.tzid)
