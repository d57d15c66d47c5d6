"""Outbox queries: queue a rendered message once per key, claim rows to send, record what the
SMTP server said. No Prefect and no SMTP here: the sender (notifications.smtp) calls these in
short transactions of their own, never holding one open while it talks to a server.

Every mark is a conditional UPDATE on (id, status 'sending', claimed_by): a sender whose lease
expired, and whose row another sender claimed since, cannot overwrite that sender's outcome."""

from __future__ import annotations

import email.policy
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid, parseaddr
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dondoc.core.clock import as_utc, now_utc
from models.bulk import chunks
from models.outbox import OUTBOX_STATUSES, OutboxMessage

log = logging.getLogger(__name__)
T = OutboxMessage.__table__


@dataclass(frozen=True)
class NewMessage:
    """One message to queue (what `queue_many` takes)."""

    key: str
    kind: str
    agency_id: int | None
    day: date
    message: EmailMessage
    occurrence_ids: Sequence[int] = ()


@dataclass(frozen=True)
class Claimed:
    """A row this sender owns until it marks it: exactly what to hand the SMTP server."""

    id: int
    key: str
    mail_from: str  # the envelope sender (the address in the From header)
    recipients: tuple[str, ...]
    message: bytes
    attempts: int  # this attempt included
    claimed_at: datetime


@dataclass(frozen=True)
class OutboxEntry:
    """A row as `dondoc outbox list` shows it (without the message bytes)."""

    id: int
    key: str
    kind: str
    agency_id: int | None
    day: date
    message_id: str
    subject: str
    mail_from: str
    recipients: list[str]
    status: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None
    refused: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "kind": self.kind,
            "agency_id": self.agency_id,
            "day": self.day.isoformat(),
            "message_id": self.message_id,
            "subject": self.subject,
            "from": self.mail_from,
            "to": self.recipients,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "last_error": self.last_error,
            "refused": self.refused,
        }


def envelope_recipients(message: EmailMessage) -> list[str]:
    """Every address in To and Cc, once each, in order: the SMTP envelope."""
    fields = [str(value) for name in ("To", "Cc") for value in message.get_all(name, [])]
    return list(dict.fromkeys(address for _, address in getaddresses(fields) if address))


def _row(new: NewMessage, now: datetime) -> dict[str, Any]:
    message = new.message
    sender = str(message["From"] or "")
    if message["Message-ID"] is None:
        # The sender and the tests tell copies apart by Message-ID: every row has one.
        domain = parseaddr(sender)[1].rpartition("@")[2] or "dondoc.invalid"
        message["Message-ID"] = make_msgid(domain=domain)
    return {
        "key": new.key,
        "kind": new.kind,
        "agency_id": new.agency_id,
        "day": new.day,
        "message_id": str(message["Message-ID"]).strip(),
        "subject": str(message["Subject"] or ""),
        "mail_from": sender,
        "recipients": envelope_recipients(message),
        "message": message.as_bytes(policy=email.policy.SMTP),
        "occurrence_ids": list(new.occurrence_ids),
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "refused": {},
        "created_at": now,
    }


def queue_many(session: Session, rows: Iterable[NewMessage], now: datetime | None = None) -> int:
    """Queue messages in multi-row INSERTs; a key already queued is skipped.
    Returns how many rows were inserted."""
    moment = as_utc(now or now_utc())
    values = [_row(new, moment) for new in rows]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    if not values:
        return 0
    statement = insert(T).on_conflict_do_nothing(index_elements=["key"]).returning(T.c.id)
    # SQLAlchemy batches the rows into multi-row INSERTs itself ("insertmanyvalues"), its
    # pages under the database's parameter limit. RETURNING, not rowcount: psycopg
    # reports -1 for a multi-row INSERT.
    return len(session.execute(statement, values).all())


