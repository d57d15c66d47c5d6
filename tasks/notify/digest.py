"""What one email says, before it is rendered: the day's digest for one recipient.

Selection (tasks/notify/selection.py) builds these from the database; rendering
(notifications/render.py) turns one into an email; the outbox stores the result under
`Digest.key`. Plain data, so each step is tested on its own."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

DigestKind = Literal["due_soon", "overdue", "escalation"]
Role = Literal["lead", "coordinating"]


@dataclass(frozen=True)
class NoticeItem:
    """One deadline as an email mentions it: an agency's own (role "lead") or one it supports
    (role "coordinating": then `agency_*` name the lead that owes it)."""

    occurrence_id: int
    item_id: int
    plan_id: int
    plan_number: str | None
    plan_title: str
    seq: str
    content: str
    kind: str  # "due" or "checkin" (a progress check on ongoing work)
    period_start: date
    period_end: date
    due: date
    role: Role
    agency_id: int  # the lead agency that owes the work
    agency_name: str
    # Working days until the due date (due soon) or since it (overdue); 0 on the day itself.
    working_days: int
    # The escalation ladder's rung this notice is for (0 for a due-soon reminder).
    level: int
    # Where the recipient reports the work done (a signed, expiring link).
    link: str
    # The UID and SEQUENCE the deadline has in the recipient's calendar feed, so the .ics part
    # updates the same event instead of adding a copy.
    ics_uid: str
    ics_sequence: int
    modified: datetime


@dataclass(frozen=True)
class Recipient:
    agency_id: int
    name: str
    email: str
    # Copies: the agency head's address for the overdue rungs.
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class Digest:
    """One email: `kind` for one recipient on one day, with the items it is about."""

    kind: DigestKind
    recipient: Recipient
    day: date
    items: tuple[NoticeItem, ...]

    @property
    def item_set(self) -> str:
        """A short stable digest of which deadlines (and rungs) the email is about."""
        parts = sorted(f"{i.occurrence_id}.{i.role}.{i.level}" for i in self.items)
        return hashlib.sha256(",".join(parts).encode()).hexdigest()[:16]

    @property
    def key(self) -> str:
        """The outbox key: a due-soon digest is one per recipient and day; an overdue or
        escalation digest also names its item set, so a deadline that reaches a rung later the
        same day still gets its email while a rerun queues nothing new."""
        base = f"{self.kind}:{self.recipient.agency_id}:{self.recipient.email}:{self.day:%Y-%m-%d}"
        return base if self.kind == "due_soon" else f"{base}:{self.item_set}"

    @property
    def thread_items(self) -> tuple[int, ...]:
        """The items an overdue or escalation thread is about: repeats about the same items
        to the same recipient reply to one deterministic root message."""
        return tuple(sorted({i.item_id for i in self.items}))

    def by_role(self, role: Role) -> list[NoticeItem]:
        return sorted(
            (i for i in self.items if i.role == role),
            key=lambda i: (i.due, i.plan_number or "", i.seq, i.agency_name),
        )
