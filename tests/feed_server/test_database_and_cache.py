"""The feed server's database and cache: an outage is a 503, a popular feed is served from
memory and built once, tokens stay out of the access log, and the real server over HTTP."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import make_url

from calendars.tokens import find_token
from dondoc.core.db import get_engine, session_scope
from dondoc.stack import free_port
from dondoc.web.app import RedactFeedTokens, uvicorn_log_config
from tests.support.feed_server import (
    UNKNOWN,
    Client,
    Seeded,
    expected,
    feed_path,
    make_app,
)

# --- the database and the cache -----------------------------------------------------------


def _gone(database_url: str, tmp_path: Path) -> str:
    """The same server without its database: a SQLite file whose folder is not a folder,
    or a PostgreSQL database that does not exist."""
    if database_url.startswith("sqlite"):
        (tmp_path / "data").write_text("not a folder")
        return f"sqlite:///{tmp_path / 'data' / 'dondoc.sqlite3'}"
    missing = make_url(database_url).set(database=f"gone_{uuid.uuid4().hex[:12]}")
    return missing.render_as_string(hide_password=False)


def test_a_database_that_is_gone_gets_503(
    seeded: Seeded, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = _gone(seeded.url, tmp_path)
    client = Client(make_app(url))
    try:
        with caplog.at_level(logging.WARNING):
            response = client.get(feed_path(seeded.khuong))
            malformed = client.get(feed_path("short"))
    finally:
        if not url.startswith("sqlite"):
            get_engine(url).dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "60"
    assert malformed.status_code == 404  # refused before the database is opened
    assert "feed database unavailable" in caplog.text
    assert seeded.khuong not in caplog.text


def test_the_cache_serves_a_popular_feed_from_memory(seeded: Seeded, queries: list[str]) -> None:
    client = Client(make_app(seeded.url, cache_seconds=60))
    first = client.get(feed_path(seeded.plan))
    built = len(queries)
    assert built > 0
    again = [client.get(feed_path(seeded.plan)) for _ in range(5)]
    assert len(queries) == built
    assert {r.content for r in again} == {first.content}
    # The documented price: a revoked token works until its cached feed expires.
    with session_scope(seeded.url) as session:
        row = find_token(session, seeded.plan)
        assert row is not None
        row.revoke(datetime.now(UTC))
    assert client.get(feed_path(seeded.plan)).status_code == 200
    assert client.get(feed_path(UNKNOWN)).status_code == 404


def test_concurrent_polls_of_an_expired_feed_build_it_once(
    seeded: Seeded, queries: list[str]
) -> None:
    app = make_app(seeded.url, cache_seconds=60)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await asyncio.gather(*(client.get(feed_path(seeded.khuong)) for _ in range(10)))

    responses = asyncio.run(burst())
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert sum("feed_token" in q for q in queries) == 1


def _access_line(method: str, path: str, status: int) -> str:
    """uvicorn's access-log line for one request, after the redacting filter."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", method, path, "1.1", status),
        None,
    )
    RedactFeedTokens().filter(record)
    return record.getMessage()


def test_access_logs_do_not_show_tokens(seeded: Seeded) -> None:
    feed = _access_line("GET", feed_path(seeded.khuong) + "?x=1", 200)
    assert feed == '127.0.0.1:5000 - "GET /feeds/… HTTP/1.1" 200'
    token = feed_path(seeded.khuong).removeprefix("/feeds/").removesuffix(".ics")
    for spelling in (f"/feeds/{token}", f"/FEEDS/{token}.ICS", f"/feeds/{token}/x.ics"):
        assert token not in _access_line("GET", spelling, 404)
    assert _access_line("GET", f"/healthz?token={token}", 200).count("?…") == 1
    done = _access_line("POST", f"/done/{seeded.khoong}.signature", 303)
    assert done == '127.0.0.1:5000 - "POST /done/… HTTP/1.1" 303'
    assert _access_line("GET", "/healthz", 200) == '127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200'
    config = uvicorn_log_config()  # what `dondoc serve` hands uvicorn
    assert config["filters"]["redact_tokens"] == {"()": RedactFeedTokens}
    assert config["handlers"]["access"]["filters"] == ["redact_tokens"]


# --- real HTTP ----------------------------------------------------------------------------


def test_the_real_server_serves_a_feed_over_http(seeded: Seeded) -> None:
    port = free_port()
    config = uvicorn.Config(
        make_app(seeded.url), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            assert thread.is_alive(), "uvicorn stopped"
            time.sleep(0.02)
        base = f"http://127.0.0.1:{port}"
        response = httpx.get(base + feed_path(seeded.khuong), timeout=10)
        assert response.status_code == 200
        assert response.content == expected(seeded, seeded.khuong).body
        again = httpx.get(
            base + feed_path(seeded.khuong),
            headers={"If-None-Match": response.headers["etag"]},
            timeout=10,
        )
        assert again.status_code == 304 and again.content == b""
        head = httpx.head(base + feed_path(seeded.khuong), timeout=10)
        assert head.headers["content-length"] == str(len(response.content))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GET /feeds/../../etc/passwd.ics HTTP/1.1\r\nHost: x\r\n\r\n")
            assert raw.recv(64).startswith(b"HTTP/1.1 404 ")
    finally:
        server.should_exit = True
        thread.join(10)
