"""VTIMEZONE blocks in RRULE form, built from a zone's current POSIX rule (TZif footer)."""
from __future__ import annotations

import io
import re
import struct
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo

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


@lru_cache(maxsize=64)
def _zone(tzid: str) -> ZoneInfo | None:
    """The zone to write times in; ``None`` means UTC (``Z`` times, no VTIMEZONE)."""
    return None if tzid in _UTC_TZIDS else ZoneInfo(tzid)


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
