"""Byte-level checks of app/scheduling/ical.py, read back with the icalendar package as a second parser."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scheduling.ical import (
    HELSINKI_VTIMEZONE,
    Event,
    Override,
    build_calendar,
    build_invitation,
    escape_text,
    fold_line,
    serialize_event,
    vtimezone,
)
from app.scheduling.vtimezone import _rrule_vtimezone as vtimezone_from_rule

HEL = ZoneInfo("Europe/Helsinki")
STAMP = datetime(2026, 9, 1, 8, 30, tzinfo=timezone.utc)


def make_event(**changes) -> Event:
    """A weekly Tuesday 17:00 series in Helsinki with an exdate and an override."""
    base = Event(
        uid="series-1@kohtaamo.hel.fi",
        summary="Järjestöjen kokous",
        description="Asialista: 1) tervetuloa; 2) muut asiat",
        location="Kallion kirjasto, Helsinki",
        url="https://kohtaamo.hel.fi/s/1",
        start=datetime(2026, 10, 6, 17, tzinfo=HEL),
        end=datetime(2026, 10, 6, 19, tzinfo=HEL),
        last_modified=STAMP,
        sequence=2,
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        exdates=[datetime(2026, 10, 13, 17, tzinfo=HEL)],
        overrides=[Override(recurrence_id=datetime(2026, 10, 20, 17, tzinfo=HEL),
                            start=datetime(2026, 10, 21, 18, tzinfo=HEL),
                            end=datetime(2026, 10, 21, 20, tzinfo=HEL))],
        categories=["Nuoret", "Kulttuuri, taide"],
        organizer=("kohtaamo@hel.fi", "Helsingin kaupunki"),
        attendees=[("maija@example.org", "Maija Mäkinen", "NEEDS-ACTION")],
    )
    return replace(base, **changes)


def physical_lines(data: bytes) -> list[bytes]:
    """Split on CRLF, asserting there is no bare CR or LF anywhere."""
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
    return lines


def assert_well_formed(data: bytes) -> None:
    """CRLF everywhere, ≤ 75 octets per physical line, each line valid UTF-8 on its own."""
    for line in physical_lines(data):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a split multibyte sequence would raise here


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def vevents(data: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


# --- bytes ----------------------------------------------------------------------------------------

def test_feed_is_crlf_folded_utf8_with_long_finnish_and_emoji_text():
    long_text = "Kesän 🌞 työpaja: äidinkieli, ruotsi (på svenska) ja 👩‍👩‍👧 perheet; " * 6
    event = make_event(summary=long_text, description=long_text, location=long_text,
                       attendees=[("a@example.org", "Åsa Öberg-Äijälä " * 5, "ACCEPTED")])
    data = build_calendar([event], name=long_text, description=long_text, lang="fi")
    assert_well_formed(data)
    assert any(line.startswith(b" ") for line in physical_lines(data))  # something was folded
    for parsed in vevents(data):
        assert str(parsed["SUMMARY"]) == long_text
        assert str(parsed["DESCRIPTION"]) == long_text
        assert str(parsed["LOCATION"]) == long_text


@pytest.mark.parametrize("prefix", range(0, 8))
@pytest.mark.parametrize("char", ["ä", "€", "😀"])
def test_fold_line_never_splits_a_multibyte_character(prefix, char):
    line = "SUMMARY:" + "x" * prefix + char * 60
    folded = fold_line(line).encode("utf-8")
    assert_well_formed(folded + b"\r\n")
    assert folded.decode("utf-8").replace("\r\n ", "") == line


def test_short_ascii_lines_are_returned_as_is():
    line = "DTSTART;TZID=Europe/Helsinki:20261006T170000"
    assert fold_line(line) is line
    assert fold_line("X" * 75) == "X" * 75
    assert fold_line("X" * 76) == "X" * 75 + "\r\n X"


@pytest.mark.parametrize("text", [
    "a,b;c\\d", "rivi 1\nrivi 2", "windows\r\nrivi", "\\n is not a newline", "trailing\\",
    "Ääkköset: å ä ö Å Ä Ö", "emoji 🎉👍🏽 ok", ";;,,\\\\", "tab\tseparated",
])
def test_escaping_round_trips_through_icalendar(text):
    data = build_calendar([make_event(summary=text, description=text, location=text)], name="K")
    assert_well_formed(data)
    expected = text.replace("\r\n", "\n")
    for parsed in vevents(data):
        assert (str(parsed["SUMMARY"]), str(parsed["DESCRIPTION"]), str(parsed["LOCATION"])) == (
            expected, expected, expected)


def test_escape_text_drops_control_characters_and_normalises_newlines():
    assert escape_text("a\x00b\x07c\x1bd\x7f") == "abcd"
    assert escape_text("x\r\ny\rz\n") == "x\\ny\\nz\\n"
    assert escape_text("a\\;,") == "a\\\\\\;\\,"


def test_parameter_values_are_quoted_and_caret_escaped():
    name = 'Maija "Masa" Mäkinen: puheenjohtaja; ry, ^'
    event = make_event(organizer=("org@hel.fi", name), attendees=[("m@example.org", name, "TENTATIVE")])
    data = build_invitation(event, method="REQUEST")
    assert_well_formed(data)
    parsed = vevents(data)[0]
    assert parsed["ORGANIZER"].params["CN"] == name
    assert parsed["ATTENDEE"].params["CN"] == name
    assert parsed["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"


_alphabet = st.one_of(
    st.sampled_from(list("äöåÄÖÅ,;:\\\n\r\t \"'^😀👩\u200d👧🇫🇮")),
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
)


@settings(max_examples=150, deadline=None)
@given(summary=st.text(_alphabet, max_size=200), description=st.text(_alphabet, max_size=400))
def test_any_text_survives_serialise_and_parse(summary, description):
    event = make_event(summary=summary, description=description or None, overrides=())
    data = build_calendar([event], name="Kohtaamo")
    assert_well_formed(data)
    parsed = vevents(data)[0]

    def normalised(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    assert str(parsed["SUMMARY"]) == normalised(summary)
    assert str(parsed.get("DESCRIPTION", "")) == normalised(description)


# --- structure ------------------------------------------------------------------------------------

def test_feed_header_has_the_properties_clients_need():
    data = build_calendar([make_event()], name="Kohtaamo: kaikki", description="Tapaamiset", lang="fi")
    lines = unfolded(data)
    assert lines[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//City of Helsinki//Kohtaamo//FI",
                         "CALSCALE:GREGORIAN"]
    for expected in ["METHOD:PUBLISH", "NAME;LANGUAGE=fi:Kohtaamo: kaikki", "X-WR-CALNAME:Kohtaamo: kaikki",
                     "DESCRIPTION;LANGUAGE=fi:Tapaamiset", "X-WR-CALDESC:Tapaamiset",
                     "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]:
        assert expected in lines
    assert not [line for line in lines if line.startswith("X-WR-TIMEZONE")]  # see build_calendar
    assert lines[-1] == "END:VCALENDAR"
    assert data.count(b"BEGIN:VTIMEZONE") == 1


def test_helsinki_vtimezone_is_rrule_form_and_agrees_with_zoneinfo():
    assert "RDATE" not in HELSINKI_VTIMEZONE
    assert HELSINKI_VTIMEZONE.count("BEGIN:DAYLIGHT") == HELSINKI_VTIMEZONE.count("BEGIN:STANDARD") == 1
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in HELSINKI_VTIMEZONE
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in HELSINKI_VTIMEZONE
    assert vtimezone_from_rule("Europe/Helsinki") == HELSINKI_VTIMEZONE  # the generator agrees
    calendar = build_calendar([], name="K")
    tz = icalendar.Calendar.from_ical(calendar).walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    moment = datetime(2025, 1, 1, 12, tzinfo=timezone.utc)
    while moment < datetime(2029, 1, 1, tzinfo=timezone.utc):
        assert moment.astimezone(tz).utcoffset() == moment.astimezone(HEL).utcoffset(), moment
        moment += timedelta(hours=13)


def test_other_zones_get_an_rrule_vtimezone_unless_their_rule_is_irregular():
    sydney = vtimezone("Australia/Sydney")
    assert "RDATE" not in sydney and "TZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100" in sydney
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU" in sydney
    jerusalem = vtimezone("Asia/Jerusalem")  # "M3.4.4/26": the Friday after the 4th Thursday
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29" in jerusalem
    dublin = vtimezone("Europe/Dublin")  # negative DST in the rule: DAYLIGHT is still +0100
    assert "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100" in dublin
    kolkata = vtimezone("Asia/Kolkata")
    assert "BEGIN:DAYLIGHT" not in kolkata and "TZOFFSETTO:+0530" in kolkata
    assert "RDATE" in vtimezone("Africa/Casablanca")  # Ramadan changes: icalendar's full form
    assert vtimezone("UTC") == vtimezone("Etc/UTC") == ""


def test_times_are_local_with_tzid_and_until_is_utc():
    event = make_event(rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T170000")
    lines = unfolded(serialize_event(event).encode())
    assert "DTSTART;TZID=Europe/Helsinki:20261006T170000" in lines
    assert "DTEND;TZID=Europe/Helsinki:20261006T190000" in lines
    assert "EXDATE;TZID=Europe/Helsinki:20261013T170000" in lines
    assert "RECURRENCE-ID;TZID=Europe/Helsinki:20261020T170000" in lines
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T140000Z" in lines  # 17:00 EEST (+3)
    assert "DTSTAMP:20260901T083000Z" in lines and "LAST-MODIFIED:20260901T083000Z" in lines


@pytest.mark.parametrize(("until", "expected"), [
    ("20261201T170000", "20261201T150000Z"),   # local winter time (+2)
    ("20260930T170000", "20260930T140000Z"),   # local summer time (+3)
    ("20261201", "20261201T150000Z"),          # a date takes DTSTART's local time
    ("20261201T150000Z", "20261201T150000Z"),  # already UTC: unchanged
])
def test_until_is_converted_to_utc(until, expected):
    block = serialize_event(make_event(rrule=f"RRULE:freq=weekly;until={until};byday=TU", overrides=()))
    assert f"RRULE:FREQ=WEEKLY;UNTIL={expected};BYDAY=TU\r\n" in block


def test_override_repeats_series_texts_and_keeps_uid():
    event = make_event(overrides=[Override(recurrence_id=datetime(2026, 10, 20, 17, tzinfo=HEL),
                                           start=datetime(2026, 10, 20, 18, tzinfo=HEL),
                                           end=datetime(2026, 10, 20, 20, tzinfo=HEL),
                                           status="CANCELLED", location="Verkossa", sequence=3)])
    master, override = vevents(build_calendar([event], name="K"))
    assert str(override["UID"]) == str(master["UID"])
    assert str(override["SUMMARY"]) == "Järjestöjen kokous"
    assert str(override["LOCATION"]) == "Verkossa"
    assert (str(override["STATUS"]), override["SEQUENCE"]) == ("CANCELLED", 3)
    assert override["RECURRENCE-ID"].dt == datetime(2026, 10, 20, 17, tzinfo=HEL)
    assert "RRULE" not in override and "EXDATE" not in override


def test_same_data_gives_same_bytes_and_cached_blocks_give_the_same_feed():
    events = [make_event(uid=f"s{i}@k", summary=f"Kokous {i}") for i in range(5)]
    data = build_calendar(events, name="K")
    assert build_calendar([make_event(uid=f"s{i}@k", summary=f"Kokous {i}") for i in range(5)],
                          name="K") == data
    assert build_calendar([serialize_event(e) for e in events], name="K") == data


def test_cached_blocks_bring_their_time_zones():
    new_york = ZoneInfo("America/New_York")
    block = serialize_event(make_event(tzid="America/New_York", overrides=(), exdates=(),
                                       url="https://x.example/a;TZID=Evil/Zone:1",
                                       start=datetime(2026, 10, 6, 17, tzinfo=new_york),
                                       end=datetime(2026, 10, 6, 18, tzinfo=new_york)))
    assert "DTSTART;TZID=America/New_York:20261006T170000" in block
    data = build_calendar([block, make_event()], name="K")
    assert_well_formed(data)
    tzids = [str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(data).walk("VTIMEZONE")]
    assert tzids == ["Europe/Helsinki", "America/New_York"]


def test_utc_events_use_z_times_and_no_vtimezone():
    utc = timezone.utc
    event = make_event(tzid="UTC", start=datetime(2026, 10, 6, 14, tzinfo=utc),
                       end=datetime(2026, 10, 6, 16, tzinfo=utc), rrule="FREQ=DAILY;UNTIL=20261010",
                       exdates=[datetime(2026, 10, 7, 17, tzinfo=HEL)], overrides=())
    data = build_calendar([event], name="K", tzid="UTC")
    lines = unfolded(data)
    assert "DTSTART:20261006T140000Z" in lines and "EXDATE:20261007T140000Z" in lines
    assert "RRULE:FREQ=DAILY;UNTIL=20261010T140000Z" in lines
    assert b"TZID" not in data and b"VTIMEZONE" not in data


def test_invitation_request_and_cancel():
    event = make_event()
    request = build_invitation(event, method="REQUEST")
    assert_well_formed(request)
    lines = unfolded(request)
    assert "METHOD:REQUEST" in lines
    assert not any(line.startswith(("NAME", "X-WR-", "REFRESH-INTERVAL")) for line in lines)
    assert "ORGANIZER;CN=Helsingin kaupunki:mailto:kohtaamo@hel.fi" in lines
    assert ("ATTENDEE;CN=Maija Mäkinen;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:"
            "mailto:maija@example.org") in lines
    assert len(vevents(request)) == 2

    cancel = build_invitation(event, method="cancel")
    lines = unfolded(cancel)
    assert "METHOD:CANCEL" in lines and lines.count("STATUS:CANCELLED") == 1
    assert len(vevents(cancel)) == 1  # the whole series: overrides are not repeated

    one = replace(event, recurrence_id=datetime(2026, 10, 27, 17, tzinfo=HEL),
                  start=datetime(2026, 10, 27, 17, tzinfo=HEL), end=datetime(2026, 10, 27, 19, tzinfo=HEL))
    data = build_invitation(one, method="CANCEL")
    lines = unfolded(data)
    assert "RECURRENCE-ID;TZID=Europe/Helsinki:20261027T170000" in lines
    assert "STATUS:CANCELLED" in lines
    (single,) = vevents(data)
    assert "RRULE" not in single and "EXDATE" not in single


@pytest.mark.parametrize(("changes", "message"), [
    ({"start": datetime(2026, 10, 6, 17)}, "timezone-aware"),
    ({"status": "DONE"}, "status"),
    ({"rrule": "FREQ=WEEKLY\r\nX-EVIL:1"}, "RRULE"),
    ({"rrule": "FREQ=WEEKLY;UNTIL=2026"}, "UNTIL"),
    ({"rrule": None}, "no rrule"),
    ({"url": "https://x.example/\r\nX-EVIL:1"}, "URI"),
    ({"organizer": ("evil@x\r\nX-EVIL:1", "E")}, "URI"),
    ({"attendees": [("a@example.org", "A", "MAYBE")]}, "PARTSTAT"),
    ({"tzid": "Mars/Olympus_Mons"}, "Mars"),
])
def test_invalid_input_is_refused(changes, message):
    with pytest.raises((ValueError, KeyError), match=message):
        build_calendar([make_event(**changes)], name="K")


def test_invitation_needs_organizer_attendee_and_known_method():
    with pytest.raises(ValueError, match="attendee"):
        build_invitation(make_event(attendees=()), method="REQUEST")
    with pytest.raises(ValueError, match="method"):
        build_invitation(make_event(), method="PUBLISH")
    with pytest.raises(ValueError, match="METHOD"):
        build_calendar([], name="K", method="PUBLISH\r\nX")
