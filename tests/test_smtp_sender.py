"""The SMTP sender against a real (aiosmtpd) server that misbehaves on request, on SQLite and
PostgreSQL. After every scenario: each queued message arrived exactly once, or is accounted
for as failed or still queued."""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from dondoc.core.db import session_scope
from models.outbox import OutboxMessage
from notifications.delivery import DeliveryError, SmtpConfig, classify
from notifications.outbox import NewMessage, counts, queue_many
from notifications.smtp import SendReport, send_outbox, send_outbox_sync
from tests.support.cli import Cli
from tests.support.settings import SettingsEnv
from tests.support.smtp import SmtpSink, digest_like

DAY = date(2025, 6, 16)


def _queue(url: str, n: int, **cc: Any) -> dict[str, str]:
    """n messages k0..k{n-1}; their Message-IDs by key."""
    messages = {f"k{i}": digest_like(i, **cc) for i in range(n)}
    with session_scope(url) as session:
        queue_many(session, [NewMessage(k, "due_soon", None, DAY, m) for k, m in messages.items()])
    return {k: str(m["Message-ID"]) for k, m in messages.items()}


def _config(sink: SmtpSink, **changes: Any) -> SmtpConfig:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": sink.port,
        "timeout": 3.0,
        "connections": 4,
        "max_attempts": 8,
        "backoff_seconds": 0.01,
        "lease_seconds": 60.0,
    }
    return SmtpConfig(**(values | changes))


def _send(url: str, config: SmtpConfig, **options: Any) -> SendReport:
    return asyncio.run(send_outbox(url, config, **({"retry_window": 10.0} | options)))


def _an_hour_later() -> datetime:
    """A clock for the next run, when the backoffs of this one are over."""
    return datetime.now(UTC) + timedelta(hours=1)


def _held_by_a_dead_sender(url: str, *, since: timedelta, key: str | None = None) -> None:
    """Rows (one, or every row) claimed `since` ago by a sender that died sending them."""
    claim = update(OutboxMessage).values(
        status="sending", claimed_by="dead", claimed_at=datetime.now(UTC) - since, attempts=1
    )
    with session_scope(url) as session:
        session.execute(claim if key is None else claim.where(OutboxMessage.key == key))


def _rows(url: str) -> dict[str, OutboxMessage]:
    with session_scope(url) as session:
        rows = session.scalars(select(OutboxMessage)).all()
        session.expunge_all()
    return {row.key: row for row in rows}


def _assert_delivered_once(sink: SmtpSink, ids: dict[str, str]) -> None:
    """Nothing lost, nothing twice: the server got exactly these Message-IDs, once each."""
    received = sink.message_ids()
    assert sorted(received) == sorted(ids.values())
    assert set(received.values()) == {1}


def test_two_concurrent_senders_send_each_message_once(
    database_url: str, smtp_server: SmtpSink
) -> None:
    ids = _queue(database_url, 50)
    config = _config(smtp_server, connections=3)
    with ThreadPoolExecutor(2) as pool:
        runs = [
            pool.submit(send_outbox_sync, database_url, config, batch=5, worker=name)
            for name in ("one", "two")
        ]
        reports = [run.result() for run in runs]
    _assert_delivered_once(smtp_server, ids)
    assert sum(r.sent for r in reports) == 50
    rows = _rows(database_url).values()
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert {r.claimed_by for r in rows} <= {"one", "two"}


def test_two_senders_in_one_event_loop_send_each_message_once(
    database_url: str, smtp_server: SmtpSink
) -> None:
    ids = _queue(database_url, 50)
    config = _config(smtp_server, connections=2)

    async def both() -> list[SendReport]:
        return list(
            await asyncio.gather(
                send_outbox(database_url, config, batch=4, worker="a"),
                send_outbox(database_url, config, batch=4, worker="b"),
            )
        )

    reports = asyncio.run(both())
    _assert_delivered_once(smtp_server, ids)
    assert sum(r.sent for r in reports) == 50


def test_a_server_that_is_down_leaves_everything_queued_until_it_is_up(
    database_url: str, smtp_server: SmtpSink
) -> None:
    ids = _queue(database_url, 20)
    smtp_server.stop()
    # Retries are due in up to a minute: none comes due in this run.
    config = _config(smtp_server, backoff_seconds=60.0)
    report = _send(database_url, config, retry_window=0.0)
    assert (report.sent, report.failed, report.still_queued) == (0, [], 20)
    assert report.retried >= 20
    rows = _rows(database_url).values()
    assert {r.status for r in rows} == {"queued"}
    assert all(r.attempts >= 1 and "connect" in (r.last_error or "").lower() for r in rows)

    smtp_server.start()
    report = _send(database_url, config, now=_an_hour_later)
    assert (report.sent, report.still_queued) == (20, 0)
    _assert_delivered_once(smtp_server, ids)


