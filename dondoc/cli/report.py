"""`dondoc report`: what the monitoring agency reports up — how much of the work that has
fallen due was done on time, late, or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column

from dondoc.cli.errors import command_group
from dondoc.cli.options import date_option, id_option, id_value
from dondoc.cli.outbox import exit_for, send_now, send_summary
from dondoc.cli.output import (
    JsonFlag,
    console,
    err_console,
    fail,
    print_json,
    print_table,
    warn,
)
from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import session_scope
from models import Agency, Plan
from models.schema import ready_database_url
from tasks.reports import (
    HEADINGS,
    RATE,
    ProgressReport,
    build_progress_report,
    chart_png,
    percent,
)

report_app = command_group("Reports on the work plans owe.")


def print_progress(report: ProgressReport) -> None:
    """One table per plan, its agencies worst first, then the totals."""
    numbers = [Column(heading, justify="right") for heading in (*HEADINGS.values(), RATE)]
    for plan in report.plans:
        print_table(
            f"{plan.label} — {plan.title}",
            ("Cơ quan", *numbers),
            (
                (agency.name, *map(str, agency.tally.counts()), percent(agency.tally.on_time_rate))
                for agency in plan.agencies
            ),
            caption=f"{RATE}: {percent(plan.tally.on_time_rate)}",
        )
    total = report.total
    console.print(
        f"Đến ngày {report.as_of:%d/%m/%Y}: đến hạn {total.due}, đúng hạn {total.done}, "
        f"trễ hạn {total.done_late}, quá hạn {total.overdue}, hạn hôm nay {total.open_today}; "
        f"{RATE.lower()} {percent(total.on_time_rate)}",
        highlight=False,
    )


@report_app.command("progress")
def report_progress(
    plan: Annotated[int | None, id_option(help="Only this plan.")] = None,
    monitor: Annotated[
        int | None,
        typer.Option(
            metavar="AGENCY_ID", parser=id_value, help="Only the plans this agency monitors."
        ),
    ] = None,
    as_of: Annotated[
        date | None, date_option("--date", help="Report as of this day (default today).")
    ] = None,
    xlsx: Annotated[Path | None, typer.Option(metavar="FILE", help="Write a workbook.")] = None,
    png: Annotated[Path | None, typer.Option(metavar="FILE", help="Write the chart.")] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="Also email each monitoring agency its report, as the weekly flow does "
            "(queued once per agency and day; sent now if DONDOC_SMTP_HOST is set).",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Deadlines fallen due in approved plans: done on time, late, overdue, per agency, worst
    first. Only deliverables count (kind "due"); progress check-ins do not."""
    today = as_of or local_date(now_utc())
    with session_scope(ready_database_url()) as session:
        if plan is not None and session.get(Plan, plan) is None:
            fail(f"no plan with id {plan}")
        if monitor is not None and session.get(Agency, monitor) is None:
            fail(f"no agency with id {monitor}")
        report = build_progress_report(session, today, plan_id=plan, monitor_id=monitor)
    # With --json, stdout is the JSON alone: the files written are told on stderr.
    told = err_console if as_json else console
    if xlsx is not None:
        report.to_xlsx(xlsx)
        told.print(f"wrote {xlsx}", highlight=False)
    if png is not None:
        png.write_bytes(chart_png(report))
        told.print(f"wrote {png}", highlight=False)
    if as_json:
        print_json(report.to_json())
    else:
        print_progress(report)
    if send:
        _send_reports(today, told)


def _send_reports(day: date, told: Console) -> None:
    """The monitoring agencies' emails, queued then sent like the flow's."""
    from notifications.mime import MailContext
    from notifications.report_mail import queue_progress_reports

    url, mail = ready_database_url(), MailContext.from_settings(now_utc())
    with session_scope(url) as session:
        queued, without_email = queue_progress_reports(session, day, mail)
    for name in without_email:
        warn(f"{name} has no email address: it gets no report")
    told.print(f"Queued {queued} progress emails.", highlight=False)
    if (sent := send_now(url, "reports", queued)) is not None:
        told.print(send_summary(sent), highlight=False)
        exit_for(sent)
