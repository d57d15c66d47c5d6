"""`dondoc demo`: the main job on embedded defaults, the README's first command.

It starts the whole service on this machine — SQLite, a local Prefect server and UI, the
flows of prefect.yaml served in one process, the feed server and (unless DONDOC_SMTP_HOST is
set) a local SMTP server that files every message as an .eml — loads the example
directories and plans, approves and compiles them, then runs the day's flows through the
Prefect server as the schedules would (send-reminders, escalate-overdue, publish-feeds,
progress-report) for a day in the middle of a plan, so mail appears. It prints where to
look and keeps running until Ctrl-C."""

from __future__ import annotations

import os
import signal
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from sqlalchemy import select

from dondoc.cli.compile_view import print_compile_result
from dondoc.cli.options import date_option
from dondoc.cli.output import console, fail, styled, warn
from dondoc.core.clock import now_utc
from dondoc.core.db import session_scope
from dondoc.core.settings import get_settings
from models import Agency, FeedToken, Plan
from models.queries import directory_scopes
from models.schema import ready_database_url
from tasks.directory import import_directory, load_directory
from tasks.plans import import_plan_file
from tasks.schedule import CompileOptions, compile_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_APPROVER = "Quản trị viên (demo)"
# A Thursday in the Sông Mã plan's first quarter: the weekly deadline is tomorrow and
# earlier weeks' reports are overdue, so both reminders and escalations go out.
DEMO_DAY = date(2019, 3, 28)
DAILY_FLOWS = (
    ("send-reminders", "send-reminders"),
    ("escalate-overdue", "escalate-overdue"),
    ("publish-feeds", "publish-feeds"),
    ("progress-report", "progress-report"),
)


def load_examples(url: str, examples: Path) -> list[int]:
    """Import every example directory and plan, approve the drafts, compile them."""
    directories = sorted((examples / "directories").glob("*.y*ml"))
    plan_files = sorted(p for p in (examples / "plans").iterdir() if p.is_file())
    plan_ids: list[int] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Loading examples", total=len(directories) + len(plan_files))
        for path in directories:
            with session_scope(url) as session:
                import_directory(session, load_directory(path))
            progress.advance(task)
        for path in plan_files:
            with session_scope(url) as session:
                imported = import_plan_file(session, path)
            for warning in imported.parsed.warnings:
                warn(f"{path.name}:{warning.line}: {warning.message}")
            for resolution in imported.result.unresolved:
                warn(f"{path.name}: unresolved agency {resolution.name_as_written!r}")
            plan_ids.append(imported.result.plan_id)
            progress.advance(task)
    options = CompileOptions.from_settings()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Approving and compiling", total=len(plan_ids))
        for plan_id in plan_ids:
            with session_scope(url) as session:
                plan = session.get(Plan, plan_id)
                assert plan is not None
                if plan.status == "draft":
                    plan.approve(DEMO_APPROVER, now_utc())
            with session_scope(url) as session:
                print_compile_result(compile_plan(session, plan_id, options, now=now_utc()))
            progress.advance(task)
    return plan_ids


def _feed_urls(url: str, limit: int = 6) -> list[tuple[str, str]]:
    from calendars.tokens import derive_token
    from dondoc.cli.feeds import FeedUrls

    settings = get_settings()
    secret = settings.signing_key()
    with session_scope(url) as session:
        scopes = directory_scopes(session)
        rows = session.execute(
            select(FeedToken.kind, FeedToken.salt, Agency.name, Agency.scope_key)
            .join(Agency, Agency.id == FeedToken.agency_id)
            .where(FeedToken.revoked_at.is_(None))
            .order_by(FeedToken.kind.desc(), FeedToken.id)
        ).all()
    return [
        (
            f"{name}, {scopes.get(scope, scope) or '—'} ({kind})",
            FeedUrls.of(settings.base_url, derive_token(salt, secret)).url,
        )
        for kind, salt, name, scope in rows[:limit]
    ]


def run_demo(
    on: Annotated[date, date_option("--date", help="The day the flows run for.")] = DEMO_DAY,
    examples: Annotated[Path, typer.Option(help="Folder with directories/ and plans/.")] = EXAMPLES,
    wait: Annotated[bool, typer.Option(help="Keep the services running until Ctrl-C.")] = True,
    ui_port: Annotated[int, typer.Option(help="Port of the Prefect server and UI.")] = 4200,
    feeds_port: Annotated[int, typer.Option(help="Port of the feed server.")] = 8000,
    smtp_port: Annotated[int, typer.Option(help="Port of the local SMTP server.")] = 8025,
) -> None:
    """Start dondoc on this machine with the example plans and run a day's flows."""
    from dondoc.stack import Ports, create_flow_run, running_stack, wait_for_flow_runs

    data_dir = get_settings().data_dir.resolve()
    # Ctrl-C, and a TERM from a service manager, stop every service on the way out (a shell
    # that starts the demo in the background ignores SIGINT unless it is set back).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with running_stack(data_dir, Ports(ui_port, feeds_port, smtp_port)) as stack:
            os.environ.update({k: stack.env[k] for k in ("DONDOC_BASE_URL", "DONDOC_DATA_DIR")})
            os.environ.update({k: v for k, v in stack.env.items() if k.startswith("DONDOC_SMTP")})
            get_settings.cache_clear()
            url = ready_database_url()
            plan_ids = load_examples(url, examples)
            console.print(
                styled(f"{len(plan_ids)} plans imported, approved and compiled", "bold green")
            )
            for flow, deployment in DAILY_FLOWS:
                parameters = {"date": on.isoformat()}
                with console.status(f"running {flow} for {on:%d/%m/%Y}"):
                    run_id = create_flow_run(stack.api_url, f"{flow}/{deployment}", parameters)
                    [run] = wait_for_flow_runs(stack.api_url, [run_id]).values()
                console.print(f"{flow}: {run['state']['name']}")
            _print_where(stack, url)
            if wait:
                console.print("\nRunning.", styled("Ctrl-C", "bold"), "stops every service.")
                try:
                    while all(p.poll() is None for p in stack.processes.values()):
                        time.sleep(1)
                    fail("a service stopped; see the logs in " + str(data_dir / "logs"))
                except KeyboardInterrupt:
                    console.print("\nStopping…")
    except KeyboardInterrupt:
        console.print("Stopped.")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _print_where(stack: Any, url: str) -> None:
    console.print(f"\nPrefect UI:   {stack.ui_url}  (deployments, runs, artifacts)")
    console.print(f"Feed server:  {stack.feeds_url}/feeds/TOKEN.ics")
    for label, feed in _feed_urls(url):
        console.print(f"  {label}: {feed}", soft_wrap=True, highlight=False)
    console.print("  every feed URL: `dondoc feeds urls`")
    settings = get_settings()
    closed = settings.admin_password_hash is None and settings.admin_accounts is None
    console.print(
        f"Admin pages:  {stack.feeds_url}/admin/plans/new"
        + ("  (closed: set DONDOC_ADMIN_PASSWORD_HASH, see README)" if closed else ""),
        soft_wrap=True,
        highlight=False,
    )
    if stack.mail_dir is not None:
        count = len(list(stack.mail_dir.glob("*.eml")))
        console.print(f"Mail folder:  {stack.mail_dir}  ({count} messages, .eml)")
    console.print(f"Database:     {url}")
    console.print(f"Logs:         {stack.data_dir / 'logs'}")
