"""`dondoc plan …`: parse, import, review, approve, compile and export plans.

Every command that writes runs in one transaction: on any error nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.cli.compile_view import print_compile_result
from dondoc.cli.errors import command_group
from dondoc.cli.options import typed_id
from dondoc.cli.output import JsonFlag, console, fail, print_json, print_rows, warn
from dondoc.cli.plan_views import (
    check_first_table,
    parsed_plan_table,
    plan_detail_json,
    plan_summary_json,
    stored_plan_table,
)
from dondoc.core.clock import now_utc
from dondoc.core.db import session_scope
from dondoc.core.ids import is_ascii_number
from dondoc.core.settings import get_settings
from models import Plan
from models.schema import ready_database_url
from tasks.directory import load_directory
from tasks.plans import (
    ParsedPlan,
    PlanWithoutTasks,
    import_plan_file,
    parsed_from_stored,
    read_plan_source,
)
from tasks.plans.structured import dump_csv, dump_xlsx, dump_yaml
from tasks.schedule import CompileOptions, compile_plan, parse_period

plan_app = command_group("Parse, import, review, approve and export plans.")

PlanId = Annotated[str, typer.Argument(metavar="ID")]
MonitorName = Annotated[
    str | None, typer.Argument(metavar="AGENCY_NAME", help="Named as in the directory.")
]
ClearFlag = Annotated[
    bool, typer.Option("--clear", help="Back to the directory's monitoring agency.")
]


def get_plan(session: Session, ref: str) -> Plan:
    """A plan by id, or by its number ("33/KH-UBND") when that is unique."""
    if is_ascii_number(ref):
        plan = session.get(Plan, typed_id(ref))
        if plan is None:
            fail(f"no plan with id {ref}")
        return plan
    plans = session.scalars(select(Plan).where(Plan.number == ref)).all()
    if len(plans) != 1:
        fail(f"{len(plans)} plans have the number {ref!r}; use the plan id")
    return plans[0]


def report_warnings(parsed: ParsedPlan, source: str) -> None:
    for warning in parsed.warnings:
        warn(f"{source}:{warning.line}: {warning.message}")


@plan_app.command("parse")
def plan_parse(
    file: Path,
    as_json: JsonFlag = False,
    directory: Annotated[
        Path | None, typer.Option(help="A directory file whose names guide the agency split.")
    ] = None,
) -> None:
    """Parse a plan and show what was read. Writes nothing."""
    known = load_directory(directory).known_names() if directory is not None else []
    try:
        parsed, _ = read_plan_source(file, known_names=known, before=get_settings().deadline_before)
    except PlanWithoutTasks as error:
        if as_json and error.partial is not None:
            print_json(error.partial.to_json() | {"refused": error.problems[0].message})
        raise
    if as_json:
        print_json(parsed.to_json())
        return
    console.print(parsed_plan_table(parsed))
    report_warnings(parsed, str(file))


@plan_app.command("import")
def plan_import(
    file: Path,
    auto_agencies: Annotated[
        bool, typer.Option(help="Create unknown agencies as unverified (no email).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Import a plan as a draft and print its id: text, Word (DOCX, DOC), PDF, a scan
    (PDF, PNG, JPEG, TIFF), a saved web page, or a plan as YAML, CSV or XLSX. The same
    document is recognised."""
    with session_scope(ready_database_url()) as session:
        imported = import_plan_file(session, file, auto_agencies=auto_agencies)
    parsed, result = imported.parsed, imported.result
    unresolved = [
        {"name": r.name_as_written, "suggestions": [s for s, _ in r.suggestions]}
        for r in result.unresolved
    ]
    if as_json:
        print_json(
            {
                "plan_id": result.plan_id,
                "created": result.created,
                "items": len(parsed.items),
                "unresolved": unresolved,
                "created_agencies": result.created_agencies,
                "warnings": [{"line": w.line, "message": w.message} for w in result.warnings],
            }
        )
        return
    report_warnings(parsed, file.name)
    for name in result.created_agencies:
        warn(f"created unverified agency {name!r} (no email yet)")
    for entry in unresolved:
        hint = f"; did you mean {', '.join(entry['suggestions'])}?" if entry["suggestions"] else ""
        warn(f"unresolved agency {entry['name']!r}{hint}")
    if not result.created:
        console.print(f"already imported as plan {result.plan_id} (same document)")
    print(result.plan_id)


@plan_app.command("document")
def plan_document(
    ref: PlanId,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write it.")],
) -> None:
    """Write the original file a plan was imported from (Word, PDF, scan, web page)."""
    with session_scope(ready_database_url()) as session:
        plan = get_plan(session, ref)
        document = plan.source_document
        if document is None:
            fail(f"plan {plan.id} was imported from text ({plan.source_name}): `plan show` has it")
        content, filename = document.content, document.filename
    if output.is_dir():
        output = output / Path(filename).name
    if output.exists():
        fail(f"{output} exists; dondoc does not overwrite files")
    output.write_bytes(content)
    print(output)


