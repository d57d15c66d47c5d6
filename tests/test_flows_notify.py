"""The daily and weekly flows against a real (temporary) Prefect server and a real SMTP
server: a run's size follows its steps, not its emails; a rerun sends nothing twice; what a
run did is published as artifacts; a failed flow emails the admins."""

from __future__ import annotations

import email.policy
import json
from pathlib import Path

import pytest

from dondoc.core.db import session_scope
from tests.support.seeds import seed_song_ma
from tests.support.settings import SettingsEnv
from tests.support.smtp import SmtpSink

ADMIN = "quantri@example.org"
INTERIOR_OFFICE = "pnv.songma@example.org"


@pytest.fixture
def seeded(
    prefect_server: None,
    database_url: str,
    smtp_server: SmtpSink,
    settings_env: SettingsEnv,
) -> str:
    with session_scope(database_url) as session:
        seed_song_ma(session, compile=True)
    settings_env.set(
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        admin_emails=ADMIN,
    )
    return database_url


def _task_runs(flow_run_id: object) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return sorted(run.name for run in runs)


def test_send_reminders_runs_two_tasks_and_a_rerun_sends_nothing(
    seeded: str, smtp_server: SmtpSink
) -> None:
    from datetime import date

    from prefect.artifacts import Artifact

    from flows.notify import send_reminders

    state = send_reminders(date=date(2019, 3, 28), return_state=True)
    report = state.result()
    assert report.queued == len(smtp_server.received) > 20
    assert [name.split("-")[0] for name in _task_runs(state.state_details.flow_run_id)] == [
        "queue remind 2019",
        "send_queued",
    ]
    for key in ("send-reminders-digests", "send-reminders-summary"):
        assert Artifact.get(key) is not None, key
    assert "Ban quản lý bản, tổ dân phố" in str(Artifact.get("send-reminders-summary").data)  # type: ignore[union-attr]

    again = send_reminders(date=date(2019, 3, 28))
    assert again.queued == 0 and len(smtp_server.received) == report.queued


def test_escalate_overdue_sends_the_interior_office_its_digest(
    seeded: str, smtp_server: SmtpSink
) -> None:
    from datetime import date

    from prefect.artifacts import Artifact

    from flows.notify import escalate_overdue

    report = escalate_overdue(date=date(2019, 4, 10))
    assert report.flipped > 0
    table = Artifact.get("escalate-overdue-overdue")
    assert table is not None
    rows = json.loads(str(table.data))
    assert len(rows) == len(report.overdue) > 100  # the first run: the whole backlog
    assert any(r["đơn vị chủ trì"].startswith("Trung tâm Truyền thông") for r in rows)
    to_office = [r for r in smtp_server.received if INTERIOR_OFFICE in r.rcpt_tos]
    assert len(to_office) == 1


def test_progress_report_emails_each_monitoring_agency_its_chart_and_sheet(
    seeded: str, smtp_server: SmtpSink
) -> None:
    from datetime import date

    from flows.progress_report import progress_report

    report = progress_report(date=date(2019, 4, 10))
    assert report.plans and report.total.due > 0
    [received] = [r for r in smtp_server.received if INTERIOR_OFFICE in r.rcpt_tos]
    message = received.parsed()
    assert str(message["Subject"]) == "Tiến độ thực hiện kế hoạch đến 10/04/2019"
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    [chart] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert f"cid:{chart['Content-ID'].strip('<>')}" in html.get_content()
    names = [p.get_filename() for p in message.iter_attachments()]
    assert "tien-do-20190410.xlsx" in names


def test_a_failed_flow_emails_the_admins(
    seeded: str, smtp_server: SmtpSink, settings_env: SettingsEnv, tmp_path: Path
) -> None:
    from datetime import date

    from flows.notify import send_reminders

    bad = tmp_path / "policy.yaml"
    bad.write_text("reminders:\n  weekly: [-1]\n")
    settings_env.set(notify_policy=bad)
    state = send_reminders(date=date(2019, 3, 28), return_state=True)
    assert state.is_failed()
    [alert] = [r for r in smtp_server.received if ADMIN in r.rcpt_tos]
    message = email.message_from_bytes(alert.data, policy=email.policy.default)
    assert "send-reminders" in str(message["Subject"])
    assert "policy.yaml:2" in message.get_content()
