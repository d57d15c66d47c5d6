"""The feed server (dondoc.web.app) on SQLite and PostgreSQL: what calendar clients get for
good, conditional, odd and hostile requests, and that a database outage is a 503."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from icalendar import Calendar
from sqlalchemy import event
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from calendars.documents import FeedDocument
from calendars.feeds import load_token_feed
from calendars.tokens import find_token, new_token
from dondoc.core.db import get_engine, session_scope
from dondoc.web.app import RedactFeedTokens, create_app
from tasks.directory.resolve import Resolver
from tests.support.seeds import seed_song_ma

TODAY = date(2019, 3, 1)
COMPILED_AT = datetime(2019, 1, 15, 8, tzinfo=UTC)
SECRET = "test-secret"
# Two communes one letter apart: a mix-up would send one office the other's deadlines.
KHUONG = "UBND xã Chiềng Khương"
KHOONG = "UBND xã Chiềng Khoong"
UNKNOWN = "A" * 43  # the right shape, no row


@dataclass(frozen=True)
class Seeded:
    url: str
    khuong: str
    khoong: str
    plan: str


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    """The Sông Mã plan, approved and compiled in January 2019, with three feed tokens."""
    with session_scope(database_url) as session:
        plan_id = seed_song_ma(session, compile=True, at=COMPILED_AT)
        resolver = Resolver.from_session(session)

        def agency_token(name: str) -> str:
            agency_id = resolver.resolve(name).agency_id
            assert agency_id is not None, name
            return new_token(
                session, kind="agency", secret=SECRET, now=COMPILED_AT, agency_id=agency_id
            )[1]

        _, plan_token = new_token(
            session, kind="plan", secret=SECRET, now=COMPILED_AT, plan_id=plan_id
        )
        return Seeded(database_url, agency_token(KHUONG), agency_token(KHOONG), plan_token)


def make_app(url: str, cache_seconds: float = 0) -> Starlette:
    return create_app(database_url=url, cache_seconds=cache_seconds, today=lambda: TODAY)


@dataclass
class Client:
    """Requests to the app in-process, through httpx's ASGI transport."""

    app: Starlette

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return await client.request(method, path, headers=headers)

        return asyncio.run(send())

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("GET", path, headers)

    def head(self, path: str) -> httpx.Response:
        return self.request("HEAD", path)


@pytest.fixture
def client(seeded: Seeded) -> Client:
    return Client(make_app(seeded.url))


@pytest.fixture
def queries(database_url: str) -> Iterator[list[str]]:
    """Every SQL statement the database receives while the test runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = get_engine(database_url)
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def expected(seeded: Seeded, token: str) -> FeedDocument:
    with session_scope(seeded.url) as session:
        document = load_token_feed(session, token, TODAY)
    assert document is not None
    return document


def feed_path(token: str) -> str:
    return f"/feeds/{token}.ics"


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def calendar_name(body: bytes) -> str:
    return str(Calendar.from_ical(body).get("X-WR-CALNAME"))


def raw_asgi(app: Starlette, method: str, path: str, headers: list[tuple[bytes, bytes]]) -> int:
    """A request exactly as given (httpx would normalise `..` away); the response status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


# --- a feed and its validators ------------------------------------------------------------


def test_a_feed_is_served_with_its_validators(client: Client, seeded: Seeded) -> None:
    document = expected(seeded, seeded.khuong)
    response = client.get(feed_path(seeded.khuong))
    assert response.status_code == 200
    assert response.content == document.body
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["etag"] == document.etag
    assert response.headers["etag"].startswith('"')  # strong
    assert response.headers["cache-control"] == "private, max-age=3600"
    assert response.headers["content-length"] == str(len(document.body))
    modified = parsedate_to_datetime(response.headers["last-modified"])
    assert modified == document.last_modified.replace(microsecond=0)
    assert response.headers["last-modified"].endswith(" GMT")
    assert calendar_name(response.content).endswith(f"{KHUONG} (việc)")


