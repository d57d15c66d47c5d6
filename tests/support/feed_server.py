"""The feed server's test kit: the Sông Mã plan compiled with three feed tokens, the app
built for a fixed day, and requests to it in-process (through httpx) or byte for byte."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

import httpx
from icalendar import Calendar
from starlette.applications import Starlette

from calendars.documents import FeedDocument
from calendars.feeds import load_token_feed
from calendars.tokens import new_token
from dondoc.core.db import session_scope
from dondoc.web.app import create_app
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


def seed_feeds(database_url: str) -> Seeded:
    """Feed tokens for two communes one letter apart and for the plan, made when it was
    compiled: two agencies' feeds that must never cross, and one with every event."""
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
