"""Independent iCalendar clients, each reduced to the same output: the instances it shows,
``(uid, summary, start, end, status)`` with UTC ISO times.

* libical (Evolution) through GObject introspection, in Debian's /usr/bin/python3 (``libical_check.py``);
* ical.js (Thunderbird) through node (``tests/js/ical_check.mjs``);
* recurring-ical-events (PyPI), in process;
* Radicale, a real CalDAV server (:class:`Radicale`): objects stored with PUT, one resource per UID,
  and read back with a time-range calendar-query REPORT and server-side ``expand``.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib import request as http
from urllib.error import HTTPError

import icalendar
import recurring_ical_events

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
LIBICAL_SCRIPT = Path(__file__).with_name("libical_check.py")
ICAL_JS_SCRIPT = ROOT / "tests" / "js" / "ical_check.mjs"
UTC = timezone.utc
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(uid, summary, start: datetime, end: datetime, status) -> tuple:
    return (str(uid), str(summary), _iso(start), _iso(end), str(status or "CONFIRMED"))


def missing_tools() -> list[str]:
    """What this machine lacks to run all four clients."""
    missing = []
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
                           capture_output=True, check=False) if Path(SYSTEM_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        missing.append("libical (apt: gir1.2-ical-3.0 python3-gi; run .ci/setup-calendar-clients)")
    if shutil.which("node") is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        missing.append("ical.js (npm ci)")
    return missing


def libical(feeds: dict[str, bytes]) -> dict[str, tuple[list[tuple], list[str]]]:
    """{name: (instances, libical's X-LIC-ERROR findings)} for many calendars in one process."""
    start, end = (int(w.timestamp()) for w in WINDOW)
    payload = json.dumps([{"name": n, "ics": d.decode(), "start": start, "end": end} for n, d in feeds.items()])
    proc = subprocess.run([SYSTEM_PYTHON, str(LIBICAL_SCRIPT)], input=payload.encode(), capture_output=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    out = {}
    for name, result in json.loads(proc.stdout).items():
        rows = [_row(i["uid"], i["summary"], datetime.fromtimestamp(i["start"], UTC),
                     datetime.fromtimestamp(i["end"], UTC), i["status"]) for i in result["instances"]]
        out[name] = (sorted(rows), result["errors"])
    return out


def ical_js(data: bytes) -> list[tuple]:
    proc = subprocess.run([shutil.which("node"), str(ICAL_JS_SCRIPT), "2000"], input=data, capture_output=True,
                          cwd=ROOT, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    rows = []
    for o in json.loads(proc.stdout):
        assert not o["floating"], o
        rows.append(_row(o["uid"], o["summary"], datetime.fromisoformat(o["start"].replace("Z", "+00:00")),
                         datetime.fromisoformat(o["end"].replace("Z", "+00:00")), o["status"]))
    return sorted(r for r in rows if "2026" <= r[2] < "2031")


def _components_rows(components) -> list[tuple]:
    rows = []
    for c in components:
        start = c.decoded("DTSTART")
        end = c.decoded("DTEND") if "DTEND" in c else start + c.decoded("DURATION")
        rows.append(_row(c.get("UID"), c.get("SUMMARY"), start, end, c.get("STATUS")))
    return sorted(rows)


def recurring(data: bytes) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(data)
    return _components_rows(recurring_ical_events.of(calendar).between(*WINDOW))


def split_by_uid(data: bytes) -> dict[str, bytes]:
    """One CalDAV resource per UID (RFC 4791 §4.1): its VEVENTs plus the calendar's VTIMEZONEs."""
    calendar = icalendar.Calendar.from_ical(data)
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    objects: dict[str, icalendar.Calendar] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        if uid not in objects:
            obj = icalendar.Calendar()
            obj.add("VERSION", "2.0")
            obj.add("PRODID", calendar.get("PRODID"))
            for zone in zones:
                obj.add_component(zone)
            objects[uid] = obj
        objects[uid].add_component(event)
    return {uid: obj.to_ical() for uid, obj in objects.items()}


class Radicale:
    """A Radicale CalDAV server on a free local port, for one test session (or xdist worker)."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{self.port}",
             "--auth-type", "none", "--storage-filesystem-folder", str(folder), "--logging-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Radicale did not start: " + self.proc.stderr.read().decode())
                time.sleep(0.1)

        status, body = self._send("MKCOL", "/test/")
        assert status in (201, 405), body

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def _send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        req = http.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with http.urlopen(req, timeout=30) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()

    def new_calendar(self) -> str:
        path = f"/test/{uuid.uuid4().hex}/"
        status, body = self._send("MKCALENDAR", path)
        assert status == 201, body
        return path

    def put(self, calendar: str, uid: str, data: bytes) -> None:
        status, body = self._send("PUT", f"{calendar}{uuid.uuid5(uuid.NAMESPACE_URL, uid).hex}.ics", data,
                                  {"Content-Type": "text/calendar; charset=utf-8"})
        assert status in (201, 204), f"Radicale refused {uid}: {status} {body[:300]!r}"

    def delete(self, calendar: str, uid: str) -> None:
        status, body = self._send("DELETE", f"{calendar}{uuid.uuid5(uuid.NAMESPACE_URL, uid).hex}.ics")
        assert status in (200, 204, 404), body

    def store(self, data: bytes) -> str:
        """A new calendar holding every object of ``data``; returns its path."""
        calendar = self.new_calendar()
        for uid, obj in split_by_uid(data).items():
            self.put(calendar, uid, obj)
        return calendar

    def expanded(self, calendar: str) -> list[tuple]:
        """calendar-query REPORT over the window with server-side expansion (RFC 4791 §9.6.5)."""
        start, end = (w.strftime("%Y%m%dT%H%M%SZ") for w in WINDOW)
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data><C:expand start="{start}" end="{end}"/></C:calendar-data></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/></C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>""".encode()
        status, data = self._send("REPORT", calendar, body, {"Depth": "1", "Content-Type": "application/xml"})
        assert status == 207, data
        import xml.etree.ElementTree as ET

        rows = []
        for element in ET.fromstring(data).iter("{urn:ietf:params:xml:ns:caldav}calendar-data"):
            if element.text:
                rows += _components_rows(icalendar.Calendar.from_ical(element.text).walk("VEVENT"))
        return sorted(rows)
