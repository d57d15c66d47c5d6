"""Past one machine: Prefect's database and the app's on PostgreSQL, the deployments of the
project's prefect.yaml on a process work pool, two workers, and two runs of send-reminders
for the same day at the same time. Every digest reaches the SMTP server exactly once."""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dondoc.core.db import session_scope
from dondoc.stack import create_flow_run, wait_for_flow_runs
from models import OutboxMessage
from tests.support.prefect_services import (
    BIN,
    child,
    postgres_database,
    prefect_cli,
    prefect_server,
)
from tests.support.seeds import seed_song_ma
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.postgres
POOL = "dondoc-test"


def test_two_workers_sending_the_same_day_send_every_email_once(
    postgres_server: str, tmp_path: Path, smtp_server: SmtpSink
) -> None:
    from models.schema import scratch_schema

    with (
        scratch_schema(postgres_server, "w") as app_url,
        postgres_database(postgres_server) as prefect_db,
    ):
        with session_scope(app_url) as session:
            seed_song_ma(session, compile=True)
        server_env = {"PREFECT_API_DATABASE_CONNECTION_URL": prefect_db}
        with prefect_server(tmp_path / "prefect", **server_env) as (api_url, env):
            env.update(
                {
                    "DONDOC_DATABASE_URL": app_url,
                    "DONDOC_SMTP_HOST": "127.0.0.1",
                    "DONDOC_SMTP_PORT": str(smtp_server.port),
                    "DONDOC_SMTP_BACKOFF_SECONDS": "0.2",
                }
            )
            prefect_cli(env, "work-pool", "create", POOL, "--type", "process")
            prefect_cli(env, "--no-prompt", "deploy", "--name", "send-reminders", "--pool", POOL)
            worker = [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--limit", "2"]
            with (
                child([*worker, "--name", "one"], env, tmp_path / "worker-one.log"),
                child([*worker, "--name", "two"], env, tmp_path / "worker-two.log"),
            ):
                runs = [
                    create_flow_run(
                        api_url, "send-reminders/send-reminders", {"date": "2019-03-28"}
                    )
                    for _ in range(2)
                ]
                finished = wait_for_flow_runs(api_url, runs)
        with session_scope(app_url) as session:
            queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    states = [run["state"]["type"] for run in finished.values()]
    assert states == ["COMPLETED", "COMPLETED"], [r["state"] for r in finished.values()]
    received = Counter(
        email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"]
        for raw in smtp_server.raw_messages()
    )
    assert queued and len(received) == queued
    assert set(received.values()) == {1}, "a digest was sent twice"
