"""iCalendar bytes for subscribed feeds.

The calendar header comes from icalendar's typed API. Events are written from icalendar's
content-line type (`Contentline`: RFC 5545 escaping, and folding at 75 octets that never
splits a UTF-8 character) for the text properties, and plain ASCII lines for the rest. Building
an `Event` object per occurrence costs ~350 µs, which at nation scale (two million events) is
far too slow; the text lines repeat across agencies and periods, so they are cached. Every
feed is read back with icalendar, recurring-ical-events and ical.js in the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Parameters, Timezone, TimezoneStandard, vText
from icalendar.parser import Contentline

PRODID = "-//dondoc//Lịch công việc theo kế hoạch//VI"
MAX_EVENTS = 1000  # Google Calendar is reported to drop larger subscriptions
MAX_BYTES = 1_000_000
FOLD_OCTETS = 74  # a physical line's content; a continuation line adds its leading space
REFRESH = timedelta(hours=1)
_END = b"END:VCALENDAR\r\n"
ZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class FeedEvent:
    """One all-day deadline. `modified` (UTC) is both DTSTAMP and LAST-MODIFIED: derived
    from the data, never the clock, so unchanged data gives byte-identical feeds."""

    uid: str
    due: date
    summary: str
    description: str
    sequence: int
    modified: datetime
    cancelled: bool = False
    # ASCII appended to the description as is (a link): it varies per agency while the
    # description is shared, so only the tail is folded per event.
    description_tail: str = ""

    def sort_key(self) -> tuple[date, str]:
        return self.due, self.uid


@lru_cache(maxsize=200_000)
def text_line(name: str, value: str) -> bytes:
    """A folded TEXT property line; cached, because summaries and descriptions repeat."""
    return Contentline.from_parts(name, Parameters(), vText(value)).to_ical() + b"\r\n"


@lru_cache(maxsize=100_000)
def _folded(name: str, value: str) -> tuple[bytes, int]:
    """The folded line without its CRLF, and how many octets its last physical line holds."""
    folded = Contentline.from_parts(name, Parameters(), vText(value)).to_ical()
    last = folded.rsplit(b"\r\n ", 1)[-1]
    return folded, len(last)


def text_line_with_tail(name: str, value: str, tail: str) -> bytes:
    """`value` then an ASCII `tail` that needs no escaping, folded on from where `value`
    ended the way icalendar folds (at most 74 octets after the fold's space), so the long
    shared part is folded once and only the tail per event."""
    data = tail.encode("ascii")
    assert not any(c in tail for c in ",;\\\n"), "the tail must need no escaping"
    folded, used = _folded(name, value)
    room = FOLD_OCTETS - used
    parts = [folded + data[:room]]
    rest = data[room:]
    parts += [rest[i : i + FOLD_OCTETS] for i in range(0, len(rest), FOLD_OCTETS)]
    return b"\r\n ".join(parts) + b"\r\n"


def event_bytes(event: FeedEvent) -> bytes:
    status = b"STATUS:CANCELLED\r\n" if event.cancelled else b"STATUS:CONFIRMED\r\n"
    return b"".join(
        (
            b"BEGIN:VEVENT\r\nUID:",
            event.uid.encode(),
            _stamp_lines(event.modified),
            b"SEQUENCE:%d\r\n" % event.sequence,
            _date_lines(event.due),
            text_line("SUMMARY", event.summary),
            text_line_with_tail("DESCRIPTION", event.description, event.description_tail)
            if event.description_tail
            else text_line("DESCRIPTION", event.description),
            status,
            b"TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n",
        )
    )


@lru_cache(maxsize=8192)
def _stamp_lines(moment: datetime) -> bytes:
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"\r\nDTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n".encode()


@lru_cache(maxsize=8192)
def _date_lines(due: date) -> bytes:
    """All day: DTEND is exclusive, the day after (RFC 5545 §3.6.1)."""
    after = due + timedelta(days=1)
    return f"DTSTART;VALUE=DATE:{due:%Y%m%d}\r\nDTEND;VALUE=DATE:{after:%Y%m%d}\r\n".encode()


def calendar_header(name: str, description: str) -> bytes:
    """Everything before the events. The names are TEXT and go through vText, which escapes
    "," and ";" (unknown and X- properties are written raw otherwise, and sabre/vobject then
    splits "Sở Văn hóa, Thể thao và Du lịch" in two). The VTIMEZONE is the component every
    feed has, so a feed with no deadline left is still valid iCalendar (RFC 5545 §3.6 asks
    for at least one); all-day events do not use it."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-caldesc", vText(description))
    calendar.add("x-wr-timezone", ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(_vietnam_time())
    body = calendar.to_ical()
    assert body.endswith(_END)
    return body[: -len(_END)]


def _vietnam_time() -> Timezone:
    """Asia/Ho_Chi_Minh as it has been since 1975: UTC+7 all year, no daylight saving."""
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1975, 6, 13))
    standard.add("tzoffsetfrom", timedelta(hours=7))
    standard.add("tzoffsetto", timedelta(hours=7))
    standard.add("tzname", "+07")
    zone = Timezone()
    zone.add("tzid", ZONE)
    zone.add_component(standard)
    return zone


def calendar_bytes(
    name: str, description: str, events: Iterable[FeedEvent], today: date
) -> tuple[bytes, int, int]:
    """The feed, its number of events and how many were left out to stay under Google's
    limits: the events nearest `today` are kept, and the description says what was left."""
    ranked = sorted(events, key=lambda e: (abs((e.due - today).days), e.uid))
    kept: list[tuple[FeedEvent, bytes]] = []
    size = 4096  # the header and the trimming note
    for event in ranked[:MAX_EVENTS]:
        data = event_bytes(event)
        if size + len(data) > MAX_BYTES:
            break
        size += len(data)
        kept.append((event, data))
    trimmed = len(ranked) - len(kept)
    if trimmed:
        last = max(e.due for e, _ in kept)
        description += (
            f" Lịch này chỉ hiện {len(kept)} hạn gần nhất (đến {last:%d/%m/%Y});"
            f" {trimmed} hạn khác không hiện để lịch không vượt giới hạn của Google Calendar."
        )
    kept.sort(key=lambda pair: pair[0].sort_key())
    body = calendar_header(name, description) + b"".join(data for _, data in kept) + _END
    return body, len(kept), trimmed


def single_event_calendar(event: FeedEvent, name: str) -> bytes:
    """One deadline as a whole calendar, for an email's .ics part: the feeds' own header and
    event lines. `name` is one line."""
    return calendar_header(name, name) + event_bytes(event) + _END