FAULTS = {
    "connect_421": {},
    "mail_421": {},
    "rcpt_451": {},
    "data_451": {},
    "disconnect_in_data": {},
    "slow_greeting": {"timeout": 0.5},
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_transient_fault_is_retried_and_delivered_once(
    database_url: str, smtp_server: SmtpSink, fault: str
) -> None:
    ids = _queue(database_url, 20)
    setattr(smtp_server.faults, fault, 3)
    smtp_server.faults.slow_seconds = 1.5
    report = _send(database_url, _config(smtp_server, **FAULTS[fault]))
    assert smtp_server.faults.fired[fault] == 3
    assert (report.sent, report.failed, report.still_queued) == (20, [], 0)
    assert report.retried >= 1
    _assert_delivered_once(smtp_server, ids)
    rows = _rows(database_url).values()
    assert {r.status for r in rows} == {"sent"}
    retried = [r for r in rows if r.attempts > 1]
    assert retried and all(r.last_error for r in retried)


def test_a_refused_cc_is_recorded_and_the_message_sent(
    database_url: str, smtp_server: SmtpSink
) -> None:
    ids = _queue(database_url, 4, cc=["ghost@example.vn"])
    smtp_server.faults.reject.add("ghost@example.vn")
    report = _send(database_url, _config(smtp_server))
    assert (report.sent, report.failed) == (4, [])
    assert sorted(key for key, _, _ in report.refused) == ["k0", "k1", "k2", "k3"]
    assert {address for _, address, _ in report.refused} == {"ghost@example.vn"}
    _assert_delivered_once(smtp_server, ids)
    assert all(
        r.rcpt_tos == (r.parsed()["To"].addresses[0].addr_spec,) for r in smtp_server.received
    )
    row = _rows(database_url)["k0"]
    assert row.status == "sent" and row.sent_at is not None
    assert list(row.refused) == ["ghost@example.vn"]
    assert row.refused["ghost@example.vn"].startswith("550 ")


def test_a_refused_only_recipient_fails_at_once(database_url: str, smtp_server: SmtpSink) -> None:
    ids = _queue(database_url, 3)
    smtp_server.faults.reject.add("xa1@example.vn")
    report = _send(database_url, _config(smtp_server))
    assert report.sent == 2 and report.retried == 0
    assert [key for key, _ in report.failed] == ["k1"]
    row = _rows(database_url)["k1"]
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in (row.last_error or "")
    _assert_delivered_once(smtp_server, {k: v for k, v in ids.items() if k != "k1"})


def test_after_max_attempts_a_message_fails_with_the_last_error(
    database_url: str, smtp_server: SmtpSink
) -> None:
    _queue(database_url, 2)
    smtp_server.faults.rcpt_451 = 1000
    report = _send(database_url, _config(smtp_server, max_attempts=3))
    assert report.sent == 0 and report.retried == 4
    assert sorted(key for key, _ in report.failed) == ["k0", "k1"]
    rows = _rows(database_url).values()
    assert {(r.status, r.attempts) for r in rows} == {("failed", 3)}
    assert all("451" in (r.last_error or "") for r in rows)
    assert smtp_server.received == []


def test_retries_not_due_within_the_window_wait_for_the_next_run(
    database_url: str, smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "uniform", lambda low, high: high)  # the longest backoff
    ids = _queue(database_url, 5)
    smtp_server.faults.data_451 = 5
    config = _config(smtp_server, backoff_seconds=600.0)
    report = _send(database_url, config, retry_window=1.0)
    assert (report.sent, report.retried, report.still_queued) == (0, 5, 5)
    report = _send(database_url, config, now=_an_hour_later)
    assert (report.sent, report.still_queued) == (5, 0)
    _assert_delivered_once(smtp_server, ids)


def test_a_dead_senders_row_is_sent_after_its_lease(
    database_url: str, smtp_server: SmtpSink
) -> None:
    ids = _queue(database_url, 3)
    _held_by_a_dead_sender(database_url, since=timedelta(hours=1), key="k1")
    report = _send(database_url, _config(smtp_server, lease_seconds=600.0))
    assert report.sent == 3
    _assert_delivered_once(smtp_server, ids)
    row = _rows(database_url)["k1"]
    assert (row.status, row.attempts) == ("sent", 2)
    assert row.claimed_by != "dead"


def test_every_dead_senders_row_is_taken_back_in_one_run(
    database_url: str, smtp_server: SmtpSink
) -> None:
    # one claim takes 16 rows at first; the rows of a crashed sender drained 16 a run
    ids = _queue(database_url, 40)
    _held_by_a_dead_sender(database_url, since=timedelta(hours=1))
    report = _send(database_url, _config(smtp_server, lease_seconds=600.0))
    assert (report.sent, report.still_queued) == (40, 0)
    _assert_delivered_once(smtp_server, ids)


def test_a_server_slow_to_answer_the_final_dot_is_waited_for_not_sent_to_twice(
    database_url: str, smtp_server: SmtpSink
) -> None:
    # RFC 5321 gives the final dot's reply 10 minutes; timing out at the connection's 1 s
    # sent each message again, though the server had it
    ids = _queue(database_url, 3)
    smtp_server.faults.slow_data, smtp_server.faults.slow_seconds = 3, 1.5
    report = _send(database_url, _config(smtp_server, timeout=1.0, connections=1))
    assert (report.sent, report.retried) == (3, 0)
    _assert_delivered_once(smtp_server, ids)


def test_a_server_refusing_service_stops_the_run_and_keeps_the_queue(
    database_url: str, smtp_server: SmtpSink
) -> None:
    _queue(database_url, 10)
    smtp_server.faults.connect_554 = 1000
    with pytest.raises(DeliveryError) as raised:
        _send(database_url, _config(smtp_server))
    assert raised.value.code == 554 and not raised.value.transient
    with session_scope(database_url) as session:
        assert counts(session)["queued"] == 10
    assert {r.attempts for r in _rows(database_url).values()} == {0}


def test_classify_tells_transient_from_permanent() -> None:
    from aiosmtplib import (
        SMTPConnectTimeoutError,
        SMTPDataError,
        SMTPRecipientRefused,
        SMTPRecipientsRefused,
        SMTPSenderRefused,
        SMTPServerDisconnected,
    )

    cases = [
        (SMTPDataError(451, "later"), True, 451),
        (SMTPDataError(554, "no"), False, 554),
        (SMTPSenderRefused(421, "busy", "a@x"), True, 421),
        (SMTPRecipientsRefused([SMTPRecipientRefused(550, "unknown", "b@x")]), False, 550),
        (
            SMTPRecipientsRefused(
                [SMTPRecipientRefused(550, "no", "b@x"), SMTPRecipientRefused(452, "full", "c@x")]
            ),
            True,
            452,
        ),
        (SMTPServerDisconnected("gone"), True, None),
        (SMTPConnectTimeoutError("slow"), True, None),
        (ConnectionResetError("reset"), True, None),
        (TimeoutError(), True, None),
        (ValueError("bad address"), False, None),
    ]
    found = [(type(e).__name__, classify(e).transient, classify(e).code) for e, _, _ in cases]
    assert found == [(type(e).__name__, t, c) for e, t, c in cases]


def test_backoff_is_full_jitter_capped_at_an_hour() -> None:
    config = SmtpConfig(host="x", backoff_seconds=30.0)
    for attempts, ceiling in ((1, 30.0), (2, 60.0), (4, 240.0), (8, 3600.0), (30, 3600.0)):
        delays = [config.backoff(attempts).total_seconds() for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # spread over the range, not a fixed step


def test_a_run_counts_the_rows_another_sender_holds_and_the_cli_exits_3_while_any_wait(
    database_url: str, smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _queue(database_url, 3)
    _held_by_a_dead_sender(database_url, since=timedelta(0), key="k1")  # it died a moment ago
    report = _send(database_url, _config(smtp_server, lease_seconds=600.0))
    assert (report.sent, report.still_queued, report.held) == (2, 0, 1)
    SettingsEnv(monkeypatch).set(smtp_host="127.0.0.1", smtp_port=smtp_server.port)
    result = Cli(database_url, monkeypatch)("outbox", "send", expect=3)
    assert result.stdout.strip() == (
        "Sent 0, failed 0, still queued 0, held by other or stopped senders 1."
    )
    assert len(smtp_server.received) == len(ids) - 1
