// Parse an .ics from stdin with ical.js (an independent parser, the one Thunderbird/Nextcloud use)
// and print every occurrence as JSON, so the Python tests can compare it with dateutil.
//
// Usage: node tests/js/ical_check.mjs [LIMIT] < feed.ics
// Output: [{uid, start, end, tzid, floating, status, summary}, ...] with start/end in UTC ISO.
// Each series is expanded to at most LIMIT (default 500) occurrences, with EXDATEs removed and
// RECURRENCE-ID overrides applied. A detached occurrence without its series (an iMIP message
// about one occurrence) is printed as it is. Exit status 1 on any parse error.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const limit = Number.parseInt(process.argv[2] ?? "500", 10);
if (!Number.isInteger(limit) || limit < 1) {
  console.error(`bad LIMIT: ${process.argv[2]}`);
  process.exit(2);
}

const isFloating = (time) => time.zone === ICAL.Timezone.localTimezone;
const utcIso = (time) => new Date(time.toUnixTime() * 1000).toISOString();

function occurrence(item, start, end) {
  // A TZID without a matching VTIMEZONE leaves the time in the "floating" zone: report it.
  return {
    uid: item.uid,
    start: utcIso(start),
    end: utcIso(end),
    tzid: start.zone.tzid,
    floating: isFloating(start) || isFloating(end),
    status: item.component.getFirstPropertyValue("status"),
    summary: item.summary,
  };
}

try {
  const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
  if (root.name !== "vcalendar") throw new Error(`top-level component is ${root.name}`);
  // Register zones before any time value is read: values are decoded lazily on first access.
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
  const vevents = root.getAllSubcomponents("vevent");
  const isOverride = (c) => c.hasProperty("recurrence-id");
  const masters = new Set(vevents.filter((c) => !isOverride(c)).map((c) => c.getFirstPropertyValue("uid")));
  const out = [];
  for (const component of vevents) {
    const uid = component.getFirstPropertyValue("uid");
    if (isOverride(component)) {
      if (!masters.has(uid)) {
        const detached = new ICAL.Event(component);
        out.push(occurrence(detached, detached.startDate, detached.endDate));
      }
      continue;
    }
    const exceptions = vevents.filter((c) => isOverride(c) && c.getFirstPropertyValue("uid") === uid);
    const event = new ICAL.Event(component, { exceptions, strictExceptions: true });
    if (!event.isRecurring()) {
      out.push(occurrence(event, event.startDate, event.endDate));
      continue;
    }
    const iterator = event.iterator();
    for (let next = iterator.next(), n = 0; next && n < limit; next = iterator.next(), n++) {
      const details = event.getOccurrenceDetails(next);
      out.push(occurrence(details.item, details.startDate, details.endDate));
    }
  }
  process.stdout.write(JSON.stringify(out));
} catch (error) {
  console.error(`ical.js: ${error.stack ?? error}`);
  process.exit(1);
}
