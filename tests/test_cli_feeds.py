"""`dondoc feeds …` and `dondoc serve` end to end on SQLite and PostgreSQL: tokens made,
printed again, revoked, and the feeds built as files."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
import uvicorn
from icalendar import Calendar
from starlette.applications import Starlette

from calendars.tokens import TOKEN_SHAPE
from dondoc.cli.app import app as dondoc_app
from dondoc.web.app import create_app
from tests.conftest import EXAMPLES
from tests.support.cli import Cli

SONG_MA_PLAN = EXAMPLES / "plans" / "song-ma-2019-kh33.txt"
SONG_MA_DIRECTORY = EXAMPLES / "directories" / "song-ma.yaml"
BASE_URL = "https://lich.example.gov.vn/dondoc"
GOOGLE = "https://calendar.google.com/calendar/r?cid="
KHUONG = "UBND xã Chiềng Khương"
KHOONG = "UBND xã Chiềng Khoong"
MONITOR = "Phòng Nội vụ"  # the directory's monitoring office


def test_the_commands_are_registered() -> None:
    names = {group.name for group in dondoc_app.registered_groups}
    assert "feeds" in names
    assert "serve" in {command.name for command in dondoc_app.registered_commands}


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("DONDOC_BASE_URL", BASE_URL)
    monkeypatch.setenv("DONDOC_SECRET_KEY", "a-secret-of-our-own")
    return Cli(database_url, monkeypatch)


@pytest.fixture
def plan_id(cli: Cli) -> str:
    """The Sông Mã plan, approved and compiled."""
    return cli.song_ma_plan(compile=True)


def fetch(database_url: str, url: str) -> httpx.Response:
    """A printed URL's path, asked of the feed server."""

    async def send() -> httpx.Response:
        app = create_app(database_url=database_url, cache_seconds=0)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(urlsplit(url).path.removeprefix("/dondoc"))

    return asyncio.run(send())


def urls_by_id(cli: Cli) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in cli.json("feeds", "urls")}


def test_token_new_prints_urls_that_urls_prints_again(
    cli: Cli, plan_id: str, database_url: str
) -> None:
    made = cli.json("feeds", "token", "new", KHUONG)
    assert (made["kind"], made["agency"], made["active"]) == ("agency", KHUONG, True)
    url = made["url"]
    assert url.startswith(f"{BASE_URL}/feeds/") and url.endswith(".ics")
    assert TOKEN_SHAPE.fullmatch(url.removeprefix(f"{BASE_URL}/feeds/").removesuffix(".ics"))
    assert made["webcal"] == "webcal://" + url.removeprefix("https://")
    assert made["google"] == GOOGLE + quote(made["webcal"], safe="")
    assert "%3A%2F%2F" in made["google"]

    assert urls_by_id(cli)[made["id"]]["url"] == url
    opened = fetch(database_url, url)
    assert opened.status_code == 200
    assert str(Calendar.from_ical(opened.content).get("X-WR-CALNAME")).endswith(f"{KHUONG} (việc)")


def test_token_new_prints_whole_urls_for_people(cli: Cli, plan_id: str) -> None:
    out = cli("feeds", "token", "new", KHUONG).stdout
    (url,) = (line.strip() for line in out.splitlines() if line.strip().startswith("https://lich"))
    assert TOKEN_SHAPE.fullmatch(url.removeprefix(f"{BASE_URL}/feeds/").removesuffix(".ics"))
    assert f"  {url.replace('https://', 'webcal://')}" in out.splitlines()
    assert KHUONG in out


def test_token_new_for_a_plan_and_for_monitoring(cli: Cli, plan_id: str) -> None:
    plan = cli.json("feeds", "token", "new", "--plan", plan_id)
    assert (plan["kind"], plan["plan_id"], plan["agency"]) == ("plan", int(plan_id), None)
    monitoring = cli.json("feeds", "token", "new", MONITOR, "--monitoring")
    assert (monitoring["kind"], monitoring["agency"]) == ("monitoring", MONITOR)
    assert {r["kind"] for r in urls_by_id(cli).values()} == {"plan", "monitoring"}