@plan_app.command("list")
def plan_list(as_json: JsonFlag = False) -> None:
    """Every plan with its status."""
    with session_scope(ready_database_url()) as session:
        plans = session.scalars(select(Plan).order_by(Plan.id)).all()
        rows = [plan_summary_json(plan) for plan in plans]
    columns = ("id", "number", "title", "year", "status", "items", "warnings")
    print_rows(rows, as_json, "Plans", {column: column for column in columns})


@plan_app.command("show")
def plan_show(plan_ref: PlanId, as_json: JsonFlag = False) -> None:
    """A plan's items, who leads and supports each, its schedule and its warnings."""
    with session_scope(ready_database_url()) as session:
        plan = get_plan(session, plan_ref)
        if as_json:
            print_json(plan_detail_json(plan))
            return
        if doubtful := check_first_table(plan):
            console.print(doubtful)
        console.print(stored_plan_table(plan))
        monitoring = plan.monitoring_agency.name if plan.monitoring_agency else "—"
        console.print(f"Theo dõi, đôn đốc: {monitoring}")
        for warning in plan.warnings:
            warn(f"line {warning['line']}: {warning['message']}")


@plan_app.command("approve")
def plan_approve(
    plan_ref: PlanId,
    by: Annotated[str, typer.Option("--by", help="Who approves.")],
) -> None:
    """Approve a draft plan: only approved plans are compiled into work."""
    with session_scope(ready_database_url()) as session:
        plan = get_plan(session, plan_ref)
        plan.approve(by, now_utc())
        console.print(f"plan {plan.id} approved by {plan.approved_by}")


@plan_app.command("monitor")
def plan_monitor(
    plan_ref: Annotated[str, typer.Argument(metavar="PLAN_ID")],
    agency: MonitorName = None,
    clear: ClearFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Set the agency that follows a plan up and receives its overdue escalations; the
    name resolves in the plan's own directory scope."""
    # Imported here: only this command needs them.
    from dondoc.cli.names import resolve_or_fail
    from models import Agency
    from models.queries import default_monitoring_agency_id

    if clear == (agency is not None):
        fail("give AGENCY_NAME or --clear (one of them)", code=2)
    with session_scope(ready_database_url()) as session:
        plan = get_plan(session, plan_ref)
        if agency is None:
            plan.monitoring_agency_id = default_monitoring_agency_id(session, plan.scope_key)
        else:
            _, resolution = resolve_or_fail(session, agency, plan.scope_key or None)
            if resolution.agency_id is None:
                fail(f"{agency!r} is a group; one agency monitors a plan")
            plan.monitoring_agency_id = resolution.agency_id
        chosen = session.get(Agency, plan.monitoring_agency_id or 0)
        result = {
            "plan_id": plan.id,
            "monitoring_agency_id": plan.monitoring_agency_id,
            "monitoring_agency": chosen.name if chosen else None,
        }
    if as_json:
        print_json(result)
        return
    name = result["monitoring_agency"] or "none (the directory flags no monitoring agency)"
    console.print(f"plan {result['plan_id']}: theo dõi, đôn đốc: {name}")


@plan_app.command("compile")
def plan_compile(
    plan_ref: PlanId,
    period: Annotated[
        str | None,
        typer.Option(metavar="FROM:TO", help="e.g. 2019-01-11:2019-12-31 (default: the plan's)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Compile an approved plan into dated work; prints the counts and what changed.
    Compiling again changes nothing; an amended text takes over its predecessor's work."""
    options = CompileOptions.from_settings()
    bounds = parse_period(period) if period else None
    with session_scope(ready_database_url()) as session:
        plan = get_plan(session, plan_ref)
        result = compile_plan(session, plan.id, options, period=bounds, now=now_utc())
    if as_json:
        print_json(result.to_json())
        return
    print_compile_result(result)


@plan_app.command("export")
def plan_export(
    plan_ref: PlanId,
    fmt: Annotated[str, typer.Option("--format", help="yaml, csv or xlsx.")] = "yaml",
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
) -> None:
    """Export a plan as YAML, CSV or XLSX; importing the file gives the same plan."""
    dumpers = {"yaml": dump_yaml, "csv": dump_csv, "xlsx": dump_xlsx}
    if fmt not in dumpers:
        fail(f"--format must be one of {', '.join(dumpers)}, not {fmt!r}", code=2)
    with session_scope(ready_database_url()) as session:
        parsed = parsed_from_stored(get_plan(session, plan_ref))
    data = dumpers[fmt](parsed)
    if out is not None:
        out.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        console.print(f"wrote {out}")
    elif isinstance(data, bytes):
        fail("xlsx is binary: give --out FILE", code=2)
    else:
        print(data, end="")
