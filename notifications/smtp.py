"""The SMTP sender: claims outbox rows, sends their stored bytes over a few reused
connections, records each outcome in the outbox.

One event loop runs a claimer (rows taken in batches, committed before anything is sent),
`connections` workers (one aiosmtplib connection each, kept across messages) and a marker
(outcomes written in batches). Database calls run in threads, in short transactions; none is
open while a worker talks to the server. Each accepted message is in the run's journal
(notifications.journal) before its connection sends the next: a killed run resends at most
one accepted message per connection, as the next run replays the journal before claiming.

A transient failure (4xx, disconnect, timeout) is queued again after an exponential backoff
with full jitter; a row coming due while the run still works, or within `retry_window`
seconds of it running out of work, is retried in the same run. A server that stops
mid-transaction may have delivered the message anyway (RFC 1047): a retry can then duplicate
it, which SMTP cannot prevent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosmtplib
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dondoc.core.clock import now_utc
from dondoc.core.db import get_engine
from dondoc.core.settings import get_settings
from notifications import outbox
from notifications.delivery import DeliveryError, SmtpConfig, classify
from notifications.journal import Journal, start
from notifications.outbox import Claimed

log = logging.getLogger(__name__)
# A connection unused this long is checked with NOOP before the next message: the server
# may have closed it, and a message should not spend an attempt finding that out.
IDLE_CHECK_SECONDS = 5.0
# Outcomes are recorded when this many are waiting, or this long after the first one.
FLUSH_ROWS, FLUSH_SECONDS = 200, 0.1
# RFC 5321 §4.5.3.2.6: a client waits 10 minutes for the reply to the final dot. Giving up
# sooner resent a message the server had accepted (113 duplicates with a 2 s timeout against
# a server answering in 5 s); the connection's timeout still bounds connecting and greeting.
FINAL_DOT_SECONDS = 600.0


@dataclass
class SendReport:
    sent: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, error)
    retried: int = 0
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (key, address, reply)
    still_queued: int = 0
    held: int = 0  # rows other senders hold ("sending"): alive, or dead until their lease ends

    @property
    def waiting(self) -> int:
        """Emails not delivered yet that this run leaves behind (queued or held)."""
        return self.still_queued + self.held


@dataclass
class _Outcome:
    item: Claimed
    refused: dict[str, str] = field(default_factory=dict)
    error: DeliveryError | None = None


def default_worker() -> str:
    """Unique per run: two runs in one process must not own each other's rows."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class _Run:
    """One send: a claimer, `connections` workers and a marker on one event loop, sharing
    the fields below. Each is written by the task named and read by the others; nothing
    else changes them, and no await separates a field's update from the ones it goes with.

    - `todo`: claimed rows waiting for a worker, then one `None` per worker to stop it
      (claimer puts, workers get).
    - `unsent`: row id → row, claimed and not yet handed to SMTP (claimer adds, a worker
      removes as it starts sending or gives a row up). What is left at the end is released
      to the queue, so a stopped run never strands a row it did not try.
    - `outstanding`: ids claimed whose outcome is not yet recorded (claimer adds, marker
      removes after the write; a worker removes a row it gives up for its lease). While it
      is not empty the claimer does not stop: a recorded retry may be due in this run.
    - `results`: outcomes a worker produced, not yet written (workers append, marker takes
      the whole list). `results_ready` is set whenever it grows or a worker ends.
    - `journal`: holds every accepted row in `results` or in the write under way (a worker
      adds it as it appends); emptied by the marker when a write leaves `results` empty,
      removed by `_finish` once everything is written.
    - `running_low`: set by a worker when `todo` falls to `low_water`, so the claimer
      claims the next batch before the workers run dry.
    - `recorded`: set by the marker after each write, waking a claimer that waits for
      outstanding outcomes.
    - `draining` / `exhausted`: the last claim found nothing and the queue is empty: the
      marker writes outcomes at once instead of waiting to batch them.
    - `claims`, `next_reclaim`: claimer-only counters (a small first claim; look for dead
      senders' rows at the start and every quarter lease).
    - `live_workers`: workers still running (each decrements once as it ends); the marker
      ends when it is 0 and nothing is left to write.
    - `abort`: set once by a worker on a permanent connection failure (bad credentials,
      5xx at connect); every task then stops taking new work and the run raises it.
    """

    engine: Engine
    config: SmtpConfig
    worker: str
    now: Callable[[], datetime]
    batch: int
    retry_window: float
    stop_when_idle: bool
    poll_seconds: float
    on_progress: Callable[[SendReport], None] | None

    def __post_init__(self) -> None:
        self.lease = timedelta(seconds=self.config.lease_seconds)
        # a send may wait this long for the final dot's reply, and must end inside the lease
        self.send_timeout = timedelta(seconds=min(FINAL_DOT_SECONDS, self.config.lease_seconds / 3))
        self.report = SendReport()
        self.todo: asyncio.Queue[Claimed | None] = asyncio.Queue()
        self.unsent: dict[int, Claimed] = {}  # claimed, not yet handed to SMTP
        self.outstanding: set[int] = set()  # claimed, outcome not yet recorded
        self.results: list[_Outcome] = []
        self.results_ready = asyncio.Event()
        # Claim more while half a batch is still queued: the workers never wait for a claim.
        self.low_water = max(self.config.connections, self.batch // 2)
        self.running_low = asyncio.Event()
        self.recorded = asyncio.Event()  # outcomes were written: a retry may be due
        # The last rows are in flight and nothing more is claimable: record outcomes at
        # once, since no others will come to batch them with.
        self.draining = asyncio.Event()
        self.exhausted = False
        self.claims = 0
        self.next_reclaim = 0.0
        self.live_workers = self.config.connections
        self.abort: DeliveryError | None = None
        self.local_hostname = "localhost"
        self.journal: Journal | None = None

    async def run(self) -> SendReport:
        self.local_hostname = await asyncio.to_thread(socket.getfqdn)
        if (directory := self.config.journal_dir) is not None:  # dead runs' replayed first
            self.journal = await asyncio.to_thread(start, directory, self.engine, self.worker)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._marker())
                for _ in range(self.config.connections):
                    group.create_task(self._worker())
                await self._claimer()
                for _ in range(self.config.connections):
                    self.todo.put_nowait(None)
        finally:
            # Stopped early (an error, a cancel): keep what is known, give back what was
            # never sent. Rows in flight are left to their lease.
            left, self.results = self.results, []
            await asyncio.shield(asyncio.to_thread(self._finish, left))
        if self.abort is not None:
            raise self.abort
        return self.report

    def _finish(self, left: list[_Outcome]) -> None:
        if left:
            self._record(left)
        if self.journal is not None:
            self.journal.close(recorded=True)
        with Session(self.engine) as session, session.begin():
            if self.unsent:
                outbox.release(session, sorted(self.unsent), self.worker)
            left = outbox.counts(session)
            self.report.still_queued, self.report.held = left["queued"], left["sending"]

    async def _claimer(self) -> None:
        while self.abort is None:
            self.running_low.clear()
            self.recorded.clear()
            if self.todo.qsize() > self.low_water:
                await self._wait(self.running_low, 1.0)
                continue
            # A small first claim: sending starts before a whole batch is read.
            limit = self.batch if self.claims else min(self.batch, 4 * self.config.connections)
            self.claims += 1
            # Dead senders' rows: looked for at the start and every quarter lease after.
            reclaim = time.monotonic() >= self.next_reclaim
            if reclaim:
                self.next_reclaim = time.monotonic() + self.lease.total_seconds() / 4
            claimed = await asyncio.to_thread(
                outbox.claim,
                self.engine,
                worker=self.worker,
                limit=limit,
                now=self.now(),
                lease=self.lease,
                reclaim=reclaim,
            )
            if reclaim and claimed:
                # there may be more dead senders' rows than one claim takes: look again on
                # the next claim, until a look finds none (they drained 16 a run before)
                self.next_reclaim = 0.0
            for item in claimed:
                self.unsent[item.id] = item
                self.outstanding.add(item.id)
                self.todo.put_nowait(item)
            self.exhausted = not claimed
            if claimed:
                self.draining.clear()
                continue
            if self.outstanding:  # outcomes still to come may be retries due soon
                if self.todo.empty():
                    self.draining.set()
                await self._wait(self.recorded, 0.5)
                continue
            wait = await asyncio.to_thread(self._seconds_to_next_due)
            if wait is None or wait > self.retry_window:
                if self.stop_when_idle:
                    return
                wait = self.poll_seconds if wait is None else min(wait, self.poll_seconds)
            await asyncio.sleep(max(wait, 0.0))

    async def _wait(self, event: asyncio.Event, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def _seconds_to_next_due(self) -> float | None:
        with Session(self.engine) as session:
            due = outbox.next_due(session)
        return None if due is None else (due - self.now()).total_seconds()

    async def _worker(self) -> None:
        smtp: aiosmtplib.SMTP | None = None
        last_used = 0.0
        try:
            while (item := await self.todo.get()) is not None:
                if self.todo.qsize() <= self.low_water:
                    self.running_low.set()
                if self.exhausted and self.todo.empty():
                    self.draining.set()
                if self.abort is not None:
                    continue  # stays in `unsent`, released at the end
                if self.now() - item.claimed_at >= self.lease - 2 * self.send_timeout:
                    # Another sender may own it by now: do not send, do not mark.
                    log.warning("outbox row %s: lease nearly over before sending", item.id)
                    self.unsent.pop(item.id, None)
                    self.outstanding.discard(item.id)
                    continue
                try:
                    smtp = await self._connected(smtp, last_used)
                except Exception as exc:
                    smtp = None
                    error = classify(exc)
                    if not error.transient:  # the server or our credentials: stop the run
                        self.abort = error
                        continue
                    self.unsent.pop(item.id, None)
                    self._done(_Outcome(item, error=error))
                    continue
                self.unsent.pop(item.id, None)
                self._done(await self._send(smtp, item))
                last_used = time.monotonic()
                if not smtp.is_connected:
                    smtp = None
            if smtp is not None:
                try:
                    await asyncio.wait_for(smtp.quit(), self.config.timeout)
                except Exception:
                    smtp.close()
        finally:
            if smtp is not None:
                smtp.close()
            self.live_workers -= 1
            self.results_ready.set()

    async def _connected(self, smtp: aiosmtplib.SMTP | None, last_used: float) -> aiosmtplib.SMTP:
        """The worker's connection, opened again if it was lost (or went quiet and died)."""
        if smtp is not None and smtp.is_connected:
            if time.monotonic() - last_used < IDLE_CHECK_SECONDS:
                return smtp
            try:
                await smtp.noop()
                return smtp
            except Exception:
                smtp.close()
        config = self.config
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            timeout=config.timeout,
            start_tls=config.starttls,
            local_hostname=self.local_hostname,
        )
        await smtp.connect()
        return smtp

    async def _send(self, smtp: aiosmtplib.SMTP, item: Claimed) -> _Outcome:
        try:
            refused, _ = await smtp.sendmail(
                item.mail_from,
                list(item.recipients),
                item.message,
                timeout=self.send_timeout.total_seconds(),
            )
        except Exception as exc:
            return _Outcome(item, error=classify(exc))
        return _Outcome(item, refused={a: f"{r.code} {r.message}" for a, r in refused.items()})

    def _done(self, outcome: _Outcome) -> None:
        if self.journal is not None and outcome.error is None:  # before the next is sent
            self.journal.accepted(outcome.item.id)
        self.results.append(outcome)
        self.results_ready.set()

    async def _marker(self) -> None:
        while True:
            await self.results_ready.wait()
            if self.live_workers and len(self.results) < FLUSH_ROWS:
                # Outcomes are written in batches: a commit per message would cost more
                # than sending it. (A kill in between: the journal has them.)
                await self._wait(self.draining, FLUSH_SECONDS)
            self.results_ready.clear()
            if self.results:
                batch, self.results = self.results, []
                await asyncio.to_thread(self._record, batch)
                if self.journal is not None and not self.results:
                    self.journal.clear()  # everything it holds is committed
                self.outstanding.difference_update(o.item.id for o in batch)
                self.recorded.set()
                if self.on_progress is not None:
                    self.on_progress(self.report)
            elif self.live_workers == 0:
                return

    def _record(self, batch: list[_Outcome]) -> None:
        """Every outcome of `batch` in one transaction; the plain successes in one UPDATE."""
        now = self.now()
        report, worker = self.report, self.worker
        with Session(self.engine) as session, session.begin():
            plain = [o.item.id for o in batch if o.error is None and not o.refused]
            report.sent += len(outbox.mark_sent_many(session, plain, worker, now))
            for o in batch:
                item, error = o.item, o.error
                if error is None:
                    if o.refused and outbox.mark_sent(session, item.id, worker, now, o.refused):
                        report.sent += 1
                        report.refused += [(item.key, a, r) for a, r in o.refused.items()]
                elif error.transient and item.attempts < self.config.max_attempts:
                    delay = self.config.backoff(item.attempts)
                    if outbox.mark_retry(session, item.id, worker, now, error.message, delay):
                        report.retried += 1
                elif outbox.mark_failed(session, item.id, worker, error.message):
                    report.failed.append((item.key, error.message))


