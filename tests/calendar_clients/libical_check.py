"""Expand iCalendar objects with libical (the library under Evolution), through GObject
introspection: Debian's gir1.2-ical-3.0 + python3-gi, so run with Debian's /usr/bin/python3.

stdin: JSON [{"name": ..., "ics": ..., "start": epoch, "end": epoch}, ...]
stdout: JSON {name: {"instances": [{uid, start, end, status, summary}], "errors": [...]}}
Times are UTC epoch seconds. Overrides (RECURRENCE-ID) replace the instance whose start they
name, as Evolution does; EXDATEs and RRULEs are libical's own (icalcomponent_foreach_recurrence).
"errors" are libical's X-LIC-ERROR findings, including its iTIP restriction check for the METHOD.
"""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402

VEVENT = I.ComponentKind.VEVENT_COMPONENT


def children(component, kind):
    child = component.get_first_component(kind)
    while child is not None:
        yield child
        child = component.get_next_component(kind)


def props(component, kind):
    prop = component.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = component.get_next_property(kind)


def epoch(value, root):
    """A property's time as UTC epoch seconds, its TZID resolved against the calendar."""
    zone = value.get_timezone()
    return I.Time.as_timet_with_zone(value, zone) if zone is not None else value.as_timet()


def rid_epoch(vevent, root):
    prop = vevent.get_first_property(I.PropertyKind.RECURRENCEID_PROPERTY)
    if prop is None:
        return None
    value = prop.get_recurrenceid()
    tzid = prop.get_parameter_as_string("TZID")
    if tzid:
        zone = root.get_timezone(tzid) or I.Timezone.get_builtin_timezone(tzid)
        value.set_timezone(zone)
    return epoch(value, root)


def errors(root):
    text = root.as_ical_string().replace("\r\n ", "")
    return [line for line in text.split("\r\n") if line.startswith("X-LIC-ERROR")]


def expand(text, start, end):
    root = I.Component.new_from_string(text)
    if root is None or root.isa() != I.ComponentKind.VCALENDAR_COMPONENT:
        raise ValueError("not a VCALENDAR")
    root.check_restrictions()  # adds X-LIC-ERROR for what the METHOD requires (iTIP)
    problems = errors(root)
    vevents = list(children(root, VEVENT))
    masters = {v.get_uid() for v in vevents if v.get_first_property(I.PropertyKind.RECURRENCEID_PROPERTY) is None}
    overrides = {}
    for vevent in vevents:
        rid = rid_epoch(vevent, root)
        if rid is not None:
            overrides[(vevent.get_uid(), rid)] = vevent
    out = []

    def row(vevent, begin, finish):
        status = vevent.get_status()
        return {"uid": vevent.get_uid(), "start": begin, "end": finish, "summary": vevent.get_summary(),
                "status": I.Property.status_to_string(status) if status != I.PropertyStatus.NONE else None}

    for vevent in vevents:
        uid = vevent.get_uid()
        rid = rid_epoch(vevent, root)
        if rid is not None:
            if uid not in masters:  # a lone instance: shown as it is
                out.append(row(vevent, epoch(vevent.get_dtstart(), root), epoch(vevent.get_dtend(), root)))
            continue
        spans = []

        def collect(component, span, data):
            spans.append((span.get_start(), span.get_end()))

        vevent.foreach_recurrence(I.Time.new_from_timet_with_zone(start, 0, I.Timezone.get_utc_timezone()),
                                  I.Time.new_from_timet_with_zone(end, 0, I.Timezone.get_utc_timezone()),
                                  collect, None)
        for begin, finish in spans:
            override = overrides.get((uid, begin))
            if override is not None:
                out.append(row(override, epoch(override.get_dtstart(), root), epoch(override.get_dtend(), root)))
            else:
                out.append(row(vevent, begin, finish))
    return out, problems


def main():
    result = {}
    for item in json.load(sys.stdin):
        instances, problems = expand(item["ics"], item["start"], item["end"])
        result[item["name"]] = {"instances": instances, "errors": problems}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
