"""`dondoc remind` and `dondoc escalate`: queue the day's digests, then send what is queued.

Queueing is one transaction (selection, overdue flips, rungs and outbox rows together), and
sending reads only the outbox, so running a command twice for a day sends nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from dondoc.cli.options import date_option
from dondoc.cli.outbox import exit_for, send_now, send_summary
from dondoc.cli.output import JsonFlag, console, print_json, print_table, warn
from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import session_scope
from models.schema import ready_database_url

if TYPE_CHECKING:
    from notifications.daily import DayReport

DayOption = Annotated[
    date | None, date_option("--date", help="The day to run for (default: today).")
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Show what would be queued; write and send nothing.")
]
NoSend = Annotated[
    bool, typer.Option("--no-send", help="Queue only; `dondoc outbox send` sends later.")
]


Command = Literal["remind", "escalate"]


def _day_command(command: Command, summary: str) -> Callable[..., None]:
    """`dondoc remind` and `dondoc escalate` take the same options and differ only in what
    they queue."""

    def run(
        day: DayOption = None,
        dry_run: DryRun = False,
        no_send: NoSend = False,
        as_json: JsonFlag = False,
    ) -> None:
        _run(command, day, dry_run, no_send, as_json)

    run.__doc__ = summary
    return run


remind = _day_command("remind", 'Queue and send the "Sắp đến hạn" (due soon) digests of a day.')
escalate = _day_command(
    "escalate",
    'Turn past-due work overdue; queue and send the "Quá hạn" (overdue) digests of a day.',
)


def _run(command: Command, on: date | None, dry_run: bool, no_send: bool, as_json: bool) -> None:
    # Imported here: mail rendering and SMTP are not needed by the rest of the CLI.
    from notifications.daily import NotifyConfig, queue_day

    now = now_utc()
    day = on or local_date(now)
    config = NotifyConfig.from_settings()
    url = ready_database_url()
    with session_scope(url) as session:
        report = queue_day(session, command, day, config, now, dry_run=dry_run)
    sent = None if dry_run or no_send else send_now(url, "digests", report.queued)
    if as_json:
        data = report.to_json()
        if sent is not None:
            data["sent"] = {
                "sent": sent.sent,
                "failed": len(sent.failed),
                "queued": sent.still_queued,
                "held": sent.held,
            }
        print_json(data)
    else:
        _print(report)
        if sent is not None:
            console.print(send_summary(sent))
    if sent is not None:
        exit_for(sent)


def _print(report: DayReport) -> None:
    if report.skipped:
        console.print(report.skipped)
        return
    verb = "Would queue" if report.dry_run else "Queued"
    if report.flipped:
        console.print(f"{report.flipped} deadlines turned overdue.")
    if report.digests:
        print_table(
            f"{report.command} {report.day:%d/%m/%Y}",
            ("kind", "to", "cc", "chủ trì", "phối hợp", "subject", "new"),
            (
                (
                    d.kind,
                    d.to,
                    str(len(d.cc)) if d.cc else "",
                    str(d.lead),
                    str(d.support),
                    d.subject,
                    "" if report.dry_run else ("yes" if d.queued else "already"),
                )
                for d in report.digests
            ),
        )
    console.print(
        f"{verb} {report.queued if not report.dry_run else len(report.digests)} digests about "
        f"{report.deadlines} deadlines"
        + (f"; {report.already_queued} were queued before" if report.already_queued else "")
        + "."
    )
    for agency_id, name in sorted(report.without_email.items()):
        warn(f"agency {agency_id} {name} has no email address: it was not notified")
    for plan_id, scope in sorted(report.unmonitored.items()):
        warn(f"plan {plan_id} ({scope}) has no monitoring agency: `dondoc plan monitor` sets one")
