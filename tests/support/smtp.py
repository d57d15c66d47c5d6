"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) that keeps every message it accepts
and can misbehave on request, so the sender is tested against the replies, disconnects and
silences of a real server rather than a mock.

Faults count down: "the first N connections / commands" get the fault, later ones are served
normally. The connection aiosmtpd makes to itself on start is never faulted.

The slow-server fault delays the greeting, before any transaction: a server that goes quiet
after the final "." of DATA may have accepted the message, and a client that times out then
cannot know, so a retry duplicates it whatever the client does (RFC 1047)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from dondoc.stack import free_port


@dataclass
class Faults:
    """What the server does wrong, and how many more times."""

    connect_421: int = 0  # reply 421 instead of the greeting, then hang up
    connect_554: int = 0  # reply 554 (no service here, a permanent refusal) instead
    mail_421: int = 0  # reply 421 to MAIL FROM
    rcpt_451: int = 0  # reply 451 to RCPT TO
    data_451: int = 0  # reply 451 after the message's final "."
    disconnect_in_data: int = 0  # hang up after reading part of the message
    slow_greeting: int = 0  # wait `slow_seconds` before the greeting
    slow_data: int = 0  # accept the message, then wait `slow_seconds` before replying 250
    slow_seconds: float = 2.0
    reject: set[str] = field(default_factory=set)  # always 550 at RCPT TO for these
    fired: Counter[str] = field(default_factory=Counter)  # faults actually served

    def take(self, name: str) -> bool:
        """True (and one fewer left) when the fault `name` applies to this event."""
        left = getattr(self, name)
        if left <= 0:
            return False
        setattr(self, name, left - 1)
        self.fired[name] += 1
        return True


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def parsed(self) -> EmailMessage:
        message = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.sink.faults.take("mail_421"):
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.sink.faults.reject:
            self.sink.faults.fired["reject"] += 1
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if self.sink.faults.take("rcpt_451"):
            return "451 4.3.0 Temporary lookup failure"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.sink.faults.take("data_451"):
            return "451 4.3.0 Error: queue file write error"
        data = envelope.original_content
        assert isinstance(data, bytes) and envelope.mail_from is not None
        self.sink.keep(Received(envelope.mail_from, tuple(envelope.rcpt_tos), data))
        if self.sink.faults.take("slow_data"):
            await asyncio.sleep(self.sink.faults.slow_seconds)
        return "250 2.0.0 Ok: queued"


class _FaultySMTP(SMTP):
    """aiosmtpd's server with the connection-level faults (greeting, mid-DATA hang-up)."""

    def __init__(self, handler: _Handler, faults: Faults | None, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.faults = faults

    async def _handle_client(self) -> None:
        if self.faults is not None:
            for fault, reply in (
                ("connect_421", "421 4.3.2 Too many connections, try again later"),
                ("connect_554", "554 5.3.2 No SMTP service here"),
            ):
                if self.faults.take(fault):
                    await self.push(reply)
                    assert self.transport is not None
                    self.transport.close()
                    return
            if self.faults.take("slow_greeting"):
                await asyncio.sleep(self.faults.slow_seconds)
        await super()._handle_client()

    async def smtp_DATA(self, arg: str) -> None:
        envelope = self.envelope
        ready = envelope is not None and bool(envelope.rcpt_tos) and not arg
        if ready and self.faults is not None and self.faults.take("disconnect_in_data"):
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            for _ in range(3):  # a few header lines of the message, not its end
                await self._reader.readuntil(b"\r\n")
            assert self.transport is not None
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def __init__(self, sink: SmtpSink) -> None:
        super().__init__(
            _Handler(sink), hostname="127.0.0.1", port=sink.port, server_hostname="sink.test"
        )
        self.sink = sink

    def factory(self) -> SMTP:
        faults = self.sink.faults if self.sink.serving else None
        return _FaultySMTP(self.handler, faults, **self.SMTP_kwargs)


class SmtpSink:
    """The test server: `start()`/`stop()` (stopped, its port refuses connections),
    `faults` to misbehave, `received` for what it accepted."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.faults = Faults()
        self.received: list[Received] = []
        self.serving = False
        self._lock = threading.Lock()
        self._controller: _Controller | None = None

    def start(self) -> None:
        assert self._controller is None, "already started"
        self._controller = _Controller(self)  # a stopped controller cannot start again
        self._controller.start()
        self.serving = True

    def stop(self) -> None:
        if self._controller is not None:
            self.serving = False
            self._controller.stop()
            self._controller = None

    def keep(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def raw_messages(self) -> list[bytes]:
        """The bytes of every accepted message, in arrival order."""
        with self._lock:
            return [r.data for r in self.received]

    def message_ids(self) -> Counter[str]:
        """How many times each Message-ID arrived."""
        with self._lock:
            received = list(self.received)
        return Counter(str(r.parsed()["Message-ID"]).strip() for r in received)

    def messages_by_id(self) -> dict[str, list[Received]]:
        """Every accepted message under its Message-ID (a list: duplicates show)."""
        with self._lock:
            received = list(self.received)
        found: dict[str, list[Received]] = {}
        for r in received:
            found.setdefault(str(r.parsed()["Message-ID"]).strip(), []).append(r)
        return found


def digest_like(n: int, *, to: str | None = None, cc: Sequence[str] = ()) -> EmailMessage:
    """A small message shaped like a digest: Vietnamese text and HTML, a unique Message-ID."""
    message = EmailMessage()
    message["From"] = "dondoc <dondoc@example.org>"
    message["To"] = to or f"Văn phòng UBND xã {n} <xa{n}@example.vn>"
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = f"[Sắp đến hạn] {n} nhiệm vụ cần hoàn thành"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"t{n}", domain="example.org")
    lines = [f"{i}. Báo cáo tình hình thực hiện kế hoạch số {n}/KH-UBND" for i in range(20)]
    message.set_content("\n".join(lines))
    message.add_alternative("<ul>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>", "html")
    return message


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """A started SmtpSink on a free port of 127.0.0.1 (`.port`), stopped after the test."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
