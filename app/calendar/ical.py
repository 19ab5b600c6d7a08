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

import io
import re
import struct
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo

__all__ = [
    "DEFAULT_TZID", "HELSINKI_VTIMEZONE", "PRODID", "Event", "Override", "build_calendar",
    "build_invitation", "escape_text", "fold_line", "serialize_event", "vtimezone",
]

PRODID = "-//City of Helsinki//Kohtaamo//FI"
DEFAULT_TZID = "Europe/Helsinki"
CRLF = "\r\n"

# RRULE form on purpose: Outlook is reported to shift times by an hour with the RDATE form that
# icalendar's add_missing_timezones() emits. DTSTART is the first onset in local "from" time.
HELSINKI_VTIMEZONE = CRLF.join([
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Helsinki",
    "X-LIC-LOCATION:Europe/Helsinki",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "TZNAME:EEST",
    "DTSTART:19700329T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "TZNAME:EET",
    "DTSTART:19701025T040000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]) + CRLF

_UTC = timezone.utc
_UTC_TZIDS = frozenset({"UTC", "Etc/UTC"})
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


@lru_cache(maxsize=64)
def _zone(tzid: str) -> ZoneInfo | None:
    """The zone to write times in; ``None`` means UTC (``Z`` times, no VTIMEZONE)."""
    return None if tzid in _UTC_TZIDS else ZoneInfo(tzid)


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


def serialize_event(event: Event) -> str:
    """Return the VEVENT block(s) of ``event``: the master, then one VEVENT per override.

    Pure and deterministic (CRLF line ends, folded), so the result can be cached per
    (uid, sequence, last_modified) and passed to :func:`build_calendar` as a string.
    """
    tzid, zone = event.tzid, _zone(event.tzid)
    stamp = _utc_stamp(event.last_modified)
    head = [f"UID:{escape_text(event.uid)}", f"DTSTAMP:{stamp}", f"LAST-MODIFIED:{stamp}"]
    tail = []
    if event.url:
        tail.append(f"URL:{_uri(event.url, 'url')}")
    if event.categories:
        tail.append("CATEGORIES:" + ",".join([escape_text(c) for c in event.categories]))
    tail.append("TRANSP:TRANSPARENT" if event.transparent else "TRANSP:OPAQUE")
    tail += _people(event)

    def texts(summary: str, description: str | None, location: str | None) -> list[str]:
        lines = [f"SUMMARY:{escape_text(summary)}"]
        if description:
            lines.append(f"DESCRIPTION:{escape_text(description)}")
        if location:
            lines.append(f"LOCATION:{escape_text(location)}")
        return lines

    detached = event.recurrence_id is not None
    if event.rrule and not detached and zone is not None:
        # The rule repeats DTSTART's wall time, so DTSTART stays local even in a gap or fold;
        # DURATION then gives every client the same length (DTEND would be read two ways).
        _aware(event.start, "start")
        nominal = event.rule_start or event.start.astimezone(zone).replace(tzinfo=None)
        special = (event.rule_start is not None or not _unambiguous_wall(nominal, zone)
                   or _ambiguous(event.end, zone)
                   or event.start.astimezone(zone).utcoffset() != event.end.astimezone(zone).utcoffset())
        middle = [f"SEQUENCE:{event.sequence}", f"DTSTART;TZID={tzid}:{_basic(nominal)}",
                  _duration(event.start, event.end) if special else _dt_line("DTEND", event.end, zone, tzid)]
    else:
        # Both in UTC when either is ambiguous: clients mixing a local start with a UTC end differ.
        pair_zone = None if zone is not None and (_ambiguous(event.start, zone) or _ambiguous(event.end, zone)) \
            else zone
        middle = [f"SEQUENCE:{event.sequence}", _dt_line("DTSTART", event.start, pair_zone, tzid),
                  _dt_line("DTEND", event.end, pair_zone, tzid)]
    if detached:
        middle.append(_nominal_line("RECURRENCE-ID", event.recurrence_id, zone, tzid))
    elif event.rrule:
        middle.append("RRULE:" + _rrule(event.rrule, event.start, zone))
        if event.exdates:
            # Same TZID as DTSTART: clients match EXDATEs against local occurrence times.
            values = ",".join(sorted({_nominal(d, zone) for d in event.exdates}))
            middle.append(f"EXDATE;TZID={tzid}:{values}" if zone else f"EXDATE:{values}")
    elif event.exdates or event.overrides:
        raise ValueError(f"event {event.uid!r} has exdates or overrides but no rrule")
    middle += texts(event.summary, event.description, event.location)
    middle.append(f"STATUS:{_checked(event.status, _STATUSES, 'status')}")
    blocks = [_vevent(head, middle, tail)]
    if detached:
        return blocks[0]

    for ov in sorted(event.overrides, key=lambda o: o.recurrence_id):
        sequence = event.sequence if ov.sequence is None else ov.sequence
        pair_zone = None if zone is not None and (_ambiguous(ov.start, zone) or _ambiguous(ov.end, zone)) else zone
        middle = [
            f"SEQUENCE:{sequence}",
            _dt_line("DTSTART", ov.start, pair_zone, tzid),
            _dt_line("DTEND", ov.end, pair_zone, tzid),
            _nominal_line("RECURRENCE-ID", ov.recurrence_id, zone, tzid),
            *texts(ov.summary if ov.summary is not None else event.summary,
                   ov.description if ov.description is not None else event.description,
                   ov.location if ov.location is not None else event.location),
            f"STATUS:{_checked(ov.status, _STATUSES, 'override status')}",
        ]
        blocks.append(_vevent(head, middle, tail))
    return "".join(blocks)


# --- time zones -----------------------------------------------------------------------------------

# The POSIX TZ string that ends every TZif v2+ file: the zone's current rule, e.g.
# "EET-2EEST,M3.5.0/3,M10.5.0/4". Names are letters or <+03>-style; offsets count west of UTC.
_POSIX_TZ = re.compile(
    r"(?P<std><[^>]+>|[A-Za-z]{3,})(?P<std_off>[+-]?[\d:]+)"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]{3,})(?P<dst_off>[+-]?[\d:]+)?"
    r",(?P<on>M\d+\.\d\.\d(?:/[+-]?[\d:]+)?),(?P<off>M\d+\.\d\.\d(?:/[+-]?[\d:]+)?))?")
