"""Sending throughput: the outbox sender (`send_outbox`: claims, marks, retries bookkeeping)
against bare aiosmtplib sending the very same bytes over the same number of connections,
measured in the same run against the same SMTP sink.

    .venv/bin/python benchmarks/notify.py [--messages 10000] [--connections 4]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

The sink is aiosmtpd in a separate process: it counts each message and drops it. The messages
are pre-built digest-sized emails (15–30 KB, text and HTML). dondoc's run queues them in the
outbox (untimed) and times `send_outbox` until the outbox is empty; the database is a SQLite
file under --out, or a scratch schema on the PostgreSQL server of --database-url.
Target: dondoc sends at ≥ 80 % of the baseline's messages per second."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.policy
import json
import multiprocessing
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import aiosmtplib
from parse import machine
from rich.console import Console
from sqlalchemy import update
from sqlalchemy.engine import make_url

from dondoc.core.db import get_engine, session_scope
from dondoc.core.settings import Settings
from models.outbox import OutboxMessage
from models.schema import migrate, scratch_schema
from notifications.delivery import SmtpConfig
from notifications.outbox import NewMessage, counts, envelope_recipients, queue_many
from notifications.smtp import send_outbox

STDERR = Console(stderr=True)
TARGET = 0.80
DAY = date(2025, 6, 16)
SENDER = "dondoc@example.org"
Payload = tuple[list[str], bytes]  # envelope recipients, message bytes


def _sink(port: int, received: Any, ready: Any) -> None:
    """The sink process: aiosmtpd on 127.0.0.1:`port`, counting messages, keeping none."""
    import logging

    from aiosmtpd.smtp import SMTP

    class Count:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.value += 1
            return "250 2.0.0 Ok"

    logging.disable(logging.WARNING)
    loop = asyncio.new_event_loop()
    handler = Count()
    loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(handler, hostname="sink.bench", enable_SMTPUTF8=True, loop=loop),
            "127.0.0.1",
            port,
        )
    )
    ready.set()
    loop.run_forever()


@contextlib.contextmanager
def sink() -> Iterator[tuple[int, Any]]:
    """A running sink: its port and its shared count of messages received."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    context = multiprocessing.get_context("spawn")
    received, ready = context.Value("q", 0, lock=False), context.Event()
    process = context.Process(target=_sink, args=(port, received, ready), daemon=True)
    process.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the SMTP sink did not start")
        yield port, received
    finally:
        process.terminate()
        process.join(10)


def digest(n: int) -> EmailMessage:
    """A "Sắp đến hạn" digest's shape: 14–29 deadlines as text and as an HTML table."""
    message = EmailMessage()
    message["From"] = f"dondoc <{SENDER}>"
    message["To"] = f"Văn phòng UBND xã {n} <vp.xa{n}@example.vn>"
    message["Cc"] = f"Chủ tịch UBND xã {n} <ct.xa{n}@example.vn>"
    message["Subject"] = f"[Sắp đến hạn] {14 + n % 16} nhiệm vụ của UBND xã {n}"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"b{n}", domain="example.org")
    items = [
        (
            f"Kế hoạch số {k + 10}/KH-UBND ngày 10/01/2025 của UBND huyện về cải cách hành chính",
            f"Báo cáo kết quả thực hiện nhiệm vụ {k} (chủ trì), phối hợp Phòng Nội vụ",
            f"{(k % 28) + 1:02d}/06/2025",
        )
        for k in range(14 + n % 16)
    ]
    text = "\n\n".join(
        f"{i}. {plan}\n   {task}\n   Hạn: {due}" for i, (plan, task, due) in enumerate(items, 1)
    )
    message.set_content(f"Kính gửi Văn phòng UBND xã {n},\n\n{text}\n\n-- dondoc\n")
    rows = "".join(
        f'<tr><td style="padding:6px 8px;border-bottom:1px solid #e5e7eb">{i}</td>'
        f'<td style="padding:6px 8px;border-bottom:1px solid #e5e7eb">{plan}<br>'
        f'<span style="color:#4b5563;font-size:13px">{task}</span></td>'
        f'<td style="padding:6px 8px;border-bottom:1px solid #e5e7eb;white-space:nowrap">'
        f'<a href="https://dondoc.example.org/o/{n}-{i}/done">{due}</a></td></tr>'
        for i, (plan, task, due) in enumerate(items, 1)
    )
    html = (
        '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#111827">'
        f"<h2>Sắp đến hạn</h2><p>Kính gửi Văn phòng UBND xã {n},</p>"
        f'<table style="border-collapse:collapse;width:100%">{rows}</table></body></html>'
    )
    message.add_alternative(html, subtype="html")
    return message


async def bare_send(port: int, payloads: list[Payload], connections: int) -> None:
    """The baseline: aiosmtplib alone, `connections` reused connections, the same bytes."""
    pending = iter(payloads)

    async def worker() -> None:
        smtp = aiosmtplib.SMTP(
            hostname="127.0.0.1", port=port, start_tls=False, local_hostname="bench"
        )
        await smtp.connect()
        for recipients, data in pending:
            await smtp.sendmail(SENDER, recipients, data)
        await smtp.quit()

    await asyncio.gather(*(worker() for _ in range(connections)))


