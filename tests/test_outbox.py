"""The outbox queries (queue, claim, marks, requeue) and `dondoc outbox list/retry/send`,
on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from dondoc.core.db import get_engine, session_scope
from models.outbox import OutboxMessage
from notifications.outbox import (
    NewMessage,
    claim,
    counts,
    list_messages,
    mark_failed,
    mark_retry,
    mark_sent,
    queue,
    queue_many,
    requeue,
)
from tests.support.cli import Cli
from tests.support.smtp import SmtpSink, digest_like

DAY = date(2025, 6, 16)
NOW = datetime(2025, 6, 16, 0, 30, tzinfo=UTC)
LEASE = timedelta(minutes=15)


def _queue(url: str, n: int, start: int = 0) -> None:
    with session_scope(url) as session:
        rows = [NewMessage(f"k{i}", "due_soon", None, DAY, digest_like(i)) for i in range(start, n)]
        queue_many(session, rows, NOW)


def _row(url: str, key: str) -> OutboxMessage:
    with session_scope(url) as session:
        found = session.scalars(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        session.expunge(found)
        return found


def test_queueing_the_same_key_twice_inserts_once(database_url: str) -> None:
    with session_scope(database_url) as session:
        first = queue(
            session,
            key="due_soon:1:2025-06-16",
            kind="due_soon",
            agency_id=None,
            day=DAY,
            message=digest_like(1),
            occurrence_ids=[3, 4],
        )
    with session_scope(database_url) as session:
        again = queue(
            session,
            key="due_soon:1:2025-06-16",
            kind="due_soon",
            agency_id=None,
            day=DAY,
            message=digest_like(2),
            occurrence_ids=[5],
        )
        assert counts(session)["queued"] == 1
    assert (first, again) == (True, False)
    assert _row(database_url, "due_soon:1:2025-06-16").occurrence_ids == [3, 4]


def test_queue_stores_the_smtp_bytes_and_the_envelope(database_url: str) -> None:
    message = digest_like(7, cc=["Chủ tịch <ct@example.vn>", "vp@example.vn"])
    with session_scope(database_url) as session:
        queue(
            session,
            key="k",
            kind="overdue",
            agency_id=None,
            day=DAY,
            message=message,
            occurrence_ids=[],
        )
    row = _row(database_url, "k")
    assert row.recipients == ["xa7@example.vn", "ct@example.vn", "vp@example.vn"]
    assert row.subject == "[Sắp đến hạn] 7 nhiệm vụ cần hoàn thành"
    assert row.message_id == str(message["Message-ID"])
    assert row.mail_from == "dondoc <dondoc@example.org>"
    assert b"\r\n" in row.message and b"\n" not in row.message.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(row.message, policy=email.policy.default)
    assert parsed["Subject"] == row.subject
    assert (row.status, row.attempts) == ("queued", 0)


def test_queue_many_writes_a_batch_in_one_insert(database_url: str) -> None:
    _queue(database_url, 3)  # k0..k2 already there
    inserts: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)

    engine = get_engine(database_url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(database_url) as session:
            rows = [NewMessage(f"k{i}", "due_soon", None, DAY, digest_like(i)) for i in range(300)]
            inserted = queue_many(session, rows, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert (inserted, len(inserts)) == (297, 1)


def test_claim_takes_each_due_row_once(database_url: str) -> None:
    _queue(database_url, 5)
    engine = get_engine(database_url)
    with session_scope(database_url) as session:
        later = NOW + timedelta(hours=1)
        session.execute(
            update(OutboxMessage).where(OutboxMessage.key == "k4").values(next_attempt_at=later)
        )
    first = claim(engine, worker="a", limit=3, now=NOW, lease=LEASE)
    second = claim(engine, worker="b", limit=3, now=NOW, lease=LEASE)
    assert [c.key for c in first] == ["k0", "k1", "k2"]
    assert [c.key for c in second] == ["k3"]  # k4 is not due yet
    assert all(c.attempts == 1 for c in first + second)
    assert first[0].mail_from == "dondoc@example.org"
    assert first[0].recipients == ("xa0@example.vn",)
    row = _row(database_url, "k3")
    assert (row.status, row.claimed_by) == ("sending", "b")


def test_a_dead_senders_rows_are_claimed_after_the_lease(database_url: str) -> None:
    _queue(database_url, 2)
    engine = get_engine(database_url)
    assert len(claim(engine, worker="dead", limit=10, now=NOW, lease=LEASE)) == 2
    within = NOW + LEASE - timedelta(seconds=1)
    assert claim(engine, worker="alive", limit=10, now=within, lease=LEASE) == []
    after = NOW + LEASE + timedelta(seconds=1)
    assert claim(engine, worker="alive", limit=10, now=after, lease=LEASE, reclaim=False) == []
    taken = claim(engine, worker="alive", limit=10, now=after, lease=LEASE)
    assert [(c.key, c.attempts) for c in taken] == [("k0", 2), ("k1", 2)]
    with session_scope(database_url) as session:
        assert not mark_sent(session, taken[0].id, "dead", after, {})  # the dead one wakes up
        assert mark_sent(session, taken[0].id, "alive", after, {})
    assert _row(database_url, "k0").status == "sent"


def test_marks_by_another_worker_change_nothing(database_url: str) -> None:
    _queue(database_url, 1)
    (claimed,) = claim(get_engine(database_url), worker="a", limit=1, now=NOW, lease=LEASE)
    with session_scope(database_url) as session:
        assert not mark_sent(session, claimed.id, "b", NOW, {})
        assert not mark_retry(session, claimed.id, "b", NOW, "451", timedelta(seconds=5))
        assert not mark_failed(session, claimed.id, "b", "550")
    row = _row(database_url, "k0")
    assert (row.status, row.claimed_by, row.last_error, row.sent_at) == ("sending", "a", None, None)
    with session_scope(database_url) as session:
        assert mark_retry(session, claimed.id, "a", NOW, "451 later", timedelta(seconds=5))
        assert not mark_sent(session, claimed.id, "a", NOW, {})  # no longer sending
    row = _row(database_url, "k0")
    assert (row.status, row.last_error) == ("queued", "451 later")
    assert row.next_attempt_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=5)


def test_requeue_brings_failed_rows_back_with_fresh_attempts(database_url: str) -> None:
    _queue(database_url, 3)
    engine = get_engine(database_url)
    claimed = claim(engine, worker="a", limit=3, now=NOW, lease=LEASE)
    with session_scope(database_url) as session:
        mark_failed(session, claimed[0].id, "a", "550 no such user")
        mark_failed(session, claimed[1].id, "a", "552 too big")
        mark_sent(session, claimed[2].id, "a", NOW, {})
        later = NOW + timedelta(hours=1)
        assert requeue(session, [claimed[2].id], later) == []  # sent stays sent
        assert requeue(session, None, later) == [claimed[0].id, claimed[1].id]
        assert counts(session) == {"queued": 2, "sending": 0, "sent": 1, "failed": 0}
    row = _row(database_url, "k0")
    assert (row.status, row.attempts, row.last_error) == ("queued", 0, "550 no such user")


def test_list_messages_filters_by_status_and_day(database_url: str) -> None:
    _queue(database_url, 3)
    with session_scope(database_url) as session:
        queue(
            session,
            key="other-day",
            kind="alert",
            agency_id=None,
            day=date(2025, 6, 17),
            message=digest_like(9),
            occurrence_ids=[],
        )
    claimed = claim(get_engine(database_url), worker="a", limit=1, now=NOW, lease=LEASE)
    with session_scope(database_url) as session:
        mark_failed(session, claimed[0].id, "a", "550")
        assert [e.key for e in list_messages(session, day=DAY)] == ["k2", "k1", "k0"]
        assert [e.key for e in list_messages(session, status="failed")] == ["k0"]
        assert [e.key for e in list_messages(session, limit=1)] == ["other-day"]
        assert counts(session, DAY) == {"queued": 2, "sending": 0, "sent": 0, "failed": 1}


def test_cli_outbox_list_json(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _queue(database_url, 2)
    rows = Cli(database_url, monkeypatch).json("outbox", "list", "--status", "queued")
    assert [r["key"] for r in rows] == ["k1", "k0"]
    assert set(rows[0]) == {
        "id",
        "key",
        "kind",
        "agency_id",
        "day",
        "message_id",
        "subject",
        "from",
        "to",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "refused",
    }
    assert rows[0]["to"] == ["xa1@example.vn"]
    assert (rows[0]["day"], rows[0]["status"], rows[0]["attempts"]) == ("2025-06-16", "queued", 0)
    datetime.fromisoformat(rows[0]["next_attempt_at"])


def test_cli_outbox_retry_failed_requeues(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _queue(database_url, 2)
    claimed = claim(get_engine(database_url), worker="a", limit=2, now=NOW, lease=LEASE)
    with session_scope(database_url) as session:
        mark_failed(session, claimed[0].id, "a", "550")
        mark_sent(session, claimed[1].id, "a", NOW, {})
    cli = Cli(database_url, monkeypatch)
    cli("outbox", "retry", expect=2)  # neither ids nor --failed
    result = cli("outbox", "retry", "--failed", str(claimed[1].id))
    assert "requeued 1 emails" in result.stdout
    assert "not requeued" in result.stderr
    rows = cli.json("outbox", "list")
    assert {r["key"]: r["status"] for r in rows} == {"k0": "queued", "k1": "sent"}


def test_cli_outbox_send_needs_an_smtp_host(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DONDOC_SMTP_HOST", raising=False)
    result = Cli(database_url, monkeypatch)("outbox", "send", expect=1)
    assert "DONDOC_SMTP_HOST is not set" in result.stderr


def test_cli_outbox_send_sends_and_reports_failures(
    database_url: str, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpSink
) -> None:
    _queue(database_url, 3)
    smtp_server.faults.reject.add("xa2@example.vn")
    monkeypatch.setenv("DONDOC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    cli = Cli(database_url, monkeypatch)
    report = json.loads(cli("outbox", "send", "--json", expect=1).stdout)
    assert report["sent"] == 2 and report["still_queued"] == 0
    assert [f["key"] for f in report["failed"]] == ["k2"]
    assert "550" in report["failed"][0]["error"]
    assert sorted(smtp_server.message_ids().values()) == [1, 1]
    rows = cli.json("outbox", "list")
    assert {r["key"]: r["status"] for r in rows} == {"k0": "sent", "k1": "sent", "k2": "failed"}
