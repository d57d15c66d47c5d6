"""The feed server (dondoc.web.app) on SQLite and PostgreSQL: a feed with its validators, and
what conditional requests (If-None-Match, If-Modified-Since, odd and oversized headers) get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.support.feed_server import (
    KHOONG,
    KHUONG,
    Client,
    Seeded,
    calendar_name,
    expected,
    feed_path,
    http_date,
    make_app,
    raw_asgi,
)

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