@contextlib.contextmanager
def database(url: str | None, out: Path) -> Iterator[str]:
    if url and make_url(url).get_backend_name() == "postgresql":
        with scratch_schema(url, "bench") as scratch:
            yield scratch
        return
    path = out / f"notify-{uuid.uuid4().hex[:8]}.sqlite3"
    url = url or f"sqlite:///{path.resolve()}"
    migrate(url)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()


def requeue_all(url: str) -> None:
    """Back to a fresh queue between rounds (untimed): the same rows are sent again."""
    with session_scope(url) as session:
        session.execute(
            update(OutboxMessage)
            .values(status="queued", attempts=0, claimed_at=None, claimed_by=None, sent_at=None)
            .execution_options(synchronize_session=False)
        )


def measure(
    args: argparse.Namespace, messages: list[EmailMessage], payloads: list[Payload]
) -> tuple[str, list[float], list[float]]:
    """Alternate rounds of the baseline and of dondoc; the seconds of each round."""
    baseline, dondoc = [], []
    with sink() as (port, received), database(args.database_url, args.out) as url:
        asyncio.run(bare_send(port, payloads[:200], args.connections))  # warm-up, untimed
        with session_scope(url) as session:
            rows = (NewMessage(f"b{n}", "due_soon", None, DAY, m) for n, m in enumerate(messages))
            queue_many(session, rows)
        config = SmtpConfig(
            host="127.0.0.1",
            port=port,
            connections=args.connections,
            journal_dir=args.out / "outbox-journal",
        )
        for round_ in range(args.repeat):
            received.value = 0
            start = time.perf_counter()
            asyncio.run(bare_send(port, payloads, args.connections))
            baseline.append(time.perf_counter() - start)
            check(received.value, args.messages, "baseline")

            if round_:
                requeue_all(url)
            received.value = 0
            start = time.perf_counter()
            report = asyncio.run(send_outbox(url, config, retry_window=0.0))
            dondoc.append(time.perf_counter() - start)
            check(received.value, args.messages, "dondoc")
            with session_scope(url) as session:
                check(counts(session)["sent"], args.messages, "dondoc marked sent")
            check(report.sent, args.messages, "dondoc reported sent")
            STDERR.print(
                f"round {round_ + 1}: baseline {args.messages / baseline[-1]:,.0f} msgs/s, "
                f"dondoc {args.messages / dondoc[-1]:,.0f} msgs/s"
            )
        return get_engine(url).dialect.name, baseline, dondoc


def check(found: int, wanted: int, what: str) -> None:
    if found != wanted:
        raise SystemExit(f"{what}: {found:,} messages, not {wanted:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=Settings().smtp_connections)
    parser.add_argument("--repeat", type=int, default=3, help="Rounds; the best of each counts.")
    parser.add_argument("--database-url", help="PostgreSQL server (a scratch schema is used)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    messages = [digest(n) for n in range(args.messages)]
    payloads = [(envelope_recipients(m), m.as_bytes(policy=email.policy.SMTP)) for m in messages]
    sizes = [len(data) for _, data in payloads]
    STDERR.print(
        f"built {len(messages):,} messages, {min(sizes) / 1e3:.0f}–{max(sizes) / 1e3:.0f} KB, "
        f"in {time.perf_counter() - start:.1f} s"
    )
    backend, baseline, dondoc = measure(args, messages, payloads)
    baseline_s, dondoc_s = min(baseline), min(dondoc)
    rate_base, rate_dondoc = args.messages / baseline_s, args.messages / dondoc_s
    ratio = rate_dondoc / rate_base
    megabytes = sum(sizes) / 1e6
    print(
        f"# notify send benchmark, {date.today()}, {machine()}, Python {sys.version.split()[0]}, "
        f"best of {args.repeat}"
    )
    print(
        f"{args.messages:,} messages ({megabytes:.0f} MB, two recipients each), "
        f"{args.connections} connections, aiosmtpd sink in its own process, outbox on {backend}\n"
    )
    print("| sender | seconds | msgs/s | MB/s |")
    print("|---|---:|---:|---:|")
    for label, seconds in (("bare aiosmtplib", baseline_s), ("dondoc send_outbox", dondoc_s)):
        print(
            f"| {label} | {seconds:.2f} | {args.messages / seconds:,.0f} "
            f"| {megabytes / seconds:.1f} |"
        )
    verdict = "met" if ratio >= TARGET else "MISSED"
    print(f"\ndondoc / bare: {ratio:.0%} of the baseline's msgs/s (target ≥ 80%: {verdict})")
    result = {
        "benchmark": "notify_send",
        "messages": args.messages,
        "connections": args.connections,
        "backend": backend,
        "repeat": args.repeat,
        "baseline_msgs_per_s": round(rate_base, 1),
        "dondoc_msgs_per_s": round(rate_dondoc, 1),
        "ratio": round(ratio, 3),
        "target_met": ratio >= TARGET,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
