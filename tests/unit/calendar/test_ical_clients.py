"""Feeds and invitations parsed and expanded by ical.js, compared with dateutil's expansion.

ical.js is an independent implementation (Thunderbird, Nextcloud); ``npm ci`` installs it
(``make install-dev`` does). Every occurrence is compared in UTC, so a series that keeps 17:00
local time across a DST change shows up as a +3 → +2 hour offset change.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import TU, WEEKLY, rrule, rrulestr

from app.scheduling.ical import HELSINKI_VTIMEZONE, Event, Override, build_calendar, build_invitation

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "tests" / "js" / "ical_check.mjs"
HEL = ZoneInfo("Europe/Helsinki")
UTC = timezone.utc
STAMP = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
TWO_HOURS = timedelta(hours=2)


@pytest.fixture(scope="module", autouse=True)
def _ical_js_available() -> None:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.fail("these tests need node and ical.js: run `npm ci` in the repository root")


def ical_js(data: bytes, limit: int = 200) -> list[dict]:
    """Occurrences as ical.js sees them; asserts that no time is floating."""
    proc = subprocess.run([shutil.which("node"), str(SCRIPT), str(limit)], input=data,
                          capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    occurrences = json.loads(proc.stdout)
    assert occurrences, "ical.js found no occurrences"
    assert not [o for o in occurrences if o["floating"]]
    return occurrences


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def expected(starts, *, summary="Kokous", moved=None, cancelled=(), tzid="Europe/Helsinki"):
    """The occurrences ical.js should report, from dateutil's start times (two hours each)."""
    moved = moved or {}
    rows = []
    for start in starts:
        new_start = moved.get(start, start)
        rows.append({"start": iso(new_start), "end": iso(new_start + TWO_HOURS), "tzid": tzid,
                     "status": "CANCELLED" if start in cancelled else "CONFIRMED", "summary": summary})
    return rows


def seen(occurrences: list[dict]) -> list[dict]:
    return [{k: o[k] for k in ("start", "end", "tzid", "status", "summary")} for o in occurrences]


def series(rule: str, start: datetime, **changes) -> Event:
    return replace(Event(uid="series@kohtaamo.hel.fi", summary="Kokous", start=start,
                         end=start + TWO_HOURS, last_modified=STAMP, rrule=rule), **changes)


TUESDAY = datetime(2026, 10, 6, 17, tzinfo=HEL)  # weekly from here crosses 25 Oct 2026 and 28 Mar 2027


def test_weekly_series_keeps_local_time_across_both_dst_changes():
    rule = "FREQ=WEEKLY;BYDAY=TU;COUNT=30"
    got = ical_js(build_calendar([series(rule, TUESDAY)], name="K"))
    starts = list(rrulestr(rule, dtstart=TUESDAY))
    assert seen(got) == expected(starts)
    hours = {o["start"][11:16] for o in got}
    assert hours == {"14:00", "15:00"}  # 17:00 at +3 in summer, at +2 in winter
    assert got[2]["start"] == "2026-10-20T14:00:00.000Z" and got[3]["start"] == "2026-10-27T15:00:00.000Z"
    assert got[24]["start"] == "2027-03-23T15:00:00.000Z" and got[25]["start"] == "2027-03-30T14:00:00.000Z"


def test_second_tuesday_of_every_month():
    rule = "FREQ=MONTHLY;BYDAY=2TU;COUNT=12"
    start = datetime(2026, 9, 8, 17, tzinfo=HEL)
    got = ical_js(build_calendar([series(rule, start)], name="K"))
    starts = list(rrulestr(rule, dtstart=start))
    assert seen(got) == expected(starts)
    assert [datetime.fromisoformat(o["start"]).astimezone(HEL).day for o in got][:4] == [8, 13, 10, 8]


@pytest.mark.parametrize("until", ["20270330T170000", "20270330"])
def test_local_until_is_converted_and_still_includes_the_last_day(until):
    got = ical_js(build_calendar([series(f"FREQ=WEEKLY;BYDAY=TU;UNTIL={until}", TUESDAY)], name="K"))
    starts = list(rrule(WEEKLY, byweekday=TU, dtstart=TUESDAY, until=datetime(2027, 3, 30, 17, tzinfo=HEL)))
    assert seen(got) == expected(starts)
    assert got[-1]["start"] == "2027-03-30T14:00:00.000Z"


def test_exdate_override_and_cancelled_occurrence():
    rule = "FREQ=WEEKLY;BYDAY=TU;COUNT=8"
    starts = list(rrulestr(rule, dtstart=TUESDAY))
    skipped, moved_from, cancelled = starts[1], starts[2], starts[4]
    moved_to = datetime(2026, 10, 21, 18, tzinfo=HEL)
    event = series(rule, TUESDAY, exdates=[skipped], overrides=[
        Override(recurrence_id=moved_from, start=moved_to, end=moved_to + TWO_HOURS),
        Override(recurrence_id=cancelled, start=cancelled, end=cancelled + TWO_HOURS, status="CANCELLED"),
    ])
    got = ical_js(build_calendar([event], name="K"))
    remaining = [s for s in starts if s != skipped]
    assert seen(got) == expected(remaining, moved={moved_from: moved_to}, cancelled={cancelled})
    assert [o["status"] for o in got].count("CANCELLED") == 1