def test_token_new_refuses_what_opens_no_single_feed(cli: Cli, plan_id: str) -> None:
    assert "one of them" in cli("feeds", "token", "new", expect=2).stderr
    both = cli("feeds", "token", "new", KHUONG, "--plan", plan_id, expect=2)
    assert "one of them" in both.stderr
    with_plan = "--monitoring is for an agency, not with --plan"
    cli("feeds", "token", "new", "--plan", plan_id, "--monitoring", expect=2, says=with_plan)
    group = cli("feeds", "token", "new", "UBND các xã, thị trấn", expect=1)
    assert "is a group" in group.stderr
    typo = cli("feeds", "token", "new", "UBND xã Chiềng Khươn", expect=1)
    assert "no agency named" in typo.stderr
    assert "no plan with id 999" in cli("feeds", "token", "new", "--plan", "999", expect=1).stderr
    assert cli.json("feeds", "token", "list") == []


def test_an_agency_named_in_several_localities_needs_a_scope_or_an_id(
    cli: Cli, plan_id: str
) -> None:
    cli("agencies", "import", str(EXAMPLES / "directories" / "son-la-2025.yaml"))
    tie = cli("feeds", "token", "new", KHUONG, expect=1)
    assert "--scope" in tie.stderr
    agencies = cli.json("agencies", "list")["agencies"]
    (song_ma,) = (a for a in agencies if a["name"] == KHUONG and "sông mã" in a["scope"])
    scoped = cli.json("feeds", "token", "new", KHUONG, "--scope", "UBND huyện Sông Mã")
    assert scoped["agency_id"] == song_ma["id"]
    by_id = cli.json("feeds", "token", "new", str(song_ma["id"]))
    assert by_id["agency_id"] == song_ma["id"]
    assert "no agency with id 9999" in cli("feeds", "token", "new", "9999", expect=1).stderr
    revoked = cli("feeds", "token", "revoke", KHUONG, "--scope", "UBND huyện Sông Mã")
    assert "revoked 2 feed tokens" in revoked.stdout


def test_a_revoked_tokens_url_is_gone_from_urls(cli: Cli, plan_id: str, database_url: str) -> None:
    first = cli.json("feeds", "token", "new", KHUONG)
    second = cli.json("feeds", "token", "new", KHUONG)
    other = cli.json("feeds", "token", "new", KHOONG)
    assert first["url"] != second["url"]

    assert "revoked 2 feed tokens" in cli("feeds", "token", "revoke", KHUONG).stdout
    assert set(urls_by_id(cli)) == {other["id"]}
    assert fetch(database_url, first["url"]).status_code == 404
    assert fetch(database_url, other["url"]).status_code == 200

    listed = {row["id"]: row for row in cli.json("feeds", "token", "list")}
    assert set(listed) == {first["id"], second["id"], other["id"]}
    assert listed[first["id"]]["revoked_at"] is not None and not listed[first["id"]]["active"]
    assert listed[other["id"]]["active"]
    assert "revoked 0 feed tokens" in cli("feeds", "token", "revoke", KHUONG).stdout


def test_revoke_one_token_by_id(cli: Cli, plan_id: str) -> None:
    keep = cli.json("feeds", "token", "new", KHOONG)
    drop = cli.json("feeds", "token", "new", KHOONG)
    plan = cli.json("feeds", "token", "new", "--plan", plan_id)
    wrong = cli("feeds", "token", "revoke", KHUONG, "--token-id", str(drop["id"]), expect=1)
    assert "does not open" in wrong.stderr
    cli("feeds", "token", "revoke", "--token-id", "999", expect=1, says="no feed token with id 999")
    revoked = cli("feeds", "token", "revoke", KHOONG, "--token-id", str(drop["id"]))
    assert "revoked 1 feed token" in revoked.stdout
    assert set(urls_by_id(cli)) == {keep["id"], plan["id"]}
    assert "revoked 1 feed token" in cli("feeds", "token", "revoke", "--plan", plan_id).stdout
    assert set(urls_by_id(cli)) == {keep["id"]}
    cli("feeds", "token", "revoke", expect=2, says="give an AGENCY, --plan ID or --token-id N")


