"""Two more readers of what dondoc publishes, as other people's software reads it:
sabre/vobject (Nextcloud and other CalDAV servers; Debian's php-sabre-vobject, through
tests/php/read_ics.php) with its validator, and libical 3 (GNOME Evolution; Debian's
gir1.2-ical-3.0 under /usr/bin/python3, through tests/support/libical_read.py). Each gives the
calendar's name, its events as SeenEvents and its complaints, so a feed is checked against
readers nobody on the team wrote. In CI both are required (.ci/run installs them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from tests.support.ical_check import SeenEvent

TESTS = Path(__file__).resolve().parents[1]
SABRE = Path("/usr/share/php/Sabre/VObject")
SYSTEM_PYTHON = Path("/usr/bin/python3")
TIMEOUT = 60
# sabre/vobject 2.1 unescapes a TEXT value's backslashes and line breaks but hands "\\," and
# "\\;" back as written (RFC 5545 §3.3.11); the comparison undoes just that.
_ESCAPED = re.compile(r"\\([,;])")


@dataclass(frozen=True)
class ClientReading:
    calendar_name: str | None  # X-WR-CALNAME, the name Apple, Google and Outlook show
    events: list[SeenEvent]
    complaints: list[str]  # sabre's validate() warnings, libical's X-LIC-ERROR properties


def sabre_available() -> bool:
    return shutil.which("php") is not None and SABRE.is_dir()


@cache
def libical_available() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    check = "import gi; gi.require_version('ICalGLib', '3.0')"
    return subprocess.run([SYSTEM_PYTHON, "-c", check], capture_output=True).returncode == 0


def _unescaped(value: str | None) -> str | None:
    if value is None:
        return None
    return _ESCAPED.sub(r"\1", value)


def _reading(command: list[str | Path], who: str, unescape: bool) -> ClientReading:
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        raise AssertionError(f"{who} could not read the calendar: {done.stderr.strip()}")
    answer = json.loads(done.stdout)
    text = _unescaped if unescape else (lambda value: value)
    events = [
        SeenEvent(
            uid=event["uid"],
            summary=text(event["summary"]) or "",
            description=text(event["description"]) or "",
            status=event["status"],
            sequence=int(event["sequence"]),
            start=date.fromisoformat(event["start"]),
            end=date.fromisoformat(event["end"]),
            all_day=True,
        )
        for event in answer["events"]
    ]
    return ClientReading(text(answer["name"]), events, list(answer["warnings"]))


def read_with_sabre(path: Path) -> ClientReading:
    return _reading(["php", TESTS / "php" / "read_ics.php", path], "sabre/vobject", True)


def read_with_libical(path: Path) -> ClientReading:
    script = TESTS / "support" / "libical_read.py"
    return _reading([SYSTEM_PYTHON, script, path], "libical", False)


def _compared(event: SeenEvent, trimmed: bool) -> tuple[object, ...]:
    summary, description = event.summary, event.description
    if trimmed:  # libical drops the spaces a TEXT value ends with
        summary, description = summary.rstrip(" "), description.rstrip(" ")
    return (event.uid, summary, description, event.status, event.sequence, event.start, event.end)


def client_differences(
    path: Path, calendar_name: str | None, expected: list[SeenEvent]
) -> list[str]:
    """What sabre/vobject and libical read differently from `expected` (icalendar's events and
    X-WR-CALNAME), and what either complains of. Each must be installed (checked by the
    caller with `require`)."""
    found = []
    for who, read, trimmed in (
        ("sabre/vobject", read_with_sabre, False),
        ("libical", read_with_libical, True),
    ):
        reading = read(path)
        found += [f"{who}: {complaint}" for complaint in reading.complaints]
        if reading.calendar_name != calendar_name:
            found.append(f"{who} reads the calendar's name as {reading.calendar_name!r}")
        theirs = sorted(_compared(event, trimmed) for event in reading.events)
        ours = sorted(_compared(event, trimmed) for event in expected)
        if theirs != ours:
            missing = [event for event in ours if event not in theirs][:3]
            extra = [event for event in theirs if event not in ours][:3]
            found.append(f"{who} reads other events: missing {missing}, unexpected {extra}")
    return found
