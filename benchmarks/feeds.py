"""Feeds at nation scale: build the 10,000 agency feeds of the compiled corpus, then serve one
feed to 200 concurrent clients against the same bytes served as a static file by the same
stack (Starlette on uvicorn), in the same run.

    .venv/bin/python benchmarks/feeds.py [--plans N] [--agencies N] [--clients 200] [--seconds 10]

The corpus is the compile benchmark's (benchmarks/corpus.py), compiled untimed on SQLite.
The load comes from wrk (Debian's package) when it is installed, else from a bounded Python
generator on loopback; both report requests per second and p50/p99 latency."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from corpus import generate
from parse import machine
from rich.console import Console
from rich.progress import track

from calendars.feeds import FeedBuilder, FeedSpec, all_specs, write_feeds
from dondoc.core.db import get_engine, session_scope
from dondoc.stack import free_port
from models.schema import migrate
from tasks.schedule import CompileOptions, WorkCalendar, compile_plan

STDERR = Console(stderr=True)
TODAY = date(2025, 6, 16)  # mid-year: the window holds half a year back and the rest ahead


def compiled_corpus(url: str, agencies: int, plans: int) -> None:
    options = CompileOptions(WorkCalendar.from_file(None))
    corpus = generate(url, agencies=agencies, plans=plans, days=options.days)
    now = datetime.now(UTC)
    for plan_id in track(corpus.plan_ids, description="compiling (untimed)", console=STDERR):
        with session_scope(url) as session:
            compile_plan(session, plan_id, options, now=now)


def build_agency_feeds(url: str, out: Path, workers: int) -> tuple[float, int, int, int, int]:
    """`dondoc feeds build`'s own path, agency feeds only: seconds, feeds, events, bytes and
    the largest feed's bytes."""
    folder = out / f"built-{uuid.uuid4().hex[:6]}"
    try:
        with session_scope(url) as session:
            start = time.perf_counter()
            written = write_feeds(session, folder, TODAY, workers=workers, kinds={"agency"})
            seconds = time.perf_counter() - start
        sizes = [feed.path.stat().st_size for feed in written]
        return seconds, len(written), sum(f.events for f in written), sum(sizes), max(sizes)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _serve(url: str, static_dir: str, port: int) -> None:
    """The feed app plus a static mount of the same bytes, in one uvicorn process."""
    import logging

    import uvicorn
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from dondoc.web.app import create_app

    app = create_app(database_url=url, cache_seconds=3600, today=lambda: TODAY)
    app.router.routes.append(Mount("/static", StaticFiles(directory=static_dir)))
    logging.disable(logging.INFO)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextlib.contextmanager
def server(url: str, static_dir: Path) -> Iterator[int]:
    port = free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(url, str(static_dir), port), daemon=True
    )
    process.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.join(10)


def load_wrk(address: str, clients: int, seconds: int) -> tuple[float, float, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", address],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%")


def _wrk_ms(out: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_python(address: str, clients: int, seconds: int) -> tuple[float, float, float]:
    """A bounded load: `clients` loops on loopback for `seconds`, each request timed."""
    import httpx

    async def run() -> list[float]:
        latencies: list[float] = []
        stop = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def worker() -> None:
                while time.monotonic() < stop:
                    began = time.perf_counter()
                    response = await client.get(address)
                    response.raise_for_status()
                    latencies.append(time.perf_counter() - began)

            await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies

    latencies = asyncio.run(run())
    quantiles = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, quantiles[49] * 1000, quantiles[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--plans", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"feeds-{uuid.uuid4().hex[:8]}.sqlite3"
    url = f"sqlite:///{path.resolve()}"
    try:
        migrate(url)
        compiled_corpus(url, args.agencies, args.plans)
        seconds, feeds, events, size, largest = build_agency_feeds(url, args.out, args.workers)
        STDERR.print(f"built {feeds:,} agency feeds, {events:,} events in {seconds:.1f} s")
        rows = serve_rows(url, args)
    finally:
        get_engine(url).dispose()
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    print(f"# feeds benchmark, {date.today()}, {machine()}, Python {sys.version.split()[0]}")
    print(f"{args.agencies:,} agencies, {args.plans:,} plans; feeds as of {TODAY}\n")
    print("| step | feeds | events | MB | largest KB | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| build every agency feed ({args.workers} processes) | {feeds:,} | {events:,} "
        f"| {size / 1e6:.0f} "
        f"| {largest / 1e3:.0f} | {seconds:.1f} |\n"
    )
    print(
        f"| served ({args.clients} clients, {args.seconds} s, {rows[0][1]}) | req/s | p50 ms "
        "| p99 ms |"
    )
    print("|---|---:|---:|---:|")
    for label, _, rps, p50, p99 in rows:
        print(f"| {label} | {rps:,.0f} | {p50:.1f} | {p99:.1f} |")
    ratio = rows[0][2] / rows[1][2]
    print(f"\nfeed / static: {ratio:.0%} of the static file's requests per second (target ≥ 90%)")


def serve_rows(url: str, args: argparse.Namespace) -> list[tuple[str, str, float, float, float]]:
    """The busiest agency's feed through the feed route and as a static file."""
    from calendars.tokens import new_token
    from dondoc.core.settings import get_settings

    with session_scope(url) as session:
        specs = [spec for spec in all_specs(session) if spec.kind == "agency"]
        builder = FeedBuilder(session, TODAY)
        spec: FeedSpec = max(specs[:200], key=lambda s: builder.build(s).events)
        body = builder.build(spec).body
        secret = get_settings().signing_key()
        _, token = new_token(
            session, kind="agency", agency_id=spec.target_id, secret=secret, now=datetime.now(UTC)
        )
    static_dir = args.out / f"static-{uuid.uuid4().hex[:6]}"
    static_dir.mkdir()
    (static_dir / "feed.ics").write_bytes(body)
    tool = "wrk" if shutil.which("wrk") else "python"
    load = load_wrk if tool == "wrk" else load_python
    rows = []
    try:
        with server(url, static_dir) as port:
            base = f"http://127.0.0.1:{port}"
            for label, path in (
                ("feed route", f"/feeds/{token}.ics"),
                ("static file", "/static/feed.ics"),
            ):
                load(base + path, args.clients, 2)  # warm-up: the feed's first build, caches
                rps, p50, p99 = load(base + path, args.clients, args.seconds)
                rows.append((label, tool, rps, p50, p99))
    finally:
        shutil.rmtree(static_dir)
    return rows


if __name__ == "__main__":
    main()