def queue(
    session: Session,
    *,
    key: str,
    kind: str,
    agency_id: int | None,
    day: date,
    message: EmailMessage,
    occurrence_ids: Sequence[int],
) -> bool:
    """Queue one rendered message under `key`; False when that key was queued before."""
    new = NewMessage(key, kind, agency_id, day, message, tuple(occurrence_ids))
    return queue_many(session, [new]) == 1


def claim(
    engine: Engine,
    *,
    worker: str,
    limit: int,
    now: datetime,
    lease: timedelta,
    reclaim: bool = True,
) -> list[Claimed]:
    """Take up to `limit` rows to send, committed before any of them is sent: queued rows
    that are due and (with `reclaim`) rows a sender claimed longer than `lease` ago (it
    died). Finding those reads every row being sent, so a sender looks only now and then."""
    now = as_utc(now)
    # Index searches on (status, next_attempt_at), never a scan: a row's status sits after
    # its message bytes, so testing it outside the index reads the whole message.
    expired = and_(T.c.status == "sending", T.c.claimed_at < now - lease)
    due = and_(T.c.status == "queued", T.c.next_attempt_at <= now)
    picks = [select(T.c.id).where(due).order_by(T.c.next_attempt_at, T.c.id).limit(limit)]
    if reclaim:
        picks.insert(0, select(T.c.id).where(expired).order_by(T.c.id).limit(limit))
    take = (
        update(T)
        .values(status="sending", claimed_by=worker, claimed_at=now, attempts=T.c.attempts + 1)
        .returning(T.c.id, T.c.attempts)
    )
    with Session(engine) as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            # Rows another sender has locked are skipped, not waited for.
            ids: list[int] = []
            for pick in picks:
                if len(ids) < limit:
                    locking = pick.limit(limit - len(ids)).with_for_update(skip_locked=True)
                    ids += session.scalars(locking).all()
            if not ids:
                return []
            taken = take.where(T.c.id.in_(ids), or_(expired, due))
        else:
            # One statement under SQLite's single writer lock: atomic by itself, so the
            # rows it picks are still claimable when it updates them.
            both = union_all(*(select(pick.subquery().c.id) for pick in picks)).subquery()
            taken = take.where(T.c.id.in_(select(both.c.id).limit(limit)))
        attempts = dict(session.execute(taken).tuples().all())
        if not attempts:
            return []
        # Read apart from the UPDATE: SQLite's RETURNING of the blobs costs more.
        content = select(T.c.id, T.c.key, T.c.mail_from, T.c.recipients, T.c.message)
        rows = session.execute(content.where(T.c.id.in_(attempts)).order_by(T.c.id)).all()
    return [
        Claimed(
            id=row.id,
            key=row.key,
            mail_from=_address(row.mail_from),
            recipients=tuple(row.recipients),
            message=bytes(row.message),
            attempts=attempts[row.id],
            claimed_at=now,
        )
        for row in rows
    ]


@lru_cache(maxsize=64)
def _address(header: str) -> str:
    """The address of a From header (a run's rows mostly share one)."""
    return parseaddr(header)[1]


def _owned(ids: Sequence[int], worker: str) -> Any:
    """Rows still claimed by `worker`: the condition of every mark."""
    return and_(T.c.id.in_(ids), T.c.status == "sending", T.c.claimed_by == worker)


def _mark(session: Session, row_id: int, worker: str, what: str, **values: Any) -> bool:
    done = session.execute(update(T).where(_owned([row_id], worker)).values(**values)).rowcount
    if done != 1:
        log.warning("outbox row %s is no longer claimed by %s: not marked %s", row_id, worker, what)
    return done == 1


def mark_sent(
    session: Session, row_id: int, worker: str, now: datetime, refused: dict[str, str]
) -> bool:
    """The server accepted the message (for some recipients at least: `refused` are the
    others, with its replies). False when the row is no longer this worker's."""
    return _mark(
        session, row_id, worker, "sent", status="sent", sent_at=as_utc(now), refused=dict(refused)
    )


