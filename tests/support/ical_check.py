"""Read an .ics feed with three independent parsers and check that they see the same thing.

Agencies subscribe to dondoc's feeds from Google, Outlook, Apple and Thunderbird; we cannot
run those clients in a test, so we do the next best thing: a feed is only "right" when
Python's `icalendar`, `recurring_ical_events` (which expands RRULE/RDATE/EXDATE and
RECURRENCE-ID exceptions) and Mozilla's `ical.js` (Thunderbird's parser, run under node)
agree on it, and sabre/vobject (with its validator) and libical read it the same
(tests/support/ical_clients), and when its physical lines are folded the way RFC 5545 §3.1
asks. One parser
alone is lenient in its own way; disagreement between them is the signal.

ical.js lives in tests/js (pinned in package.json and package-lock.json). `ensure_ical_js()`
runs `npm ci` there at most once per session; without node/npm the tests skip on a laptop
and fail in CI (see `tests.conftest.require`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import recurring_ical_events
from icalendar import Calendar, Component

from tests.conftest import require

JS_DIR = Path(__file__).resolve().parents[1] / "js"
READ_ICS = JS_DIR / "read_ics.mjs"
MAX_OCTETS = 75  # RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding CRLF
NPM_CI = ("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
NPM_CI_TIMEOUT = 300  # seconds; a cold cache downloads one small package
NODE_TIMEOUT = 60

_install_lock = threading.Lock()
_installed_script: Path | None = None
_install_failure: str | None = None  # remembered so a failed install is not retried per test


class IcalJsError(RuntimeError):
    """ical.js could not read the feed (read_ics.mjs exited non-zero); the message is its
    stderr, which is what a Thunderbird user would be shown instead of the calendar."""


@dataclass(frozen=True)
class SeenEvent:
    """One VEVENT as a parser saw it, reduced to what a subscriber notices: a feed is wrong
    when two parsers disagree on any of these fields. `start`/`end` are wall-clock dates in
    the event's own zone; `end` is DTEND as written (exclusive for all-day events) or, when
    DTEND is absent, derived the RFC 5545 way (DURATION, else one day for a DATE)."""

    uid: str
    summary: str
    description: str
    status: str | None
    sequence: int
    start: date
    end: date
    all_day: bool


# --- ical.js (node) --------------------------------------------------------------------------


def ical_js_available() -> bool:
    """Whether node and npm are on PATH: ical.js is installed with npm and run with node."""
    return shutil.which("node") is not None and shutil.which("npm") is not None


def _locked_versions(js_dir: Path) -> dict[str, str]:
    """Every direct dependency of package.json with the version package-lock.json pins."""
    wanted = json.loads((js_dir / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((js_dir / "package-lock.json").read_text(encoding="utf-8"))
    packages = lock.get("packages", {})
    return {name: packages.get(f"node_modules/{name}", {}).get("version", "") for name in wanted}


def _installed_versions(js_dir: Path, names: Iterable[str]) -> dict[str, str]:
    found = {}
    for name in names:
        manifest = js_dir / "node_modules" / name / "package.json"
        if manifest.is_file():
            found[name] = json.loads(manifest.read_text(encoding="utf-8")).get("version", "")
    return found


def install_ical_js(js_dir: Path = JS_DIR) -> bool:
    """Run `npm ci` in `js_dir` unless node_modules already holds every locked dependency
    (ical.js, mailparser).

    Returns whether npm ran. A version check, not just an existence check, so that bumping
    the pin in package-lock.json reinstalls instead of silently testing the old parser. An
    exclusive file lock (outside the repository, keyed on `js_dir`) makes concurrent test
    processes such as pytest-xdist workers wait for one install instead of racing `npm ci`,
    which deletes node_modules before it writes it.
    """
    key = hashlib.sha256(str(js_dir.resolve()).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"dondoc-ical-js-{key}.lock"
    with lock_path.open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            wanted = _locked_versions(js_dir)
            if _installed_versions(js_dir, wanted) == wanted:
                return False
            npm = shutil.which("npm") or "npm"
            result = subprocess.run(
                [npm, *NPM_CI[1:]],
                cwd=js_dir,
                capture_output=True,
                text=True,
                timeout=NPM_CI_TIMEOUT,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeError(
                    f"`{' '.join(NPM_CI)}` failed in {js_dir} (exit {result.returncode}):\n"
                    f"{result.stderr.strip() or result.stdout.strip()}"
                )
            installed = _installed_versions(js_dir, wanted)
            if installed != wanted:
                raise RuntimeError(f"npm ci installed {installed}, the lock says {wanted}")
            return True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def ensure_ical_js() -> Path:
    """Install ical.js once per session and return the read_ics.mjs script to run on node.

    Skips the calling test on a laptop without node/npm or without network for npm, and
    fails it in CI, where a missing parser must not turn the run green.
    """
    global _installed_script, _install_failure
    require(ical_js_available(), "node and npm are needed to run ical.js (Thunderbird's parser)")
    with _install_lock:
        if _installed_script is None and _install_failure is None:
            try:
                install_ical_js(JS_DIR)
                _installed_script = READ_ICS
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
                _install_failure = f"could not install ical.js: {error}"
    require(_installed_script is not None, _install_failure or "ical.js is not installed")
    assert _installed_script is not None
    return _installed_script


def ical_js_json(path: Path, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """The raw JSON read_ics.mjs prints for `path` (calendar properties and events, with each
    master event's occurrences in [start, end) when a window is given)."""
    script = ensure_ical_js()
    window = [] if start is None or end is None else [start.isoformat(), end.isoformat()]
    node = shutil.which("node") or "node"
    result = subprocess.run(
        [node, str(script), str(path), *window],
        capture_output=True,
        timeout=NODE_TIMEOUT,
        check=False,
    )
    stderr = result.stderr.decode("utf-8", "replace").strip()
    if result.returncode != 0:
        raise IcalJsError(stderr or f"read_ics.mjs exited {result.returncode}")
    return json.loads(result.stdout.decode("utf-8"))


def read_with_ical_js(path: Path) -> list[SeenEvent]:
    """Every VEVENT (masters and RECURRENCE-ID exceptions) as ical.js reads it."""
    return [_seen_from_json(event) for event in ical_js_json(path)["events"]]


def expand_with_ical_js(path: Path, start: date, end: date) -> list[tuple[str, date]]:
    """(uid, start date) of each occurrence overlapping [start, end), expanded by ical.js's
    iterator with RECURRENCE-ID exceptions related to their master by UID."""
    data = ical_js_json(path, start, end)
    return sorted(
        (event["uid"], date.fromisoformat(day))
        for event in data["events"]
        for day in event["occurrences"]
    )


def _seen_from_json(event: dict[str, Any]) -> SeenEvent:
    return SeenEvent(
        uid=event["uid"],
        summary=event["summary"],
        description=event["description"],
        status=event["status"],
        sequence=int(event["sequence"]),
        start=date.fromisoformat(event["start"]),
        end=date.fromisoformat(event["end"]),
        all_day=bool(event["allDay"]),
    )


# --- icalendar and recurring_ical_events -----------------------------------------------------


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _parse_errors(calendar: Component) -> list[str]:
    errors = []
    for component in calendar.walk():
        uid = component.get("UID")
        where = f"{component.name} {uid}" if uid else component.name
        errors += [f"{where}: {error}" for error in component.errors]
    return errors


def read_with_icalendar(data: bytes) -> list[SeenEvent]:
    """Every VEVENT (masters and RECURRENCE-ID exceptions) as Python's icalendar reads it.

    icalendar is lenient: a line it cannot parse is dropped and recorded in the component's
    `.errors` instead of raising. A feed with such errors would read differently elsewhere,
    so any error fails here (AssertionError listing them all).
    """
    calendar = Calendar.from_ical(data)
    errors = _parse_errors(calendar)
    if errors:
        raise AssertionError("icalendar could not parse every line:\n  " + "\n  ".join(errors))
    seen = []
    for event in calendar.walk("VEVENT"):
        start = event.DTSTART
        status = event.get("STATUS")
        seen.append(
            SeenEvent(
                uid=str(event.get("UID", "")),
                summary=str(event.get("SUMMARY", "")),
                description=str(event.get("DESCRIPTION", "")),
                status=None if status is None else str(status),
                sequence=int(event.get("SEQUENCE", 0)),
                start=_as_date(start),
                end=_as_date(event.end),
                all_day=not isinstance(start, datetime),
            )
        )
    return seen


def expand_with_recurring_ical_events(
    data: bytes, start: date, end: date
) -> list[tuple[str, date]]:
    """(uid, start date) of each VEVENT occurrence that overlaps [start, end), as
    recurring_ical_events expands the feed (RRULE, RDATE, EXDATE, RECURRENCE-ID)."""
    calendar = Calendar.from_ical(data)
    return sorted(
        (str(occurrence["UID"]), _as_date(occurrence.DTSTART))
        for occurrence in recurring_ical_events.of(calendar).between(start, end)
    )


# --- the checks -------------------------------------------------------------------------------


def _difference(name_a: str, a: Iterable[Any], name_b: str, b: Iterable[Any]) -> str | None:
    counted_a, counted_b = Counter(a), Counter(b)
    if counted_a == counted_b:
        return None
    only_a = sorted(map(repr, (counted_a - counted_b).elements()))
    only_b = sorted(map(repr, (counted_b - counted_a).elements()))
    lines = [f"{name_a} and {name_b} disagree:"]
    lines += [f"  only {name_a}: {item}" for item in only_a]
    lines += [f"  only {name_b}: {item}" for item in only_b]
    return "\n".join(lines)


def assert_parsers_agree(
    path: Path, start: date, end: date, *, other_clients: bool = True
) -> list[SeenEvent]:
    """Read `path` with all the parsers, fail on any disagreement, return icalendar's events
    (`other_clients`: sabre/vobject and libical too, see tests/support/ical_clients).

    icalendar and ical.js must see the same VEVENTs: the same multiset of (uid, summary,
    description, status, sequence, start, end), masters and exceptions alike; `all_day` is
    not compared, a DATE/DATE-TIME mix-up already shows in start/end or is caught by tests
    that ask for it. Neither of them expands recurrences, so the occurrences in [start, end)
    are compared as (uid, start date) between ical.js's iterator and recurring_ical_events.

    STATUS:CANCELLED rule: recurring_ical_events (3.8) does not skip cancelled events: a
    cancelled VEVENT, and a RECURRENCE-ID exception that cancels one instance, are both
    returned by between(); ical.js's iterator yields them too. So nothing is filtered on
    either side: cancelled occurrences are compared like any other. (test_ical_check pins
    this, so an upgrade that starts skipping them fails loudly instead of hiding events.)

    The comparison also catches two feed bugs on purpose: a second VEVENT with the same UID
    and no RECURRENCE-ID (recurring_ical_events keeps only the one with the highest
    SEQUENCE, ical.js lists both) and a RECURRENCE-ID exception without its master
    (recurring_ical_events returns it, ical.js has no series to attach it to).
    """
    data = path.read_bytes()
    problems = []

    by_icalendar = read_with_icalendar(data)
    by_ical_js = read_with_ical_js(path)
    problems.append(
        _difference(
            "icalendar",
            (_compared(event) for event in by_icalendar),
            "ical.js",
            (_compared(event) for event in by_ical_js),
        )
    )
    problems.append(
        _difference(
            "ical.js",
            expand_with_ical_js(path, start, end),
            "recurring_ical_events",
            expand_with_recurring_ical_events(data, start, end),
        )
    )
    reported = [problem for problem in problems if problem]
    if other_clients:
        reported += _other_clients(path, data, by_icalendar)
    if reported:
        raise AssertionError(f"{path.name}: " + "\n".join(reported))
    return by_icalendar


_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")


def _unescape(match: re.Match[str]) -> str:
    return "\n" if match[1] in "nN" else match[1]


def _other_clients(path: Path, data: bytes, by_icalendar: list[SeenEvent]) -> list[str]:
    """sabre/vobject (with its validator) and libical must read the same (ical_clients)."""
    from tests.support import ical_clients

    require(ical_clients.sabre_available(), "no sabre/vobject (Debian's php-sabre-vobject)")
    require(ical_clients.libical_available(), "no libical bindings (Debian's gir1.2-ical-3.0)")
    # icalendar hands an X- property back as written: unescape it as a TEXT value (§3.3.11)
    name = Calendar.from_ical(data).get("X-WR-CALNAME")
    expected_name = None if name is None else _TEXT_ESCAPE.sub(_unescape, str(name))
    return ical_clients.client_differences(path, expected_name, by_icalendar)


def _compared(event: SeenEvent) -> tuple[Any, ...]:
    return astuple(event)[:-1]  # everything but all_day, see assert_parsers_agree


def assert_well_folded(data: bytes) -> None:
    """Fail unless every physical line ends with CRLF, is at most 75 octets, and decodes as
    UTF-8 on its own.

    The last rule is the one parsers do not enforce: RFC 5545 asks readers to unfold before
    decoding, but icalendar and ical.js both decode first, so a fold between the bytes of one
    character turns it into U+FFFD in both, and they still agree with each other.
    """
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("the last line does not end with CRLF")
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        shown = line[:40].decode("utf-8", "replace")
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number} has a bare LF or CR instead of CRLF: {shown!r}")
        if len(line) > MAX_OCTETS:
            problems.append(f"line {number} is {len(line)} octets (> {MAX_OCTETS}): {shown!r}")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(
                f"line {number} is not UTF-8 on its own, folded inside a multi-byte "
                f"character? ({error.reason} at octet {error.start}): {shown!r}"
            )
    if problems:
        raise AssertionError("badly folded iCalendar data:\n  " + "\n  ".join(problems))
