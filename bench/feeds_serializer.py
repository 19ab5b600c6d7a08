"""Feed serialisation speed: app/scheduling/ical.py against the icalendar package building the same events.

Run from the repository root: ``.venv/bin/python bench/feeds_serializer.py``. Prints, for 1,000 and
10,000 events, the best of 3 wall-clock times for a whole feed (VCALENDAR bytes): ical.py from
Event objects, ical.py from cached blocks (what the feed view does on a warm cache), and
icalendar (Calendar/Event objects, then to_ical()), plus the ratio.
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import icalendar  # noqa: E402

from app.scheduling.ical import (  # noqa: E402
    HELSINKI_VTIMEZONE, Event, Override, build_calendar, serialize_event,
)

HEL = ZoneInfo("Europe/Helsinki")
STAMP = datetime(2026, 9, 1, 8, 30, tzinfo=timezone.utc)


def make_events(count: int) -> list[Event]:
    """Realistic mix: half are weekly series with an exdate, every tenth has a moved occurrence."""
    events = []
    for i in range(count):
        start = datetime(2026, 10, 6, 17, tzinfo=HEL) + timedelta(days=i % 300, hours=i % 5)
        recurring = i % 2 == 0
        events.append(Event(
            uid=f"meeting-{i}@kohtaamo.hel.fi",
            summary=f"Järjestöjen kokous {i}: nuoret, kulttuuri; yhteistyö",
            description=("Asialista:\n1. Tervetuloa\n2. Kaupungin kuulumiset, järjestöjen vuoro\n"
                         "3. Muut asiat – välkommen, även på svenska! 🎉"),
            location="Kallion kirjasto, Viides linja 11, 00530 Helsinki",
            url=f"https://kohtaamo.hel.fi/meetings/{i}",
            start=start, end=start + timedelta(hours=2), last_modified=STAMP, sequence=i % 4,
            rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20270615" if recurring else None,
            exdates=[start + timedelta(weeks=2)] if recurring else [],
            overrides=[Override(recurrence_id=start + timedelta(weeks=1),
                                start=start + timedelta(weeks=1, hours=1),
                                end=start + timedelta(weeks=1, hours=3))] if i % 10 == 0 else [],
            categories=["Nuoret", "Kulttuuri"],
        ))
    return events


def with_icalendar(events: list[Event]) -> bytes:
    """The same feed built with the icalendar package (its own escaping, folding and UNTIL)."""
    cal = icalendar.Calendar()
    for key, value in [("VERSION", "2.0"), ("PRODID", "-//City of Helsinki//Kohtaamo//FI"),
                       ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH"), ("X-WR-CALNAME", "Kohtaamo")]:
        cal.add(key, value)
    cal.add_component(icalendar.Timezone.from_ical(HELSINKI_VTIMEZONE))

    def vevent(ev: Event, start: datetime, end: datetime) -> icalendar.Event:
        item = icalendar.Event()
        item.add("UID", ev.uid)
        item.add("DTSTAMP", ev.last_modified)
        item.add("LAST-MODIFIED", ev.last_modified)
        item.add("SEQUENCE", ev.sequence)
        item.add("DTSTART", start)
        item.add("DTEND", end)
        item.add("SUMMARY", ev.summary)
        item.add("DESCRIPTION", ev.description)
        item.add("LOCATION", ev.location)
        item.add("URL", ev.url)
        item.add("CATEGORIES", list(ev.categories))
        item.add("STATUS", ev.status)
        item.add("TRANSP", "OPAQUE")
        return item

    for ev in events:
        master = vevent(ev, ev.start, ev.end)
        if ev.rrule:
            master.add("RRULE", icalendar.vRecur.from_ical(ev.rrule))
            for exdate in ev.exdates:
                master.add("EXDATE", exdate)
        cal.add_component(master)
        for ov in ev.overrides:
            override = vevent(ev, ov.start, ov.end)
            override.add("RECURRENCE-ID", ov.recurrence_id)
            cal.add_component(override)
    return cal.to_ical()


def best_of_3(build: Callable[[], bytes]) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(3):
        started = time.perf_counter()
        size = len(build())
        times.append(time.perf_counter() - started)
    return min(times), size


def main() -> None:
    print(f"{'events':>7} {'ical.py':>9} {'cached':>9} {'icalendar':>10} {'ratio':>7}  feed size")
    for count in (1_000, 10_000):
        events = make_events(count)
        ours, size = best_of_3(lambda: build_calendar(events, name="Kohtaamo", lang="fi"))
        blocks = [serialize_event(ev) for ev in events]
        cached, _ = best_of_3(lambda: build_calendar(blocks, name="Kohtaamo", lang="fi"))
        theirs, their_size = best_of_3(lambda: with_icalendar(events))
        print(f"{count:>7} {ours:>8.3f}s {cached:>8.3f}s {theirs:>9.3f}s {theirs / ours:>6.1f}x"
              f"  {size / 1e6:.1f} MB (icalendar {their_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
