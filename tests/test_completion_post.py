"""What a completion POST must pass before anything is recorded, on SQLite and PostgreSQL: a
link that opens something, our own page as its origin, a form's type, a body within the
limit (read in chunks, never buffered past it) and an occurrence id written in ASCII digits
within the database's range."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from dondoc.core.db import session_scope
from dondoc.web.app import create_app
from dondoc.web.completion import MAX_FORM_BYTES
from models import OccurrenceEvent
from tests.support import completion
from tests.support.completion import TODAY, commune_link, january_of

app_url = completion.app_url  # the seeded database with a secret and a base URL

CHUNK = 65_536  # what uvicorn hands over at a time
FORM = "application/x-www-form-urlencoded"


class Sender:
    """The client side of one ASGI request: a body of endless chunks, counting those taken."""

    def __init__(self, first: bytes = b"", *, endless: bool = True) -> None:
        self.chunks: Iterator[bytes] = iter([first] if not endless else self._endless(first))
        self.endless = endless
        self.taken = 0

    @staticmethod
    def _endless(first: bytes) -> Iterator[bytes]:
        yield first
        while True:
            yield b"x" * CHUNK

    async def receive(self) -> dict[str, object]:
        chunk = next(self.chunks, None)
        if chunk is None:
            return {"type": "http.disconnect"}
        self.taken += 1
        return {"type": "http.request", "body": chunk, "more_body": self.endless}


def post(url: str, path: str, headers: dict[str, str], sender: Sender) -> tuple[int, str]:
    """POST through the ASGI app as a server would run it: the status and the page."""
    app = create_app(database_url=url, cache_seconds=0, today=lambda: TODAY)
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.9", 40000),
        "server": ("dondoc.example.org", 443),
    }
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(app(scope, sender.receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert isinstance(status, int) and isinstance(body, bytes)
    return status, body.decode()


def recorded(url: str) -> int:
    with session_scope(url) as session:
        return len(session.scalars(select(OccurrenceEvent)).all())


def form_headers(**extra: str) -> dict[str, str]:
    return {"host": "dondoc.example.org", "content-type": FORM, **extra}


def test_an_endless_body_is_refused_at_its_limit_without_being_buffered(app_url: str) -> None:
    path, _ = commune_link(app_url)
    sender = Sender()
    status, page = post(app_url, path, form_headers(), sender)
    assert status == 413 and "Biểu mẫu quá dài" in page
    assert (sender.taken - 1) * CHUNK <= MAX_FORM_BYTES + CHUNK  # stopped at the limit
    assert recorded(app_url) == 0


def test_a_declared_oversized_body_is_refused_before_a_byte_is_read(app_url: str) -> None:
    path, _ = commune_link(app_url)
    sender = Sender()
    headers = form_headers(**{"content-length": str(400 * 1024 * 1024)})
    assert post(app_url, path, headers, sender)[0] == 413
    assert sender.taken == 0


def test_a_body_to_a_link_that_opens_nothing_is_never_read(app_url: str) -> None:
    path, _ = commune_link(app_url)
    for bad in ("/done/nonsense", path.split("?")[0][:-3] + "AAA"):
        sender = Sender()
        status, page = post(app_url, bad, form_headers(), sender)
        assert status == 404 and "không hợp lệ hoặc đã hết hạn" in page
        assert sender.taken == 0


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"origin": "https://evil.example"}, 403),
        ({"origin": "null"}, 403),
        ({"sec-fetch-site": "cross-site", "origin": "https://dondoc.example.org"}, 403),
        ({"sec-fetch-site": "same-site"}, 403),
        ({"content-type": "text/plain"}, 415),
    ],
    ids=["other-origin", "null-origin", "cross-site", "same-site", "text-plain"],
)
def test_a_post_from_another_site_or_not_a_form_records_nothing(
    app_url: str, headers: dict[str, str], status: int
) -> None:
    path, agency_id = commune_link(app_url)
    january = january_of(app_url, agency_id)
    body = urlencode({"occurrence": str(january.id), "by": "Kẻ lạ"}).encode()
    sender = Sender(body, endless=False)
    answer, _ = post(app_url, path, form_headers(**headers), sender)
    assert answer == status and sender.taken == 0
    assert recorded(app_url) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://dondoc.example.org", "sec-fetch-site": "same-origin"},
        {"origin": "http://dondoc.example.org"},  # TLS ended by a proxy in front of us
        {},  # no browser: curl or a script
    ],
    ids=["same-origin", "behind-a-proxy", "no-browser"],
)
def test_a_post_from_our_own_page_records_the_work(app_url: str, headers: dict[str, str]) -> None:
    path, agency_id = commune_link(app_url)
    january = january_of(app_url, agency_id)
    body = urlencode({"occurrence": str(january.id), "by": "Lò Văn A"}).encode()
    status, page = post(app_url, path, form_headers(**headers), Sender(body, endless=False))
    assert status == 200 and "Đã ghi nhận" in page
    assert recorded(app_url) == 1


@pytest.mark.parametrize(
    "occurrence",
    ["²", "١", "99999999999999999999999", "9" * 5000, "-1", ""],
    ids=["superscript", "arabic-indic", "past-range", "5000-digits", "negative", "blank"],
)
def test_an_occurrence_id_not_in_ascii_digits_within_range_is_bad_input(
    app_url: str, occurrence: str
) -> None:
    path, _ = commune_link(app_url)
    body = urlencode({"occurrence": occurrence, "by": "Lò Văn A"}).encode()
    status, page = post(app_url, path, form_headers(), Sender(body, endless=False))
    assert status == 400 and "không chỉ rõ kỳ nào" in page
    assert recorded(app_url) == 0
