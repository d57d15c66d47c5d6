"""send-reminders and escalate-overdue: the two daily flows, 07:00 and 08:00 on working days.

Each runs two tasks whatever the day's volume: `queue_day` selects, renders and queues every
digest in one transaction (a retry after a lost connection finds the outbox keys and the
escalation rungs already taken and adds nothing), and `send_queued` sends what the outbox
holds (a retry, or a second worker, claims rows atomically and never sends one twice). SMTP
is capped across workers by the global concurrency limit `dondoc-smtp`."""

from __future__ import annotations

from datetime import date
from datetime import date as Day  # the flows' parameter is named `date`

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.concurrency.sync import concurrency

from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import session_scope
from flows.alerts import email_admins_on_failure
from flows.retries import retry_unless, retry_unless_permanent
from models.schema import ready_database_url
from notifications.daily import Command, DayReport, NotifyConfig, queue_day
from notifications.smtp import SendReport, send_if_configured
from tasks.notify import NotifyPolicyError
from tasks.schedule import WorkdayOverrideError

SMTP_LIMIT = "dondoc-smtp"
OVERDUE_SHOWN = 500  # rows of the overdue table artifact; the digests' XLSX has them all


@task(
    retries=2,
    retry_delay_seconds=10,
    retry_condition_fn=retry_unless(NotifyPolicyError, WorkdayOverrideError),
    task_run_name="queue {command} {day}",
)
def queue_digests(command: Command, day: date) -> DayReport:
    """Select, render and queue the day's digests (idempotent: keyed rows, claimed rungs)."""
    with session_scope(ready_database_url()) as session:
        return queue_day(session, command, day, NotifyConfig.from_settings(), now_utc())


@task(retries=3, retry_delay_seconds=[30, 120, 600], retry_condition_fn=retry_unless_permanent)
def send_queued() -> SendReport | None:
    """Send what the outbox holds, one sender across all workers at a time."""
    with concurrency(SMTP_LIMIT, occupy=1):
        sent = send_if_configured(ready_database_url())
    if sent is None:
        get_run_logger().warning("DONDOC_SMTP_HOST is not set: the digests stay queued")
    return sent


def _publish(report: DayReport, sent: SendReport | None, key: str) -> None:
    rows = [
        {
            "loại": d.kind,
            "gửi đến": d.to,
            "đồng gửi": ", ".join(d.cc),
            "chủ trì": d.lead,
            "phối hợp": d.support,
            "tiêu đề": d.subject,
            "mới": "có" if d.queued else "đã có từ trước",
        }
        for d in report.digests
    ]
    if rows:
        create_table_artifact(rows, key=f"{key}-digests", description=f"{report.day:%d/%m/%Y}")
    if report.overdue:
        create_table_artifact(
            [
                {
                    "đơn vị chủ trì": row["agency"],
                    "kế hoạch": row["plan"],
                    "việc": row["item"],
                    "hạn": row["due"],
                    "số ngày làm việc quá hạn": row["working_days_overdue"],
                    "lần đôn đốc": row["rung"],
                }
                for row in report.overdue[:OVERDUE_SHOWN]
            ],
            key=f"{key}-overdue",
            description=f"{len(report.overdue)} hạn quá hạn lên bậc đôn đốc mới (hiện tối đa "
            f"{OVERDUE_SHOWN} hạn lâu nhất)",
        )
    lines = [f"# {key} {report.day:%d/%m/%Y}", ""]
    if report.skipped:
        lines.append(report.skipped)
    lines += [
        f"- hạn chuyển sang quá hạn: {report.flipped}",
        f"- thư mới xếp hàng: {report.queued} (đã có từ trước: {report.already_queued})",
        f"- số hạn được nhắc: {report.deadlines}",
    ]
    if sent is not None:
        lines += [
            f"- đã gửi: {sent.sent}, lỗi: {len(sent.failed)}, còn chờ: {sent.still_queued}, "
            f"đang do tiến trình khác giữ: {sent.held}",
            *(f"  - lỗi `{k}`: {error}" for k, error in sent.failed),
        ]
    if report.without_email:
        lines += ["", "## Cơ quan chưa có email (không nhận được thư)", ""]
        lines += [f"- {name} (id {agency_id})" for agency_id, name in report.without_email.items()]
    if report.unmonitored:
        lines += ["", "## Kế hoạch chưa có cơ quan theo dõi, đôn đốc", ""]
        lines += [f"- kế hoạch {pid} ({scope})" for pid, scope in report.unmonitored.items()]
    create_markdown_artifact("\n".join(lines), key=f"{key}-summary")


def _run(command: Command, key: str, day: date | None) -> DayReport:
    target = day or local_date(now_utc())
    report = queue_digests(command, target)
    sent = send_queued()  # also what an earlier run left queued
    _publish(report, sent, key)
    return report


@flow(name="send-reminders", on_failure=[email_admins_on_failure])
def send_reminders(date: Day | None = None) -> DayReport:
    """Email each agency its "Sắp đến hạn" digest for `date` (default: today): deadlines whose
    reminder day it is, as lead (Chủ trì) and as support (Phối hợp). Nothing on days off."""
    return _run("remind", "send-reminders", date)


@flow(name="escalate-overdue", on_failure=[email_admins_on_failure])
def escalate_overdue(date: Day | None = None) -> DayReport:
    """Turn past-due work overdue and send the "Quá hạn" digests of `date` (default: today):
    the lead agency and its head at the first rung, the plan's monitoring agency after."""
    return _run("escalate", "escalate-overdue", date)
