"""What a form POST must pass before its body is read: it comes from our own pages, it is a
form, and it fits the limit.

Browsers say where a request comes from (Sec-Fetch-Site, Origin); a page on another site
that posts to a completion link is refused, whatever it sends. A client that sends neither
header (curl, a script) is no browser another site can drive, and passes. The body is read
in the chunks the server hands over and dropped as soon as it passes the limit: an
oversized body costs at most the limit in memory, never its own size."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import Message

from dondoc.core.ids import is_ascii_number

FORM_TYPE = "application/x-www-form-urlencoded"
_OUR_OWN = frozenset({"same-origin", "none"})  # "none": typed or bookmarked by the user


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_site(headers: Headers, base_url: str) -> bool:
    """Whether a browser says the request comes from a page of another site. Our origin is
    the configured base URL's, or the Host the request was sent to (whatever the scheme: a
    reverse proxy may end TLS before us)."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.lower() not in _OUR_OWN:
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    host = headers.get("host", "").lower()
    return origin.lower() != _origin(base_url) and urlsplit(origin.lower()).netloc != host


def is_form(headers: Headers) -> bool:
    return media_type(headers) == FORM_TYPE


def media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


async def bounded_body(request: Request, limit: int) -> bytes | None:
    """The body, or None once it passes `limit` bytes (declared or as read so far)."""
    declared = request.headers.get("content-length")
    if declared is not None and not (
        is_ascii_number(declared) and len(declared) <= len(str(limit)) and int(declared) <= limit
    ):
        return None  # declared past the limit (or not as a number): not a byte is read
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


class BodyTooLarge(Exception):
    """Raised from the request's body stream once it passes its limit."""


def bounded_request(request: Request, limit: int) -> Request | None:
    """The request with a body stream that raises BodyTooLarge once past `limit` bytes (a
    multipart parser then stops at the limit, whatever it reads into), or None when its
    declared length is already past it: then not a byte is read."""
    declared = request.headers.get("content-length")
    if declared is not None and not (
        is_ascii_number(declared) and len(declared) <= len(str(limit)) and int(declared) <= limit
    ):
        return None
    seen = 0
    receive = request.receive

    async def bounded_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(f"body past {limit} bytes")
        return message

    return Request(request.scope, bounded_receive)