def test_several_series_and_zones_in_one_feed():
    new_york = ZoneInfo("America/New_York")
    ny_start = datetime(2026, 10, 27, 9, tzinfo=new_york)  # crosses the US change on 1 Nov 2026
    single = Event(uid="one@k", summary="Kerran", start=datetime(2026, 12, 1, 10, tzinfo=HEL),
                   end=datetime(2026, 12, 1, 12, tzinfo=HEL), last_modified=STAMP)
    utc_event = Event(uid="utc@k", summary="UTC", start=datetime(2026, 12, 1, 10, tzinfo=UTC),
                      end=datetime(2026, 12, 1, 12, tzinfo=UTC), last_modified=STAMP, tzid="UTC")
    data = build_calendar([series("FREQ=DAILY;COUNT=10", ny_start, uid="ny@k", tzid="America/New_York"),
                           single, utc_event, series("FREQ=WEEKLY;COUNT=3", TUESDAY)], name="K")
    got = ical_js(data)
    by_uid: dict[str, list[dict]] = {}
    for occurrence in got:
        by_uid.setdefault(occurrence["uid"], []).append(occurrence)
    ny_starts = list(rrulestr("FREQ=DAILY;COUNT=10", dtstart=ny_start))
    assert seen(by_uid["ny@k"]) == expected(ny_starts, tzid="America/New_York")
    assert {o["start"][11:13] for o in by_uid["ny@k"]} == {"13", "14"}
    assert seen(by_uid["one@k"]) == [{"start": "2026-12-01T08:00:00.000Z", "end": "2026-12-01T10:00:00.000Z",
                                      "tzid": "Europe/Helsinki", "status": "CONFIRMED", "summary": "Kerran"}]
    assert by_uid["utc@k"][0]["tzid"] == "UTC" and by_uid["utc@k"][0]["start"] == "2026-12-01T10:00:00.000Z"
    assert len(by_uid["series@kohtaamo.hel.fi"]) == 3


def test_invitations_parse_in_ical_js():
    event = series("FREQ=WEEKLY;BYDAY=TU;COUNT=4", TUESDAY, sequence=1,
                   organizer=("kohtaamo@hel.fi", "Helsingin kaupunki"),
                   attendees=[("maija@example.org", "Maija Mäkinen", "ACCEPTED")])
    starts = list(rrulestr(event.rrule, dtstart=TUESDAY))
    assert seen(ical_js(build_invitation(event, method="REQUEST"))) == expected(starts)
    assert seen(ical_js(build_invitation(event, method="CANCEL"))) == expected(starts, cancelled=set(starts))

    one = replace(event, recurrence_id=starts[3], start=starts[3], end=starts[3] + TWO_HOURS, sequence=2)
    assert seen(ical_js(build_invitation(one, method="CANCEL"))) == expected(
        [starts[3]], cancelled={starts[3]})


def test_checker_reports_floating_times_and_parse_errors():
    """The harness itself: without the VTIMEZONE ical.js has to treat the times as floating."""
    data = build_calendar([series("FREQ=WEEKLY;COUNT=2", TUESDAY)], name="K")
    stripped = data.replace(HELSINKI_VTIMEZONE.encode(), b"")
    proc = subprocess.run([shutil.which("node"), str(SCRIPT), "5"], input=stripped,
                          capture_output=True, cwd=ROOT, timeout=60, check=True)
    assert all(o["floating"] for o in json.loads(proc.stdout))

    broken = subprocess.run([shutil.which("node"), str(SCRIPT)], input=b"BEGIN:VCALENDAR\r\nnonsense\r\n",
                            capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert broken.returncode != 0 and b"ical.js" in broken.stderr


@pytest.mark.parametrize("tzid", [
    "America/New_York", "America/Santiago", "America/Nuuk", "America/St_Johns", "Asia/Jerusalem",
    "Australia/Sydney", "Pacific/Chatham", "Europe/Dublin", "Europe/London", "Asia/Kolkata",
])
def test_generated_vtimezones_give_zoneinfo_times_in_ical_js(tzid):
    zone = ZoneInfo(tzid)
    start = datetime(2026, 1, 1, 12, tzinfo=zone)
    event = series("FREQ=DAILY;COUNT=1096", start, uid=f"{tzid}@k", tzid=tzid)
    got = ical_js(build_calendar([event], name="K"), limit=2000)
    assert seen(got) == expected(list(rrulestr(event.rrule, dtstart=start)), tzid=tzid)