_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX day numbers: 0 = Sunday


def _seconds(text: str) -> int:
    """``[+-]hh[:mm[:ss]]`` as seconds."""
    sign = -1 if text.startswith("-") else 1
    h, m, s = ([int(p) for p in text.lstrip("+-").split(":")] + [0, 0])[:3]
    return sign * (h * 3600 + m * 60 + s)


def _offset(seconds: int) -> str:
    h, rest = divmod(abs(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{'-' if seconds < 0 else '+'}{h:02d}{m:02d}" + (f"{s:02d}" if s else "")


def _onset(rule: str) -> tuple[str, str]:
    """DTSTART (the 1970 onset, local time) and RRULE line for a POSIX ``Mm.w.d[/time]`` rule."""
    spec, _, at = rule[1:].partition("/")
    month, week, day = (int(p) for p in spec.split("."))
    shift, secs = divmod(_seconds(at) if at else 7200, 86400)  # "/26" or "/-1" move the day
    if shift == 0:
        byday = f"BYDAY={-1 if week == 5 else week}{_DAYS[day]}"
    else:  # e.g. Israel "M3.4.4/26": a Friday in the 7-day window after the 4th Thursday's
        length = monthrange(2001, month)[1]
        low = (length - 6 if week == 5 else 7 * week - 6) + shift
        if low < 1 or low + 6 > length or (week == 5 and month == 2):
            raise ValueError(f"no RRULE for the time zone rule {rule!r}")
        days = ",".join(str(d) for d in range(low, low + 7))
        byday = f"BYDAY={_DAYS[(day + shift) % 7]};BYMONTHDAY={days}"
    mday = 1 + (day - (date(1970, month, 1).weekday() + 1)) % 7 + 7 * (week - 1)
    if mday > monthrange(1970, month)[1]:  # week 5 means "the last one"
        mday -= 7
    onset = datetime(1970, month, mday) + timedelta(days=shift, seconds=secs)
    return format(onset, "%Y%m%dT%H%M%S"), f"RRULE:FREQ=YEARLY;BYMONTH={month};{byday}"


def _posix_rule(tzid: str) -> str:
    """The POSIX TZ footer of the zone's TZif file, looked up where zoneinfo looks."""
    for root in TZPATH:
        path = Path(root, tzid)
        if path.is_file():
            data = path.read_bytes()
            break
    else:
        data = resources.files("tzdata").joinpath("zoneinfo", *tzid.split("/")).read_bytes()
    if data[:4] != b"TZif" or data[4:5] not in (b"2", b"3", b"4") or not data.endswith(b"\n"):
        raise ValueError(f"no POSIX rule in the TZif data of {tzid}")
    return data[data.rindex(b"\n", 0, len(data) - 1) + 1:-1].decode("ascii")


def _rule_is_current(tzid: str, rule: str) -> bool:
    """Whether the zone follows ``rule`` alone in 2026-2037 (Morocco's Ramadan changes do not)."""
    # zoneinfo itself reads a TZif with no transitions: only the rule, for all times.
    block = struct.pack(">6l", 0, 0, 0, 0, 1, 1) + struct.pack(">lBB", 0, 0, 0) + b"\0"
    header = b"TZif2" + bytes(15)
    by_rule = ZoneInfo.from_file(io.BytesIO(b"".join([header, block, header, block, b"\n",
                                                       rule.encode("ascii"), b"\n"])))
    zone, moment = ZoneInfo(tzid), datetime(2026, 1, 1, tzinfo=_UTC)
    while moment.year < 2038:
        if moment.astimezone(zone).utcoffset() != moment.astimezone(by_rule).utcoffset():
            return False
        moment += timedelta(days=6, hours=5)
    return True


def _rrule_vtimezone(tzid: str) -> str:
    """A VTIMEZONE in RRULE form built from the zone's current rule."""
    rule = _posix_rule(tzid)
    match = _POSIX_TZ.fullmatch(rule)
    if match is None or not _rule_is_current(tzid, rule):
        raise ValueError(f"no RRULE form for {tzid}")
    std = -_seconds(match["std_off"])
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}", f"X-LIC-LOCATION:{tzid}"]
    if match["dst"] is None:
        lines += ["BEGIN:STANDARD", f"TZOFFSETFROM:{_offset(std)}", f"TZOFFSETTO:{_offset(std)}",
                  f"TZNAME:{match['std'].strip('<>')}", "DTSTART:19700101T000000", "END:STANDARD"]
    else:
        dst = -_seconds(match["dst_off"]) if match["dst_off"] else std + 3600
        # Ireland's rule has "daylight" time in winter: label the higher offset DAYLIGHT anyway.
        kinds = ("DAYLIGHT", "STANDARD") if dst > std else ("STANDARD", "DAYLIGHT")
        for kind, name, before, after, onset in ((kinds[0], match["dst"], std, dst, match["on"]),
                                                 (kinds[1], match["std"], dst, std, match["off"])):
            dtstart, rrule = _onset(onset)
            lines += [f"BEGIN:{kind}", f"TZOFFSETFROM:{_offset(before)}", f"TZOFFSETTO:{_offset(after)}",
                      f"TZNAME:{name.strip('<>')}", f"DTSTART:{dtstart}", rrule, f"END:{kind}"]
    lines.append("END:VTIMEZONE")
    return CRLF.join(lines) + CRLF


@lru_cache(maxsize=32)
def vtimezone(tzid: str) -> str:
    """The VTIMEZONE block for ``tzid`` ("" for UTC), in RRULE form.

    Helsinki is a constant. Other zones are built from their current rule (it then also applies
    to times before it took effect). Zones that an RRULE cannot describe in 2026-2037 (Egypt,
    Morocco) fall back to ``icalendar``'s RDATE form, of which ical.js reads only the first date.
    """
    if tzid == DEFAULT_TZID:
        return HELSINKI_VTIMEZONE
    if _zone(tzid) is None:
        return ""
    try:
        return _rrule_vtimezone(tzid)
    except (OSError, ValueError):
        from icalendar import Timezone  # lazy: slow to import and hardly ever needed

        return Timezone.from_tzid(tzid).to_ical().decode("utf-8")


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
