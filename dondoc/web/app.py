"""The feed server: `GET /feeds/{token}.ics` for calendar clients that poll a subscription.

Handlers are small functions returning (status, headers, body), in the Radicale style, so
every answer, errors included, is a value a test can compare. The rules that matter to real
clients: a strong ETag over the final bytes; 304 only when a validator really matches (a
server that answered 304 to any If-Modified-Since froze its Apple subscribers); a token that
opens nothing gets the same 404 whether it is malformed, unknown or revoked; and a database
outage is a 503 with Retry-After, never a 500 that some clients treat as "feed gone".

A built feed is kept in memory for `cache_seconds`, so a popular feed costs one build per
interval, not one per poll. The price: a revoked token keeps working for up to
`cache_seconds` (0 turns the cache off)."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from calendars.documents import FeedDocument
from calendars.feeds import load_token_feed
from calendars.tokens import TOKEN_SHAPE, token_sha256
from dondoc.core.clock import as_utc, local_date, now_utc
from dondoc.core.db import session_scope
from dondoc.core.settings import Settings, get_settings
from dondoc.web.admin import AdminPages
from dondoc.web.admin_plans import PlanPages
from dondoc.web.completion import MAX_FORM_BYTES, CompletionPages
from dondoc.web.guard import bounded_body
from dondoc.web.prefect_runs import PrefectRuns
from models.schema import ready_database_url
from tasks.completion.links import PERIOD_PARAMETER

log = logging.getLogger("dondoc.feeds")

Answer = tuple[int, dict[str, str], bytes]

_TEXT = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
NOT_FOUND: Answer = (404, _TEXT, b"Not Found")
BAD_REQUEST: Answer = (400, _TEXT, b"Bad Request")
NOT_MODIFIED: Answer = (304, {}, b"")
SERVICE_UNAVAILABLE: Answer = (503, {**_TEXT, "Retry-After": "60"}, b"Service Unavailable")
METHOD_NOT_ALLOWED: Answer = (405, {**_TEXT, "Allow": "GET, HEAD"}, b"Method Not Allowed")
HEALTHY: Answer = (200, _TEXT, b"ok")

CACHE_CONTROL = "private, max-age=3600"
# At most this many built feeds stay in memory (one per active token in practice).
CACHE_ENTRIES = 1024
# A path segment that could be a feed: the token shape is checked separately, so a
# malformed token gets the same 404 as an unknown one and never reaches the database.
_FEED_NAME = re.compile(r"([^/]{1,100})\.ics")
# The opaque part of each entity-tag; a W/ before it does not matter to a weak comparison.
_ENTITY_TAG = re.compile(r'"[\x21\x23-\x7e\x80-\xff]*"')
# everything after /feeds/ or /done/ (a token in any spelling: .ics, .ICS, none, a trailing
# path) and every query string is kept out of the access log
_SECRET_PATH = re.compile(r"(/(?:feeds|done)/)\S*", re.IGNORECASE)
_QUERY = re.compile(r"\?\S*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Loader = Callable[[str, date], FeedDocument | None]


def http_date(moment: datetime) -> str:
    return format_datetime(as_utc(moment).replace(microsecond=0), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """An HTTP-date as an aware UTC instant, or None for anything that is not one."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return as_utc(parsed)


def etag_matches(values: Sequence[str], etag: str) -> bool:
    """If-None-Match's weak comparison: `*`, or any listed tag with the same opaque part.
    A field that lists nothing recognisable matches nothing (so the client gets the feed)."""
    for value in values:
        if value.strip() == "*":
            return True
        if etag in _ENTITY_TAG.findall(value):
            return True
    return False


