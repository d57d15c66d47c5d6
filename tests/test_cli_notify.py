"""`dondoc remind` and `dondoc escalate` end to end: the Sông Mã plan and its directory, a
real SMTP server on 127.0.0.1, the messages read back with the email package."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import Cli
from tests.support.smtp import SmtpSink

CENTRE = "ttttvh.songma@example.org"
INTERIOR_OFFICE = "pnv.songma@example.org"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpSink) -> Cli:
    monkeypatch.setenv("DONDOC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("DONDOC_BASE_URL", "https://dondoc.example.org")
    return Cli(database_url, monkeypatch)


def _to(sink: SmtpSink, address: str) -> list:
    return [r.parsed() for r in sink.received if address in r.rcpt_tos]


def test_remind_sends_the_weekly_reminder_once(cli: Cli, smtp_server: SmtpSink) -> None:
    cli.song_ma_plan(compile=True)
    first = cli.json("remind", "--date", "2019-03-28")
    [centre] = _to(smtp_server, CENTRE)
    assert str(centre["Subject"]) == "Sắp đến hạn: 1 việc (28/03/2019)"
    text = centre.get_body(preferencelist=("plain",)).get_content()
    assert "Truyền thanh" in text and "29/03/2019" in text
    assert "https://dondoc.example.org/done/" in text
    assert first["sent"]["sent"] == first["queued"] == len(smtp_server.received)

    again = cli.json("remind", "--date", "2019-03-28")
    assert (again["queued"], again["already_queued"]) == (0, first["queued"])
    assert len(smtp_server.received) == first["queued"]  # nothing more was sent


def test_remind_lists_agencies_without_an_email(cli: Cli) -> None:
    cli.song_ma_plan(compile=True)
    result = cli("remind", "--date", "2019-03-28")
    assert "Ban quản lý bản, tổ dân phố has no email address" in " ".join(result.stderr.split())


def test_escalate_sends_the_interior_office_its_digest(cli: Cli, smtp_server: SmtpSink) -> None:
    cli.song_ma_plan(compile=True)
    report = cli.json("escalate", "--date", "2019-04-10")
    assert report["flipped"] > 0
    [digest] = _to(smtp_server, INTERIOR_OFFICE)
    assert str(digest["Subject"]).startswith("Đôn đốc: ")
    assert digest["In-Reply-To"] and digest["Auto-Submitted"] == "auto-generated"
    names = [part.get_filename() for part in digest.iter_attachments()]
    assert any(name and name.endswith(".xlsx") for name in names)

    again = cli.json("escalate", "--date", "2019-04-10")
    assert (again["flipped"], again["queued"]) == (0, 0)
    assert len(_to(smtp_server, INTERIOR_OFFICE)) == 1


def test_a_dry_run_queues_and_sends_nothing(cli: Cli, smtp_server: SmtpSink) -> None:
    cli.song_ma_plan(compile=True)
    dry = cli.json("escalate", "--date", "2019-04-10", "--dry-run")
    assert dry["digests"] and dry["queued"] == 0
    assert smtp_server.received == [] and cli.json("outbox", "list") == []


def test_nothing_is_sent_on_a_holiday(cli: Cli, smtp_server: SmtpSink) -> None:
    cli.song_ma_plan(compile=True)
    out = cli("remind", "--date", "2019-04-15").stdout
    assert "not a working day" in out and "Giỗ Tổ" in out
    assert smtp_server.received == []


def test_an_unreachable_smtp_server_leaves_the_digests_queued(
    cli: Cli, smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.song_ma_plan(compile=True)
    smtp_server.stop()
    monkeypatch.setenv("DONDOC_SMTP_RETRY_WINDOW_SECONDS", "0")  # retries wait for a later run
    # the digests are queued but not delivered: the command says so, and exits 3, not 0
    ran = cli("remind", "--date", "2019-03-28", "--json", expect=3)
    report = json.loads(ran.stdout)
    assert report["sent"]["sent"] == 0 and report["sent"]["queued"] == report["queued"]
    smtp_server.start()
    waiting = [str(row["id"]) for row in cli.json("outbox", "list", "--status", "queued")]
    assert len(waiting) == report["queued"]
    cli("outbox", "retry", *waiting)  # the admin's "send now", not waiting out the backoff
    cli("outbox", "send")
    assert len(smtp_server.received) == report["queued"]
