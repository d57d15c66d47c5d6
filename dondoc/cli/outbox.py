"""`dondoc outbox`: the emails dondoc has queued, sent or given up on; retry and send them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from dondoc.cli.errors import command_group
from dondoc.cli.options import date_option
from dondoc.cli.output import JsonFlag, console, fail, print_json, print_rows, warn
from dondoc.core.clock import now_utc
from dondoc.core.db import session_scope
from models.outbox import OUTBOX_STATUSES
from models.schema import ready_database_url

if TYPE_CHECKING:  # the sender is slow to import; only `send` needs it
    from notifications.smtp import SendReport

outbox_app = command_group(
    "The emails dondoc sends: list them, retry failures, send what is queued."
)


@outbox_app.command("list")
def outbox_list(
    status: Annotated[str | None, typer.Option(help=", ".join(OUTBOX_STATUSES))] = None,
    day: Annotated[date | None, date_option(help="Only what was queued for this day.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (newest first).")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """Queued, sent and failed emails, newest first, with their last error."""
    from notifications.outbox import counts, list_messages

    if status is not None and status not in OUTBOX_STATUSES:
        fail(f"--status must be one of {', '.join(OUTBOX_STATUSES)}, not {status!r}", code=2)
    with session_scope(ready_database_url()) as session:
        rows = [entry.to_json() for entry in list_messages(session, status, day, limit)]
        totals = counts(session, day)
    print_rows(
        rows,
        as_json,
        f"{len(rows)} emails",
        {
            "id": "id",
            "day": "day",
            "kind": "kind",
            "to": lambda row: ", ".join(row["to"]),
            "subject": "subject",
            "status": "status",
            "attempts": "attempts",
            "last error": lambda row: (row["last_error"] or "")[:120],
        },
    )
    if not as_json:
        console.print(", ".join(f"{name} {n}" for name, n in totals.items()))


@outbox_app.command("retry")
def outbox_retry(
    ids: Annotated[list[int] | None, typer.Argument(metavar="[IDS]...")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Every failed email.")] = False,
) -> None:
    """Queue failed emails again, due now, their attempts counted afresh.

    `dondoc outbox send`, or the next daily flow, sends them."""
    from notifications.outbox import requeue

    if not ids and not failed:
        fail("give the ids to retry, or --failed for every failed email", code=2)
    with session_scope(ready_database_url()) as session:
        done = set(requeue(session, None, now_utc())) if failed else set()
        if ids:
            done.update(requeue(session, ids, now_utc()))
    for missing in sorted(set(ids or []) - done):
        warn(f"email {missing} is not failed or queued (or does not exist): not requeued")
    console.print(f"requeued {len(done)} emails")


@outbox_app.command("send")
def outbox_send(as_json: JsonFlag = False) -> None:
    """Send what is queued and due now; exits 1 when an email failed for good, 3 when some
    are left undelivered (queued for a later retry, or held by another or a dead sender)."""
    from notifications.delivery import DeliveryError, SmtpConfig
    from notifications.outbox import counts
    from notifications.smtp import send_outbox_sync

    config = SmtpConfig.from_settings()
    url = ready_database_url()
    with session_scope(url) as session:
        queued = counts(session)["queued"]
    columns = (TextColumn("sending"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, disable=as_json, transient=True) as progress:
        bar = progress.add_task("send", total=queued)

        def advance(report: SendReport) -> None:
            progress.update(bar, completed=report.sent + len(report.failed))

        try:
            report = send_outbox_sync(url, config, on_progress=advance)
        except DeliveryError as exc:
            fail(f"{exc} (nothing more was sent; the emails stay queued)")
    if as_json:
        print_json(
            {
                "sent": report.sent,
                "retried": report.retried,
                "still_queued": report.still_queued,
                "held": report.held,
                "failed": [{"key": k, "error": e} for k, e in report.failed],
                "refused": [{"key": k, "address": a, "reply": r} for k, a, r in report.refused],
            }
        )
    else:
        for key, address, reply in report.refused:
            warn(f"{key}: {address} refused: {reply}")
        for key, error in report.failed:
            warn(f"{key} failed: {error}")
        console.print(send_summary(report))
    exit_for(report)


def send_now(url: str, what: str, queued: int) -> SendReport | None:
    """Send the queue at once when DONDOC_SMTP_HOST is set (None when it is not: `queued`
    emails, the `what` a command just queued, then stay for `outbox send`); a server that
    refuses the whole run ends the command."""
    from notifications.delivery import DeliveryError
    from notifications.smtp import send_if_configured

    try:
        sent = send_if_configured(url)
    except DeliveryError as exc:
        fail(f"the {what} are queued but could not be sent: {exc}")
    if sent is None and queued:
        warn(
            f"DONDOC_SMTP_HOST is not set: the {what} stay queued; "
            "`dondoc outbox send` sends them once it is"
        )
    return sent


def send_summary(report: SendReport) -> str:
    """One line on what a send left: held rows are another sender's, or a dead one's that the
    next run takes back once their lease is over."""
    line = f"Sent {report.sent}, failed {len(report.failed)}, still queued {report.still_queued}"
    if report.held:
        line += f", held by other or stopped senders {report.held}"
    return line + "."


def exit_for(report: SendReport) -> None:
    """1 when an email failed for good; 3 when some are not delivered yet, so a script or a
    scheduler sees that the outbox is not empty (a run that says success must mean it)."""
    if report.failed:
        raise typer.Exit(1)
    if report.waiting:
        raise typer.Exit(3)
