"""`dondoc demo`: the main job on embedded defaults. It loads the example directories and
plans into the SQLite database, shows what was read, approves the plans and compiles them
into dated work, so a newcomer sees the whole path from plan text to occurrences with one
command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from dondoc.clock import now_utc
from dondoc.compile_view import print_compile_result
from dondoc.db import ready_database_url, session_scope
from dondoc.output import console, warn
from dondoc.plan_views import stored_plan_table
from models import Plan
from tasks.compile_plan import CompileOptions, compile_plan
from tasks.directory import import_directory, load_directory
from tasks.import_plan import import_plan_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO_APPROVER = "Quản trị viên (demo)"


def run_demo(
    examples: Annotated[Path, typer.Option(help="Folder with directories/ and plans/.")] = EXAMPLES,
) -> None:
    """Load the example directories and plans, show them, approve and compile them."""
    url = ready_database_url()
    directories = sorted((examples / "directories").glob("*.y*ml"))
    plan_files = sorted(p for p in (examples / "plans").iterdir() if p.is_file())
    plan_ids: list[int] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Loading examples", total=len(directories) + len(plan_files))
        for path in directories:
            with session_scope(url) as session:
                counts = import_directory(session, load_directory(path))
            console.print(f"directory {path.name}: {counts}")
            progress.advance(task)
        for path in plan_files:
            with session_scope(url) as session:
                imported = import_plan_file(session, path)
            parsed, result = imported.parsed, imported.result
            for warning in parsed.warnings:
                warn(f"{path.name}:{warning.line}: {warning.message}")
            for resolution in result.unresolved:
                warn(f"{path.name}: unresolved agency {resolution.name_as_written!r}")
            plan_ids.append(result.plan_id)
            progress.advance(task)
    options = CompileOptions.from_settings()
    for plan_id in plan_ids:
        with session_scope(url) as session:
            plan = session.get(Plan, plan_id)
            assert plan is not None
            if plan.status == "draft":
                plan.approve(DEMO_APPROVER, now_utc())
            console.print(stored_plan_table(plan))
        with session_scope(url) as session:
            result = compile_plan(session, plan_id, options, now=now_utc())
        print_compile_result(result)
    console.print(
        f"\n[bold green]{len(plan_ids)} plans imported, approved and compiled[/] in {url}"
    )
    console.print(
        "Next: `dondoc plan show ID`, `dondoc occurrences list --plan ID`, "
        "`dondoc calendar workdays 2026`."
    )
