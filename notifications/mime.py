"""The envelope of a digest email: safe header text, deterministic ids and threads, and the
calendar and spreadsheet parts. notifications.render writes the words; this module makes
sure nothing a plan says can reach a header raw, and that repeats thread together."""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from calendars.ics import FeedEvent, single_event_calendar
from calendars.titles import event_summary
from dondoc.core.cells import text_cells
from dondoc.core.clock import zone
from dondoc.core.settings import get_settings
from tasks.notify import Digest, NoticeItem, Recipient

MAX_ICS_PARTS = 20  # beyond this the email points to the calendar feed
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_SLUG = re.compile(r"[^0-9A-Za-z]+")


def one_line(value: str) -> str:
    """Text from a plan as one clean line: control, format and separator characters (CR, LF,
    NUL, U+2028, zero-width…) become spaces and runs of spaces one, so a title can never end
    a header early or start a new one."""
    value = unicodedata.normalize("NFC", value)
    spaced = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in value)
    return " ".join(spaced.split())


def shorten(value: str, limit: int) -> str:
    """`value` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    value = one_line(value)
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + "…"


@dataclass(frozen=True)
class MailContext:
    """What every dondoc email is written with, whatever it says: its sender, the language of
    its words, the site its links name, and the moment it is dated (timezone-aware), shown
    in `tz`."""

    mail_from: str
    base_url: str
    now: datetime
    tz: ZoneInfo
    language: str = "vi"

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")

    @property
    def host(self) -> str:
        return mail_host(self.base_url, self.mail_from)

    @classmethod
    def from_settings(cls, now: datetime) -> MailContext:
        """The sender, address and language the settings give, dated `now` in local time."""
        settings = get_settings()
        return cls(settings.mail_from, settings.base_url, now, zone(), settings.mail_language)


def mail_host(base_url: str, mail_from: str) -> str:
    """The domain of Message-IDs and List-Id: the service's host, else the sender's domain."""
    host = urlsplit(base_url).hostname or parseaddr(mail_from)[1].rpartition("@")[2]
    return host.lower() if host else "dondoc.invalid"


def message_id(key: str, host: str) -> str:
    """The same digest key gives the same Message-ID: a re-render is recognisably the same
    email, and servers that deduplicate by Message-ID drop a resent copy."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{host}>"


def thread_root(digest: Digest, host: str) -> str:
    """The Message-ID every overdue or escalation email about the same items to the same
    recipient replies to: derived from (kind, recipient email, item ids), never sent itself,
    so mail clients gather the repeats into one conversation."""
    items = ",".join(str(i) for i in digest.thread_items)
    seed = f"thread:{digest.kind}:{digest.recipient.email.lower()}:{items}"
    return f"<thread-{hashlib.sha256(seed.encode()).hexdigest()[:32]}@{host}>"


def set_text_header(message: EmailMessage, name: str, text: str) -> None:
    """A header of free text (the Subject) as RFC 2047 encoded-words that keep every space.

    Python's own folder may put the space between two words *between* two encoded-words, where
    RFC 2047 §6.2 tells readers to drop it ("Sở Nội vụ" read "SởNội vụ"). Set raw and folded
    already, the policy sends it as it is."""
    text = one_line(text)
    message.set_raw(name, text if text.isascii() else _encoded_words(text, len(name) + 2))


