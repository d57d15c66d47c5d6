"""`dondoc occurrences`: the dated work compiled plans owe, and recording it done."""

from __future__ import annotations

import getpass
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from dondoc.clock import local_date, now_utc, start_of_local_day
from dondoc.db import ready_database_url, session_scope
from dondoc.names import resolve_or_fail
from dondoc.output import JsonFlag, console, fail, print_json
from models import OCCURRENCE_STATUSES, Occurrence, OccurrenceStateError
from models.queries import list_occurrences

occurrences_app = typer.Typer(
    help="The dated work compiled plans owe: list it, record it done.", no_args_is_help=True
)

DateOption = Annotated[
    str | None, typer.Option(metavar="YYYY-MM-DD", help="A date, e.g. 2019-03-29.")
]


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r}: not a date; write it as YYYY-MM-DD", code=2)


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
    plan: Annotated[int | None, typer.Option(help="Only this plan's work.")] = None,
    agency: Annotated[str | None, typer.Option(help="An agency or group name.")] = None,
    scope: Annotated[
        str | None, typer.Option(help='Where AGENCY is: "UBND huyện Sông Mã".')
    ] = None,
    due_from: Annotated[str | None, typer.Option("--from", metavar="YYYY-MM-DD")] = None,
    due_to: Annotated[str | None, typer.Option("--to", metavar="YYYY-MM-DD")] = None,
    status: Annotated[str | None, typer.Option(help=", ".join(OCCURRENCE_STATUSES))] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Occurrences by due date; the status is as of today (pending work past due is overdue)."""
    if status is not None and status not in OCCURRENCE_STATUSES:
        fail(f"--status must be one of {', '.join(OCCURRENCE_STATUSES)}, not {status!r}", code=2)
    start, end = _date(due_from, "--from"), _date(due_to, "--to")
    today = local_date(now_utc())
    with session_scope(ready_database_url()) as session:
        agency_ids = _agency_ids(session, agency, scope) if agency else None
        found = list_occurrences(
            session,
            today=today,
            plan_id=plan,
            agency_ids=agency_ids,
            due_from=start,
            due_to=end,
            status=status,
            limit=limit,
        )
        rows = [occurrence_json(occurrence, today) for occurrence in found]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} occurrences")
    for column in ("id", "due", "status", "plan", "#", "agency", "kind", "item"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["due"],
            row["status"],
            str(row["plan_id"]),
            row["item_seq"],
            row["agency"],
            row["kind"],
            row["item"][:80],
        )
    console.print(table)


@occurrences_app.command("done")
def occurrences_done(
    occurrence_id: Annotated[int, typer.Argument(metavar="ID")],
    note: Annotated[str | None, typer.Option(help="What was delivered.")] = None,
    at: DateOption = None,
    by: Annotated[str | None, typer.Option(help="Who reports it (default: you).")] = None,
) -> None:
    """Record an occurrence as done (done late when after its due date)."""
    now = now_utc()
    on = _date(at, "--at") or local_date(now)
    if on > local_date(now):
        fail(f"--at {on} is in the future", code=2)
    completed_at = start_of_local_day(on) if at else now
    with session_scope(ready_database_url()) as session:
        occurrence = session.get(Occurrence, occurrence_id)
        if occurrence is None:
            fail(f"no occurrence with id {occurrence_id}")
        try:
            event = occurrence.complete(
                by=by or getpass.getuser(), at=completed_at, note=note, on=on, now=now
            )
        except OccurrenceStateError as exc:
            fail(str(exc))
        session.add(event)
        console.print(
            f"occurrence {occurrence.id} {occurrence.status} ({on}, due {occurrence.due})"
        )
