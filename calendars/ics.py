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

from icalendar import Calendar, Parameters, vText
from icalendar.parser import Contentline

PRODID = "-//dondoc//Lịch công việc theo kế hoạch//VI"
MAX_EVENTS = 1000  # Google Calendar is reported to drop larger subscriptions
MAX_BYTES = 1_000_000
REFRESH = timedelta(hours=1)
_END = b"END:VCALENDAR\r\n"


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

    def sort_key(self) -> tuple[date, str]:
        return self.due, self.uid


@lru_cache(maxsize=200_000)
def text_line(name: str, value: str) -> bytes:
    """A folded TEXT property line; cached, because summaries and descriptions repeat."""
    return Contentline.from_parts(name, Parameters(), vText(value)).to_ical() + b"\r\n"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_bytes(event: FeedEvent) -> bytes:
    stamp = _stamp(event.modified)
    head = (
        f"BEGIN:VEVENT\r\nUID:{event.uid}\r\nDTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n"
        f"SEQUENCE:{event.sequence}\r\nDTSTART;VALUE=DATE:{event.due:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{event.due + timedelta(days=1):%Y%m%d}\r\n"
    ).encode()
    status = "CANCELLED" if event.cancelled else "CONFIRMED"
    tail = f"STATUS:{status}\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n".encode()
    return (
        head
        + text_line("SUMMARY", event.summary)
        + text_line("DESCRIPTION", event.description)
        + tail
    )


def calendar_header(name: str, description: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    body = calendar.to_ical()
    assert body.endswith(_END)
    return body[: -len(_END)]


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