def test_head_sends_the_headers_without_the_body(client: Client, seeded: Seeded) -> None:
    get = client.get(feed_path(seeded.khuong))
    head = client.head(feed_path(seeded.khuong))
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "etag", "last-modified", "cache-control", "content-length"):
        assert head.headers[name] == get.headers[name], name


def test_the_same_feed_is_byte_identical_on_every_request(client: Client, seeded: Seeded) -> None:
    first = client.get(feed_path(seeded.plan))
    second = client.get(feed_path(seeded.plan))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]


def test_two_agencies_never_get_each_others_feed(seeded: Seeded) -> None:
    # With the cache on: a key mix-up there would be the easiest way to cross feeds.
    client = Client(make_app(seeded.url, cache_seconds=60))
    for _ in range(2):
        khuong = client.get(feed_path(seeded.khuong))
        khoong = client.get(feed_path(seeded.khoong))
        assert calendar_name(khuong.content).endswith(f"{KHUONG} (việc)")
        assert calendar_name(khoong.content).endswith(f"{KHOONG} (việc)")
        assert khuong.content == expected(seeded, seeded.khuong).body
        assert khoong.content == expected(seeded, seeded.khoong).body
        assert khuong.headers["etag"] != khoong.headers["etag"]


def test_healthz_answers_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


# --- conditional requests -----------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    ["{etag}", "W/{etag}", '"stale", {etag}', '"a",W/{etag} , "b"', "*"],
    ids=["exact", "weak", "list", "weak-in-list", "star"],
)
def test_a_matching_if_none_match_gets_304(client: Client, seeded: Seeded, template: str) -> None:
    etag = client.get(feed_path(seeded.khuong)).headers["etag"]
    response = client.get(
        feed_path(seeded.khuong), headers={"If-None-Match": template.format(etag=etag)}
    )
    assert response.status_code == 304 and response.content == b""
    assert response.headers["etag"] == etag
    assert "content-type" not in response.headers


def test_a_stale_if_none_match_gets_the_feed(client: Client, seeded: Seeded) -> None:
    stale = expected(seeded, seeded.khoong).etag  # another feed's tag
    response = client.get(feed_path(seeded.khuong), headers={"If-None-Match": stale})
    assert response.status_code == 200 and response.content


def test_if_modified_since_at_or_after_last_modified_gets_304(
    client: Client, seeded: Seeded
) -> None:
    last_modified = client.get(feed_path(seeded.khuong)).headers["last-modified"]
    moment = parsedate_to_datetime(last_modified)
    for since in (last_modified, http_date(moment + timedelta(days=1))):
        response = client.get(feed_path(seeded.khuong), headers={"If-Modified-Since": since})
        assert response.status_code == 304, since
        assert response.headers["last-modified"] == last_modified
    older = http_date(moment - timedelta(seconds=1))
    response = client.get(feed_path(seeded.khuong), headers={"If-Modified-Since": older})
    assert response.status_code == 200 and response.content


@pytest.mark.parametrize(
    "since",
    [
        "yesterday",
        "",
        "0",
        "-1",
        "Mon, 32 Jan 2019 00:00:00 GMT",
        "Thu, 01 Jan 99999 00:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 2094 08:49:37 GMT",
        "x" * 10_000,
    ],
)
def test_a_malformed_if_modified_since_is_ignored(
    client: Client, seeded: Seeded, since: str
) -> None:
    response = client.get(feed_path(seeded.khuong), headers={"If-Modified-Since": since})
    assert response.status_code == 200 and response.content


def test_an_if_modified_since_in_the_future_is_ignored(client: Client, seeded: Seeded) -> None:
    # A client clock years ahead must not freeze its copy until that date.
    future = http_date(datetime.now(UTC) + timedelta(days=400))
    response = client.get(feed_path(seeded.khuong), headers={"If-Modified-Since": future})
    assert response.status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: Client, seeded: Seeded) -> None:
    last_modified = client.get(feed_path(seeded.khuong)).headers["last-modified"]
    response = client.get(
        feed_path(seeded.khuong),
        headers={"If-None-Match": '"not-this-one"', "If-Modified-Since": last_modified},
    )
    assert response.status_code == 200 and response.content


