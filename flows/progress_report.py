"""progress-report: Mondays 08:00, each monitoring agency gets its plans' progress by email
(totals, the chart of the agencies furthest behind, the full XLSX), and the admin sees the
report as artifacts. One task builds and queues every email in one transaction (keyed, so
a retry queues nothing twice); one task sends them."""

from __future__ import annotations

from datetime import date
from datetime import date as Day  # the flows' parameter is named `date`

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import session_scope
from flows.alerts import email_admins_on_failure
from flows.notify import send_queued
from models.schema import ready_database_url
from notifications.mime import MailContext
from notifications.report_mail import queue_progress_reports
from tasks.reports import ProgressReport, build_progress_report, percent


@task(retries=2, retry_delay_seconds=10)
def build_report(plan_id: int | None, day: date) -> ProgressReport:
    with session_scope(ready_database_url()) as session:
        return build_progress_report(session, day, plan_id=plan_id)


@task(retries=2, retry_delay_seconds=10)
def queue_reports(day: date) -> tuple[int, list[str]]:
    """Queue each monitoring agency's weekly email; how many, and who has no address."""
    with session_scope(ready_database_url()) as session:
        return queue_progress_reports(session, day, MailContext.from_settings(now_utc()))


@flow(name="progress-report", on_failure=[email_admins_on_failure])
def progress_report(plan_id: int | None = None, date: Day | None = None) -> ProgressReport:
    """Progress per plan and per agency as of `date` (default today): due, on time, late,
    overdue and the on-time rate. Emailed to each monitoring agency when run for all plans;
    shown here as artifacts either way."""
    day = date or local_date(now_utc())
    report = build_report(plan_id, day)
    create_markdown_artifact(report.to_markdown(), key="progress-report")
    create_table_artifact(
        [
            {
                "kế hoạch": p.label,
                "đến hạn": p.tally.due,
                "đúng hạn": p.tally.done,
                "trễ hạn": p.tally.done_late,
                "quá hạn": p.tally.overdue,
                "tỷ lệ đúng hạn": percent(p.tally.on_time_rate),
            }
            for p in report.plans
        ],
        key="progress-report-plans",
        description=f"Tiến độ đến {day:%d/%m/%Y}",
    )
    if plan_id is None:
        queued, without_email = queue_reports(day)
        sent = send_queued()
        lines = [f"# progress-report {day:%d/%m/%Y}", "", f"- thư báo cáo xếp hàng: {queued}"]
        if sent is not None:
            lines.append(f"- đã gửi: {sent.sent}, lỗi: {len(sent.failed)}")
        lines += [f"- chưa có email: {name}" for name in without_email]
        create_markdown_artifact("\n".join(lines), key="progress-report-mail")
    return report