def not_modified(
    if_none_match: Sequence[str],
    if_modified_since: Sequence[str],
    etag: str,
    last_modified: datetime,
    now: datetime,
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; otherwise If-Modified-Since,
    which is ignored when it is not exactly one valid HTTP-date or lies in the future (a
    client's clock ahead of ours must not freeze its copy)."""
    if if_none_match:
        return etag_matches(if_none_match, etag)
    if len(if_modified_since) != 1:
        return False
    since = parse_http_date(if_modified_since[0])
    if since is None or since > now:
        return False
    return last_modified.replace(microsecond=0) <= since


def feed_answer(
    document: FeedDocument,
    *,
    head: bool,
    if_none_match: Sequence[str] = (),
    if_modified_since: Sequence[str] = (),
    now: datetime,
) -> Answer:
    """200 with the feed (no body for HEAD), or 304 when the client's copy is current."""
    # Never announce a Last-Modified later than now (RFC 9110 §8.8.2.1).
    modified = min(as_utc(document.last_modified), now)
    validators = {
        "ETag": document.etag,
        "Last-Modified": http_date(modified),
        "Cache-Control": CACHE_CONTROL,
    }
    if not_modified(if_none_match, if_modified_since, document.etag, modified, now):
        status, headers, body = NOT_MODIFIED
        return status, {**headers, **validators}, body
    headers = {
        "Content-Type": "text/calendar; charset=utf-8",
        **validators,
        "Content-Length": str(len(document.body)),
    }
    return 200, headers, b"" if head else document.body


def feed_token(path: str) -> str | None:
    """The token in a path below /feeds/, or None when it cannot be one."""
    match = _FEED_NAME.fullmatch(path)
    if match is None or not TOKEN_SHAPE.fullmatch(match.group(1)):
        return None
    return match.group(1)


class FeedCache:
    """Built feeds by (token, day) for a few seconds, with one build at a time per key: a
    burst of polls for a feed that just expired waits for a single build."""

    def __init__(self, loader: Loader, seconds: float) -> None:
        self.loader = loader
        self.seconds = seconds
        self._documents: dict[tuple[str, date], tuple[float, FeedDocument]] = {}
        self._building: dict[tuple[str, date], asyncio.Future[FeedDocument | None]] = {}

    async def get(self, token: str, today: date) -> FeedDocument | None:
        if self.seconds <= 0:
            return await run_in_threadpool(self.loader, token, today)
        key = (token, today)
        hit = self._documents.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        building = self._building.get(key)
        if building is None:
            building = asyncio.ensure_future(self._build(key))
            self._building[key] = building
            building.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(building)

    async def _build(self, key: tuple[str, date]) -> FeedDocument | None:
        document = await run_in_threadpool(self.loader, *key)
        # Unknown tokens are not kept: random tokens must not fill the memory.
        if document is not None:
            self._store(key, document)
        return document

    def _store(self, key: tuple[str, date], document: FeedDocument) -> None:
        now = time.monotonic()
        if len(self._documents) >= CACHE_ENTRIES:
            for stale in [k for k, (expires, _) in self._documents.items() if expires <= now]:
                del self._documents[stale]
        if len(self._documents) >= CACHE_ENTRIES:
            del self._documents[next(iter(self._documents))]
        self._documents[key] = (now + self.seconds, document)

    def _finished(self, key: tuple[str, date], done: asyncio.Future[Any]) -> None:
        self._building.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved here too: every waiter may have gone away


def database_loader(database_url: str) -> Loader:
    """A feed read in a session of its own (in a worker thread: the event loop never waits)."""

    def load(token: str, today: date) -> FeedDocument | None:
        with session_scope(database_url) as session:
            return load_token_feed(session, token, today)

    return load


def _local_today() -> date:
    return local_date(now_utc())


class Endpoint:
    """An ASGI endpoint around a handler that returns an Answer. A class, not a function,
    so Starlette routes every method to it and the 405 is ours."""

    def __init__(self, handler: Callable[[Request], Awaitable[Answer]]) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status, headers, body = await self.handler(Request(scope, receive))
        await Response(body, status_code=status, headers=headers)(scope, receive, send)


class FeedServer:
    """The handlers, over one cache and one clock."""

    def __init__(self, cache: FeedCache, today: Callable[[], date]) -> None:
        self.cache = cache
        self.today = today

    async def feed(self, request: Request) -> Answer:
        if request.method not in ("GET", "HEAD"):
            return METHOD_NOT_ALLOWED
        rest = request.path_params["rest"]
        if _CONTROL.search(rest):
            return BAD_REQUEST
        token = feed_token(rest)
        if token is None:
            return NOT_FOUND
        try:
            document = await self.cache.get(token, self.today())
        except (SQLAlchemyError, OSError) as exc:
            # One line per failed poll, without the token (a secret) or the SQL.
            log.warning("feed database unavailable: %s", _brief(exc))
            return SERVICE_UNAVAILABLE
        except Exception:
            log.exception("feed %s… failed", token_sha256(token)[:12])
            return SERVICE_UNAVAILABLE
        if document is None:
            return NOT_FOUND
        return feed_answer(
            document,
            head=request.method == "HEAD",
            if_none_match=request.headers.getlist("if-none-match"),
            if_modified_since=request.headers.getlist("if-modified-since"),
            now=now_utc(),
        )

    async def health(self, request: Request) -> Answer:
        return HEALTHY if request.method in ("GET", "HEAD") else METHOD_NOT_ALLOWED


def _brief(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}"


def create_app(
    *,
    database_url: str | None = None,
    cache_seconds: float = 10.0,
    today: Callable[[], date] | None = None,
    prefect: PrefectRuns | None = None,
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """The feed server, the completion pages and the admin area. Without `database_url`, the
    configured database, migrated; `today` (the feeds' window and overdue marks) defaults to
    the service's local date; `prefect` is the API the admin pages start runs with (default:
    PREFECT_API_URL, else the API beside DONDOC_PREFECT_UI_URL); `clock` ages admin sessions."""
    url = ready_database_url() if database_url is None else database_url
    server = FeedServer(FeedCache(database_loader(url), cache_seconds), today or _local_today)
    settings = get_settings()
    secret = settings.signing_key()
    pages = CompletionPages(url, secret, today or _local_today, base_url=settings.base_url)
    admin = AdminPages(settings, secret, plan_pages(url, settings, prefect), clock=clock)
    app = Starlette(
        routes=[
            Route("/healthz", Endpoint(server.health)),
            Route("/feeds/{rest:path}", Endpoint(server.feed)),
            Route("/done/{token}", Endpoint(lambda request: completion(pages, request))),
            *(Route(path, Endpoint(handler)) for path, handler in admin.handlers()),
        ]
    )
    app.router.redirect_slashes = False
    return app


def plan_pages(database_url: str, settings: Settings, prefect: PrefectRuns | None) -> PlanPages:
    ui_url = (settings.prefect_ui_url or "http://127.0.0.1:4200").rstrip("/")
    if prefect is None:
        prefect = PrefectRuns(os.environ.get("PREFECT_API_URL") or f"{ui_url}/api", ui_url)
    limit = settings.max_upload_mb * 1024 * 1024
    staging = (settings.data_dir / "uploads").resolve()  # scans, for the import-plan workers
    return PlanPages(database_url, prefect, max_upload_bytes=limit, staging=staging)


async def completion(pages: CompletionPages, request: Request) -> Answer:
    """GET shows the completion page, POST records the work done (the same ASGI app as the
    feeds); the database being down is a 503 here too. A POST's link, origin and type are
    checked before its body is read, and the body is read only up to its limit."""
    token = request.path_params["token"]
    asked = request.query_params.get(PERIOD_PARAMETER)
    try:
        if request.method in ("GET", "HEAD"):
            return await run_in_threadpool(functools.partial(pages.show, token, asked=asked))
        if request.method == "POST":
            if (refused := pages.refused(token, request.headers)) is not None:
                return refused
            body = await bounded_body(request, MAX_FORM_BYTES)
            if body is None:
                return pages.too_large()
            return await run_in_threadpool(pages.record, token, body, asked)
    except ClientDisconnect:
        return BAD_REQUEST  # nobody is left to read it
    except (SQLAlchemyError, OSError) as exc:
        log.warning("completion page: database unavailable: %s", _brief(exc))
        return SERVICE_UNAVAILABLE
    return (405, {**_TEXT, "Allow": "GET, HEAD, POST"}, b"Method Not Allowed")


class RedactFeedTokens(logging.Filter):
    """Keeps feed tokens out of uvicorn's access log: a token in a log is a leaked feed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_PATH.sub(r"\1…", _QUERY.sub("?…", arg)) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging setup with the access log's tokens redacted."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactFeedTokens}
    config["handlers"]["access"]["filters"] = ["redact_tokens"]
    return config