def test_odd_and_oversized_headers_never_give_500(client: Client, seeded: Seeded) -> None:
    app = client.app
    path = feed_path(seeded.khuong)
    last_modified = client.get(path).headers["last-modified"].encode()
    odd: list[list[tuple[bytes, bytes]]] = [
        [(b"if-none-match", b'"unterminated')],
        [(b"if-none-match", b"W/")],
        [(b"if-none-match", b"\xff\xfe\x00garbage")],
        [(b"if-none-match", b'"x", ' * 20_000)],
        [(b"if-modified-since", b"\xc3\xa9\xff")],
        [(b"if-modified-since", last_modified), (b"if-modified-since", last_modified)],
        [(b"if-none-match", b"")],
        [(b"x-junk", b"y" * 100_000)],
        [(b"if-none-match", b'"a"')] * 500,
    ]
    for headers in odd:
        assert raw_asgi(app, "GET", path, headers) == 200, headers[0][0]


# --- tokens that open nothing, paths and methods ------------------------------------------


def test_unknown_and_revoked_tokens_get_the_same_404(client: Client, seeded: Seeded) -> None:
    assert client.get(feed_path(seeded.khuong)).status_code == 200
    with session_scope(seeded.url) as session:
        row = find_token(session, seeded.khuong)
        assert row is not None
        row.revoke(datetime.now(UTC))
    revoked = client.get(feed_path(seeded.khuong))
    unknown = client.get(feed_path(UNKNOWN))
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content == b"Not Found"
    assert revoked.headers["content-type"] == unknown.headers["content-type"]


def test_a_malformed_token_gets_404_without_a_query(
    client: Client, seeded: Seeded, queries: list[str]
) -> None:
    for token in ("short", UNKNOWN + "A", UNKNOWN[:-1] + "!", UNKNOWN[:-1] + "é", "A" * 5000):
        response = client.get(feed_path(token))
        assert (response.status_code, response.content) == (404, b"Not Found"), token
    assert queries == []
    client.get(feed_path(UNKNOWN))
    assert queries  # a well-formed token does reach the database


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/../../etc/passwd.ics",
        "/feeds/../x",
        "/feeds/..",
        "/feeds/%2e%2e/%2e%2e/etc/passwd.ics",
        "/feeds/..\\..\\etc\\passwd.ics",
        "/feeds/" + UNKNOWN + "/../" + UNKNOWN + ".ics",
        "/feeds/" + UNKNOWN + ".ics/",
        "/feeds/" + UNKNOWN,
        "/feeds/\x00.ics",
        "/feeds/",
        "/feeds",
        "/" + UNKNOWN + ".ics",
    ],
)
def test_junk_and_traversal_paths_get_400_or_404(client: Client, path: str) -> None:
    app = client.app
    assert raw_asgi(app, "GET", path, []) in (400, 404)


def test_an_encoded_traversal_gets_404(client: Client) -> None:
    response = client.get("/feeds/..%2F..%2Fetc%2Fpasswd.ics")
    assert (response.status_code, response.content) == (404, b"Not Found")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
def test_other_methods_get_405(client: Client, seeded: Seeded, method: str) -> None:
    response = client.request(method, feed_path(seeded.khuong))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


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


def test_access_logs_do_not_show_tokens(seeded: Seeded) -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", feed_path(seeded.khuong) + "?x=1", "1.1", 200),
        None,
    )
    assert RedactFeedTokens().filter(record)
    assert seeded.khuong not in record.getMessage()
    assert "/feeds/" in record.getMessage()


# --- real HTTP ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_real_server_serves_a_feed_over_http(seeded: Seeded) -> None:
    port = _free_port()
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