def _encoded_words(text: str, used: int) -> str:
    """`text` as base64 encoded-words of at most 75 characters, one a line, each ending with the
    space that follows its last word: a decoder that drops the line break between two words
    (RFC 2047) loses nothing, and none is cut inside a word — `email.header.Header` cuts
    anywhere, and Python's own address parser then reads "huyệ n" in a display name."""
    words = [word + " " for word in text.split(" ")]
    words[-1] = words[-1][:-1]
    room = 75 - len("=?utf-8?b??=")
    lines: list[str] = []
    chunk = ""
    for word in words:
        while len(_base64(chunk + word)) > room - (used if not lines else 0):
            if chunk:
                lines.append(chunk)
                chunk = ""
            elif len(word) > 1:  # a word longer than a line: cut by characters
                cut = max(1, len(word) // 2)
                lines.append(word[:cut])
                word = word[cut:]
            else:
                break
        chunk += word
    lines.append(chunk)
    return "\n ".join(f"=?utf-8?b?{_base64(line)}?=" for line in lines if line)


def _base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def encoded_mailbox(display_name: str, addr_spec: str, header_name: str) -> str:
    """One mailbox, its display name encoded as set_text_header does; the address goes on a
    line of its own, so no line is long enough for the policy to fold it again."""
    name = one_line(display_name)
    if not name:
        return addr_spec
    if name.isascii():
        return str(Address(display_name=name, addr_spec=addr_spec))
    return f"{_encoded_words(name, len(header_name) + 2)}\n <{addr_spec}>"


def set_addresses(message: EmailMessage, recipient: Recipient, mail_from: str) -> None:
    """From, To (the agency's name, RFC 2047 encoded with its spaces kept) and Cc."""
    sender_name, sender = parseaddr(mail_from)
    message.set_raw("From", encoded_mailbox(sender_name, sender, "From"))
    message.set_raw("To", encoded_mailbox(recipient.name, recipient.email, "To"))
    if recipient.cc:
        message["Cc"] = [Address(addr_spec=address) for address in recipient.cc]


def set_thread(message: EmailMessage, digest: Digest, host: str) -> None:
    """Overdue and escalation emails reply to their thread's root (see thread_root)."""
    if digest.kind != "due_soon":
        root = thread_root(digest, host)
        message["In-Reply-To"] = root
        message["References"] = root


def set_automatic(message: EmailMessage, host: str) -> None:
    """Mark the email as machine-sent: no out-of-office replies, no auto-forward loops, and
    a List-Id so agencies can filter it."""
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message["Precedence"] = "bulk"
    message["List-Id"] = f"dondoc <dondoc.{host}>"


def part_summary(item: NoticeItem, day: date, language: str) -> str:
    """The deadline's title as the feeds give it on `day`, in the email's language."""
    state = "overdue" if item.due < day else "pending"
    summary = event_summary(
        item.content, state=state, role=item.role, kind=item.kind, language=language
    )
    return ics_text(summary)


def ics_text(value: str) -> str:
    """Text as iCalendar can hold it: line breaks as LF (escaped by icalendar), no other
    control characters, which its content lines refuse."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")


def part_description(item: NoticeItem, t: Mapping[str, Any]) -> str:
    plan = ics_text(item.plan_number or str(t["ics_no_number"]))
    lines = [
        ics_text(item.content),
        f"{t['ics_plan']}: {plan} — {ics_text(item.plan_title)}",
        f"{t['ics_lead_agency']}: {ics_text(item.agency_name)}",
        f"{t['ics_period']}: {item.period_start:%d/%m/%Y} – {item.period_end:%d/%m/%Y}",
    ]
    if item.link:
        lines.append(f"{t['ics_report_done']}: {item.link}")
    return "\n".join(lines)


@dataclass(frozen=True)
class CalendarPart:
    filename: str
    data: bytes


def calendar_parts(
    items: Sequence[NoticeItem],
    *,
    day: date,
    t: Mapping[str, Any],
    language: str,
    calendar_name: str,
) -> tuple[list[CalendarPart], int]:
    """One single-event calendar per deadline (each UID once), at most MAX_ICS_PARTS, worded
    in the email's language (the part has its own UID: it is the reader's copy, not the
    feed's event); also how many deadlines were left out."""
    unique = list({item.ics_uid: item for item in items}.values())
    parts: list[CalendarPart] = []
    used: set[str] = set()
    for item in unique[:MAX_ICS_PARTS]:
        event = FeedEvent(
            uid=mail_event_uid(item.ics_uid),
            due=item.due,
            summary=part_summary(item, day, language),
            description=part_description(item, t),
            sequence=item.ics_sequence,
            modified=item.modified,
        )
        parts.append(
            CalendarPart(_filename(item, used), single_event_calendar(event, calendar_name))
        )
    return parts, len(unique) - len(parts)


def mail_event_uid(feed_uid: str) -> str:
    """The UID of a deadline's .ics part: its own, next to the feed's. A subscribed calendar is
    read-only and apart, so a part imported from an email is the reader's own copy whatever its
    UID; with one of its own it never claims to update the subscription's event, and the next
    email about the same deadline updates that copy instead of adding another."""
    local, _, host = feed_uid.partition("@")
    return f"{local}-thu@{host}"


def _filename(item: NoticeItem, used: set[str]) -> str:
    """han-<seq>-<yyyymmdd>.ics, ASCII only, with a counter when two deadlines share it."""
    seq = _SLUG.sub("-", unicodedata.normalize("NFKD", item.seq)).strip("-") or "viec"
    stem = f"han-{seq[:20]}-{item.due:%Y%m%d}"
    name, n = f"{stem}.ics", 1
    while name in used:
        n += 1
        name = f"{stem}-{n}.ics"
    used.add(name)
    return name


def attach_calendars(message: EmailMessage, parts: Iterable[CalendarPart]) -> None:
    for part in parts:
        message.add_attachment(
            part.data,
            maintype="text",
            subtype="calendar",
            filename=part.filename,
            # no iTIP method: PUBLISH asks for an ORGANIZER (RFC 5546) and libical refuses it
            # without one; this is a calendar file to add, not a message about a meeting
            params={"charset": "utf-8"},
        )


def xlsx_bytes(rows: list[dict[str, object]], sheet: str, widths: Sequence[int]) -> bytes:
    """The escalation table as a workbook: one row per deadline, columns as given."""
    import pandas as pd  # heavy: only escalation emails need it

    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame(rows).to_excel(writer, sheet_name=sheet, index=False)
        worksheet = writer.sheets[sheet]
        text_cells(worksheet)  # item texts and names stay text: no formula reaches a recipient
        worksheet.freeze_panes = "A2"
        for column, width in zip(worksheet.iter_cols(max_row=1), widths, strict=False):
            worksheet.column_dimensions[column[0].column_letter].width = width
        for row in worksheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date | datetime):
                    cell.number_format = "DD/MM/YYYY"
    return buffer.getvalue()


def attach_xlsx(message: EmailMessage, data: bytes, day: date) -> None:
    maintype, subtype = XLSX_TYPE
    message.add_attachment(
        data, maintype=maintype, subtype=subtype, filename=f"qua-han-{day:%Y%m%d}.xlsx"
    )