def test_urls_create_makes_each_missing_token_once(cli: Cli, plan_id: str) -> None:
    mine = cli.json("feeds", "token", "new", KHUONG)
    agencies = cli.json("agencies", "list")["agencies"]
    monitors = [a["name"] for a in agencies if a["monitoring"]]
    assert monitors == [MONITOR]

    created = cli.json("feeds", "urls", "--create")
    kinds = [(row["kind"], row["agency"]) for row in created]
    assert sorted(kinds) == sorted(
        [("agency", a["name"]) for a in agencies] + [("monitoring", MONITOR)]
    )
    assert mine["url"] in {row["url"] for row in created}  # not replaced
    again = cli.json("feeds", "urls", "--create")
    assert {row["url"] for row in again} == {row["url"] for row in created}


def test_urls_cannot_print_a_token_made_under_another_secret(
    cli: Cli, plan_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = cli.json("feeds", "token", "new", KHUONG)
    monkeypatch.setenv("DONDOC_SECRET_KEY", "a-new-secret-0123456789")
    new = cli.json("feeds", "token", "new", KHOONG)
    result = cli("feeds", "urls", "--json")
    assert [row["id"] for row in cli.json("feeds", "urls")] == [new["id"]]
    assert f"tokens {old['id']} were made with another secret key" in result.stderr


def test_build_writes_one_ics_per_feed(cli: Cli, plan_id: str, tmp_path: Path) -> None:
    out = tmp_path / "feeds"
    built = cli.json("feeds", "build", "--out", str(out), "--date", "2019-03-01")
    assert {Path(row["file"]) for row in built} == set(out.iterdir())
    kinds = {row["kind"] for row in built}
    assert kinds == {"agency", "monitoring", "plan"}
    assert {row["file"] for row in built if row["kind"] == "plan"} == {
        str(out / f"plan-{plan_id}.ics")
    }
    for row in built:
        body = Path(row["file"]).read_bytes()
        assert row["etag"] == '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
        events = Calendar.from_ical(body).walk("VEVENT")
        assert len(events) == row["events"]

    text = cli("feeds", "build", "--out", str(out), "--date", "2019-03-01").stdout
    total = sum(row["events"] for row in built)
    assert f"{len(built)} feeds, {total} events, 0 trimmed" in text
    assert str(out) in text
    bad_day = "Invalid value for '--date': '1/3' is not a date; write it as YYYY-MM-DD"
    cli("feeds", "build", "--out", str(out), "--date", "1/3", expect=2, says=bad_day)


def test_build_reports_a_folder_it_cannot_write(cli: Cli, plan_id: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    failed = cli("feeds", "build", "--out", str(blocker / "feeds"), expect=1)
    assert "cannot write the feeds" in failed.stderr


def test_serve_runs_uvicorn_on_the_feed_app(
    cli: Cli, plan_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def run(app: Starlette, **options: Any) -> None:
        served.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", run)
    out = cli("serve", "--port", "8123", "--cache-seconds", "0").stdout
    assert "http://127.0.0.1:8123/feeds/" in out
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    # bounded: 16 KB of headers, idle connections closed, a cap on connections at once
    assert (served["http"], served["h11_max_incomplete_event_size"]) == ("h11", 16 * 1024)
    assert (served["timeout_keep_alive"], served["limit_concurrency"]) == (5, 500)
    app = served["app"]
    assert isinstance(app, Starlette)

    async def health() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/healthz")

    assert asyncio.run(health()).text == "ok"
    cli("serve", "--port", "0", expect=2, says="Invalid value for '--port'")