async def send_outbox(
    database_url: str,
    config: SmtpConfig,
    *,
    worker: str | None = None,
    now: Callable[[], datetime] = now_utc,
    batch: int = 200,
    retry_window: float | None = None,
    stop_when_idle: bool = True,
    poll_seconds: float = 5.0,
    on_progress: Callable[[SendReport], None] | None = None,
) -> SendReport:
    """Send what the outbox holds until nothing is claimable and no retry comes due within
    `retry_window` seconds (default: the config's; rows due later stay queued for the next
    run). With `stop_when_idle` False it keeps polling every `poll_seconds` until cancelled.

    Raises DeliveryError (permanent) when the server refuses the connection itself (AUTH,
    EHLO, STARTTLS): every message would fail alike, so they stay queued."""
    if not config.host:
        raise DeliveryError("no SMTP host is configured (DONDOC_SMTP_HOST)", transient=False)
    window = config.retry_window_seconds if retry_window is None else retry_window
    options = (batch, window, stop_when_idle, poll_seconds, on_progress)
    engine = get_engine(database_url)
    return await _Run(engine, config, worker or default_worker(), now, *options).run()


def send_outbox_sync(database_url: str, config: SmtpConfig, **options: Any) -> SendReport:
    """`send_outbox` for synchronous callers (the CLI, Prefect tasks); same options."""
    return asyncio.run(send_outbox(database_url, config, **options))


def send_if_configured(database_url: str, **options: Any) -> SendReport | None:
    """Send the outbox when DONDOC_SMTP_HOST is set; None when it is not, and the mail stays
    queued for `dondoc outbox send`."""
    if not get_settings().smtp_host:
        return None
    return send_outbox_sync(database_url, SmtpConfig.from_settings(), **options)
