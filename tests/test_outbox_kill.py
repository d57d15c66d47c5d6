"""`dondoc outbox send` killed with SIGKILL mid-run, then run again: every message arrives, and
the only ones that arrive twice are those in flight at the kill, at most one per connection
(the server had accepted it and the sender died before recording that). On SQLite and
PostgreSQL, against a real aiosmtpd in this process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from dondoc.core.db import get_engine, session_scope
from models.outbox import OutboxMessage
from notifications.journal import Journal, replay
from notifications.outbox import NewMessage, claim, counts, queue_many
from tests.support.cli import Cli
from tests.support.settings import SettingsEnv
from tests.support.smtp import SmtpSink, digest_like

DAY = date(2025, 6, 16)
MESSAGES, CONNECTIONS, KILL_AFTER = 400, 4, 120


def _queue(url: str) -> set[str]:
    messages = [digest_like(i) for i in range(MESSAGES)]
    with session_scope(url) as session:
        queue_many(
            session, [NewMessage(f"k{i}", "due_soon", None, DAY, m) for i, m in enumerate(messages)]
        )
    return {str(m["Message-ID"]).strip() for m in messages}


def _killed_mid_run(url: str, sink: SmtpSink, data_dir: Path) -> None:
    """`dondoc outbox send` in a process of its own, killed once the server has `KILL_AFTER`."""
    env = os.environ | {
        "DONDOC_DATABASE_URL": url,
        "DONDOC_DATA_DIR": str(data_dir),
        "DONDOC_SMTP_HOST": "127.0.0.1",
        "DONDOC_SMTP_PORT": str(sink.port),
        "DONDOC_SMTP_CONNECTIONS": str(CONNECTIONS),
    }
    command = [str(Path(sys.executable).parent / "dondoc"), "outbox", "send"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(sink.received) < KILL_AFTER and process.poll() is None:
        assert time.monotonic() < deadline, "the sender sent nothing for a minute"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, f"ended by itself first:\n{out!r}\n{err!r}"


def test_a_killed_send_resends_at_most_one_message_per_connection(
    database_url: str, smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ids = _queue(database_url)
    _killed_mid_run(database_url, smtp_server, tmp_path)
    assert len(smtp_server.received) < MESSAGES
    with session_scope(database_url) as session:
        assert counts(session)["sending"] > 0  # the dead sender's claims
        # an hour later, when the dead sender's lease is over
        hour_ago = datetime.now(UTC) - timedelta(hours=1)
        session.execute(update(OutboxMessage).values(claimed_at=hour_ago))

    journals = tmp_path / "outbox-journal"
    assert list(journals.glob("*.sent"))  # the dead run's, replayed by the next
    settings = {"smtp_host": "127.0.0.1", "smtp_port": smtp_server.port, "data_dir": tmp_path}
    SettingsEnv(monkeypatch).set(**settings)
    Cli(database_url, monkeypatch)("outbox", "send", says="still queued 0.")

    received = smtp_server.message_ids()
    assert set(received) == ids
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= CONNECTIONS, f"{duplicates} sent twice"
    with session_scope(database_url) as session:
        assert counts(session)["sent"] == MESSAGES
    assert not list(journals.iterdir())


def test_a_dead_runs_journal_is_replayed_and_a_live_ones_left_alone(
    database_url: str, tmp_path: Path
) -> None:
    _queue(database_url)
    engine, now, journals = get_engine(database_url), datetime.now(UTC), tmp_path / "journals"
    dead = claim(engine, worker="host:1:dead", limit=3, now=now, lease=timedelta(hours=1))
    live = claim(engine, worker="host:2:live", limit=3, now=now, lease=timedelta(hours=1))
    killed = Journal(journals, "host:1:dead")
    for row in dead[:2]:
        killed.accepted(row.id)
    killed.close(recorded=False)  # what a kill leaves
    running = Journal(journals, "host:2:live")
    running.accepted(live[0].id)

    assert replay(journals, engine, now) == 2
    with session_scope(database_url) as session:
        assert counts(session)["sent"] == 2  # the live run's row waits for its own mark
    assert [p.name for p in journals.iterdir()] == [running.path.name]
    running.close(recorded=True)
