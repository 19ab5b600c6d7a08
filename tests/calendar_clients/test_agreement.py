"""Four independent clients read every feed kind in every language, and each registrant's mail is
replayed into calendar stores; all must show exactly what the API says (UTC instants and durations).

Rows of the agreement table are the cases of ``scenario.CASES``; columns are libical, ical.js,
recurring-ical-events, Radicale (CalDAV, server-side expansion) and the invitation replay.
"""
from __future__ import annotations

import pytest

from tests.calendar_clients import clients
from tests.calendar_clients.scenario import CASES, Captured, build

CLIENTS = ("libical", "ical.js", "recurring-ical-events", "radicale")


@pytest.fixture(scope="module")
def world(app, radicale, calendar_clients_ready, make_module):
    """The scenario, built once, and what every client shows of every feed."""
    captured = build(app, app.test_client(), make_module)
    seen: dict[str, dict[str, list[tuple]]] = {c: {} for c in CLIENTS}
    problems: dict[str, list[str]] = {}
    for name, (rows, errors) in clients.libical(captured.feeds).items():
        seen["libical"][name] = rows
        problems[name] = errors
    for name, data in captured.feeds.items():
        seen["ical.js"][name] = clients.ical_js(data)
        seen["recurring-ical-events"][name] = clients.recurring(data)
        seen["radicale"][name] = radicale.expanded(radicale.store(data))  # PUT must accept every object
    return captured, seen, problems


def _case_rows(rows: list[tuple], titles: set[str], space: bool) -> list[tuple]:
    """(summary, start, end, status) of the instances that belong to the case."""
    if space:  # busy blocks: no title in a public feed
        return sorted(("*", s, e, st) for _uid, _summary, s, e, st in rows)
    return sorted((summary, s, e, st) for _uid, summary, s, e, st in rows if summary in titles)


def _feeds_of(captured: Captured, case: str) -> list[str]:
    return [n for n, c in captured.feed_cases.items() if c in (case, None)]


@pytest.mark.parametrize("client_name", CLIENTS)
@pytest.mark.parametrize("case", list(CASES))
def test_client_shows_what_the_api_says(world, case, client_name):
    captured, seen, _problems = world
    titles = captured.titles[case]
    checked = 0
    for name in _feeds_of(captured, case):
        space = name.startswith("spaces/")
        want = _case_rows([("", *row) for row in captured.expected[name]], titles, space)
        got = _case_rows(seen[client_name][name], titles, space)
        assert got == want, f"{client_name} on {name}: extra {sorted(set(got) - set(want))[:5]}, " \
                            f"missing {sorted(set(want) - set(got))[:5]}"
        checked += len(want)
    assert checked > 0


def test_every_instance_has_a_positive_length_and_no_feed_is_flagged_by_libical(world):
    captured, seen, problems = world
    assert {name: errors for name, errors in problems.items() if errors} == {}
    for client_name, feeds in seen.items():
        for name, rows in feeds.items():
            assert all(start < end for _u, _s, start, end, _st in rows), (client_name, name)
    assert all(b"ORGANIZER" in data for data in captured.feeds.values())


def test_standalone_objects_are_valid_alone(world):
    """Personal feeds and single dates hold no lone RECURRENCE-ID instance (CalDAV would refuse it)."""
    captured, _seen, _problems = world
    for name, data in captured.feeds.items():
        if name.startswith(("u/", "occurrences/")):
            assert b"RECURRENCE-ID" not in data, name


# --- invitations ---------------------------------------------------------------------------------

def _stamp(component) -> tuple[int, str]:
    return int(component.get("SEQUENCE", 0)), component.decoded("DTSTAMP").isoformat()


def replay(messages: list[tuple[str, bytes]], radicale) -> tuple[list[tuple], list[tuple]]:
    """RFC 5546 in a UID-keyed store and in a CalDAV calendar: a REQUEST creates or replaces
    the object unless it is older (SEQUENCE, then DTSTAMP) than the one held; a CANCEL removes it
    unless older. Returns (store rows, CalDAV rows) as (summary, start, end, status)."""
    import icalendar

    store: dict[str, object] = {}
    calendar = radicale.new_calendar()
    for method, ics in messages:
        parsed = icalendar.Calendar.from_ical(ics)
        assert str(parsed["METHOD"]) == method
        events = parsed.walk("VEVENT")
        assert len(events) == 1
        event = events[0]
        uid = str(event["UID"])
        held = store.get(uid)
        if held is not None and _stamp(event) < _stamp(held):
            continue  # older than what the calendar has
        if method == "REQUEST":
            store[uid] = event
            radicale.put(calendar, uid, ics.replace(b"METHOD:REQUEST\r\n", b""))
        elif method == "CANCEL":
            store.pop(uid, None)
            radicale.delete(calendar, uid)
    rows = [row[1:] for row in clients._components_rows(store.values())]
    served = [row[1:] for row in radicale.expanded(calendar)]
    return sorted(rows), sorted(served)


@pytest.mark.parametrize("email", ["pia@example.org", "quentin@example.org"])
def test_invitation_replay_equals_the_persons_meetings(world, radicale, email):
    captured, _seen, _problems = world
    store, served = replay(captured.mail[email], radicale)
    assert store == captured.person_view[email]
    assert served == captured.person_view[email]


@pytest.mark.parametrize("case", list(CASES))
def test_invitation_replay_per_case(world, radicale, case):
    captured, _seen, _problems = world
    titles = captured.titles[case]
    checked = False
    for email, messages in captured.mail.items():
        store, served = replay(messages, radicale)
        want = [r for r in captured.person_view[email] if r[0] in titles]
        assert [r for r in store if r[0] in titles] == want
        assert [r for r in served if r[0] in titles] == want
        checked = checked or bool(want)
    if case != "holidays":
        assert checked, f"nobody registered for {case}"