def mark_sent_many(
    session: Session, ids: Sequence[int], worker: str, now: datetime, *, quiet: bool = False
) -> set[int]:
    """Mark sent, with no refusals, every row of `ids` still this worker's; the ids marked.
    `quiet`: rows no longer the worker's are expected (a journal's replay), not logged."""
    marked: set[int] = set()
    for chunk in chunks(session, ids):
        statement = (
            update(T)
            .where(_owned(chunk, worker))
            .values(status="sent", sent_at=as_utc(now), refused={})
            .returning(T.c.id)
        )
        marked.update(session.scalars(statement))
    for lost in [] if quiet else sorted(set(ids) - marked):
        log.warning("outbox row %s is no longer claimed by %s: not marked sent", lost, worker)
    return marked


def mark_retry(
    session: Session, row_id: int, worker: str, now: datetime, error: str, delay: timedelta
) -> bool:
    """A transient failure: queued again, due after `delay`."""
    due = as_utc(now) + delay
    return _mark(
        session, row_id, worker, "for retry", status="queued", next_attempt_at=due, last_error=error
    )


def mark_failed(session: Session, row_id: int, worker: str, error: str) -> bool:
    """A permanent failure, or the last attempt: not sent again unless requeued. The row
    keeps when it was last claimed."""
    return _mark(session, row_id, worker, "failed", status="failed", last_error=error)


def release(session: Session, ids: Sequence[int], worker: str) -> int:
    """Give back claimed rows this sender never handed to SMTP (it was stopped): queued and
    due as before, the attempt uncounted."""
    released = 0
    for chunk in chunks(session, ids):
        statement = (
            update(T)
            .where(_owned(chunk, worker))
            .values(status="queued", attempts=T.c.attempts - 1)
        )
        released += session.execute(statement).rowcount
    return released


def requeue(session: Session, ids: Sequence[int] | None, now: datetime) -> list[int]:
    """`dondoc outbox retry`: failed rows (and queued ones waiting out a backoff) due now
    with a fresh count of attempts. `ids` None: every failed row. The ids requeued."""
    if ids is None:
        which = T.c.status == "failed"
    else:
        which = and_(T.c.id.in_(list(ids)), T.c.status.in_(("failed", "queued")))
    statement = (
        update(T)
        .where(which)
        .values(status="queued", attempts=0, next_attempt_at=as_utc(now))
        .returning(T.c.id)
    )
    return sorted(session.scalars(statement))


def list_messages(
    session: Session, status: str | None = None, day: date | None = None, limit: int | None = 100
) -> list[OutboxEntry]:
    """The newest rows first, without their bytes."""
    columns = [c for c in T.c if c.name not in ("message", "occurrence_ids", "created_at")]
    query = select(*columns).order_by(T.c.id.desc()).limit(limit)
    if status is not None:
        query = query.where(T.c.status == status)
    if day is not None:
        query = query.where(T.c.day == day)
    return [
        OutboxEntry(
            id=row.id,
            key=row.key,
            kind=row.kind,
            agency_id=row.agency_id,
            day=row.day,
            message_id=row.message_id,
            subject=row.subject,
            mail_from=row.mail_from,
            recipients=list(row.recipients),
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=as_utc(row.next_attempt_at),
            sent_at=as_utc(row.sent_at) if row.sent_at else None,
            last_error=row.last_error,
            refused=dict(row.refused or {}),
        )
        for row in session.execute(query)
    ]


def counts(session: Session, day: date | None = None) -> dict[str, int]:
    """Rows per status (every status present, zero included)."""
    query = select(T.c.status, func.count()).group_by(T.c.status)
    if day is not None:
        query = query.where(T.c.day == day)
    found = {status: 0 for status in OUTBOX_STATUSES}
    found.update({status: n for status, n in session.execute(query).tuples()})
    return found


def next_due(session: Session) -> datetime | None:
    """When the earliest queued row comes due (None: nothing is queued)."""
    found = session.scalar(select(func.min(T.c.next_attempt_at)).where(T.c.status == "queued"))
    return as_utc(found) if found is not None else None
