"""The feed server refuses what opens nothing: unknown, revoked and malformed tokens, junk and
traversal paths, and methods other than GET and HEAD."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendars.tokens import find_token
from dondoc.core.db import session_scope
from tests.support.feed_server import (
    UNKNOWN,
    Client,
    Seeded,
    feed_path,
    raw_asgi,
)

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
