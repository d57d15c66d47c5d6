"""`dondoc occurrences`: the dated work compiled plans owe, and recording it done."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Column
from sqlalchemy.orm import Session

from dondoc.cli.errors import command_group
from dondoc.cli.names import resolve_or_fail
from dondoc.cli.options import date_option, id_argument, id_option
from dondoc.cli.output import JsonFlag, console, fail, print_json, print_rows, print_table, warn
from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import get_engine, session_scope
from models import OCCURRENCE_STATUSES, Occurrence
from models.queries import list_occurrences
from models.schema import ready_database_url
from models.status import record_done
from tasks.completion import completion_instant, import_completions

occurrences_app = command_group(
    "The dated work compiled plans owe: list it, record it done, import a done sheet."
)


def _agency_ids(session: Session, name: str, scope: str | None) -> list[int]:
    """The agency a name resolves to, or every member of a group ("UBND các xã, thị trấn")."""
    resolver, resolution = resolve_or_fail(session, name, scope)
    if resolution.agency_id is not None:
        return [resolution.agency_id]
    assert resolution.group_id is not None
    return resolver.expand(resolution.group_id)


def occurrence_json(occurrence: Occurrence, today: date) -> dict[str, Any]:
    return {
        "id": occurrence.id,
        "plan_id": occurrence.plan_id,
        "plan_number": occurrence.plan.number,
        "item_seq": occurrence.item.seq,
        "item": occurrence.item.content,
        "agency": occurrence.agency.name,
        "kind": occurrence.kind,
        "period_start": occurrence.period_start.isoformat(),
        "period_end": occurrence.period_end.isoformat(),
        "nominal_due": occurrence.nominal_due.isoformat(),
        "due": occurrence.due.isoformat(),
        "status": occurrence.status_on(today),
        "completed_at": occurrence.completed_at.isoformat() if occurrence.completed_at else None,
        "completed_by": occurrence.completed_by,
        "note": occurrence.note,
    }


@occurrences_app.command("list")
def occurrences_list(
    plan: Annotated[int | None, id_option(help="Only this plan's work.")] = None,
    agency: Annotated[str | None, typer.Option(help="An agency or group name.")] = None,
    scope: Annotated[
        str | None, typer.Option(help='Where AGENCY is: "UBND huyện Sông Mã".')
    ] = None,
    due_from: Annotated[date | None, date_option("--from", help="Due on or after this.")] = None,
    due_to: Annotated[date | None, date_option("--to", help="Due on or before this.")] = None,
    status: Annotated[str | None, typer.Option(help=", ".join(OCCURRENCE_STATUSES))] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Occurrences by due date; the status is as of today (pending work past due is overdue)."""
    if status is not None and status not in OCCURRENCE_STATUSES:
        fail(f"--status must be one of {', '.join(OCCURRENCE_STATUSES)}, not {status!r}", code=2)
    today = local_date(now_utc())
    with session_scope(ready_database_url()) as session:
        agency_ids = _agency_ids(session, agency, scope) if agency else None
        found = list_occurrences(
            session,
            today=today,
            plan_id=plan,
            agency_ids=agency_ids,
            due_from=due_from,
            due_to=due_to,
            status=status,
            limit=limit,
        )
        rows = [occurrence_json(occurrence, today) for occurrence in found]
    print_rows(
        rows,
        as_json,
        f"{len(rows)} occurrences",
        {
            "id": "id",
            "due": "due",
            "status": "status",
            "plan": "plan_id",
            "#": "item_seq",
            "agency": "agency",
            "kind": "kind",
            "item": lambda row: row["item"][:80],
        },
    )


@occurrences_app.command("done")
def occurrences_done(
    occurrence_id: Annotated[int, id_argument()],
    note: Annotated[str | None, typer.Option(help="What was delivered.")] = None,
    at: Annotated[date | None, date_option(help="The day it was done (default today).")] = None,
    by: Annotated[str | None, typer.Option(help="Who reports it (default: you).")] = None,
) -> None:
    """Record an occurrence as done (done late when after its due date)."""
    now = now_utc()
    on, completed_at = completion_instant(at, now)
    if on > local_date(now):
        fail(f"--at {on} is in the future", code=2)
    with session_scope(ready_database_url()) as session:
        occurrence = session.get(Occurrence, occurrence_id)
        if occurrence is None:
            fail(f"no occurrence with id {occurrence_id}")
        record_done(
            session,
            occurrence,
            by=by or getpass.getuser(),
            at=completed_at,
            note=note,
            on=on,
            now=now,
        )
        console.print(
            f"occurrence {occurrence.id} {occurrence.status} ({on}, due {occurrence.due})"
        )


@contextmanager
def _rolled_back(url: str) -> Iterator[Session]:
    """A session whose work is always rolled back: a dry run sees every write the real
    import would make (and its errors) and keeps none."""
    with Session(get_engine(url)) as session:
        yield session
        session.rollback()


@occurrences_app.command("import")
def occurrences_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .csv or .xlsx sheet.")],
    by: Annotated[
        str | None, typer.Option(help="Who reports rows without Người báo cáo (default: you).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show the result; write nothing.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Record done work from a sheet: one row per occurrence, by its Mã (id) or by Số kế
    hoạch, Nhiệm vụ, Cơ quan and Hạn; Trạng thái xong / hoàn thành / done, Ngày hoàn thành
    (dd/mm/yyyy, default today), Người báo cáo, Ghi chú. Rows with a blank Trạng thái are
    skipped. One bad row writes nothing."""
    now = now_utc()
    url = ready_database_url()
    with _rolled_back(url) if dry_run else session_scope(url) as session:
        report = import_completions(session, file, default_by=by or getpass.getuser(), now=now)
        # Read inside the session: a dry run's rollback takes the new statuses back.
        result, summary = report.to_json() | {"dry_run": dry_run}, report.summary()
    if as_json:
        print_json(result)
        return
    for warning in result["warnings"]:
        warn(warning)
    if result["rows"]:
        print_table(
            f"{result['file']}{' (dry run)' if dry_run else ''}",
            (
                Column(name, overflow="fold", no_wrap=name not in ("agency", "by"))
                for name in (
                    "line",
                    "id",
                    "due",
                    "agency",
                    "#",
                    "outcome",
                    "status",
                    "done on",
                    "by",
                )
            ),
            (
                (
                    *(str(row[k]) for k in ("line", "occurrence_id", "due", "agency", "item_seq")),
                    row["outcome"],
                    row["status"],
                    row["completed_on"],
                    row["completed_by"],
                )
                for row in result["rows"]
            ),
        )
    console.print(summary + ("; dry run: nothing written" if dry_run else ""))
