"""compile-plan: an admin turns an approved plan into dated work from the Prefect UI.

The flow only orchestrates the three steps of tasks.schedule.compile: `prepare` reads and checks
the plan, `expand` dates the items (one task run per item, or 50 batches for a long plan, so
the run's size follows the plan, never its occurrences), `store` writes the difference in one
transaction, and `publish` shows the admin what the plan now owes and what changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import chain
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import session_scope
from flows.retries import retry_unless
from models import Agency
from models.schema import ready_database_url
from tasks.schedule import (
    CompileError,
    CompileInput,
    CompileOptions,
    CompileResult,
    DesiredRow,
    ItemSpec,
    apply_compile,
    expand_items,
    parse_period,
    prepare_compile,
)

MAX_BATCHES = 50  # a task run costs little, thousands of them destabilise the server
NEXT_DUES = 3  # due dates shown per (item, agency) in the plan-compile table
CONTENT_WIDTH = 80
COUNT_LABELS = {
    "added": "thêm mới",
    "rescheduled": "đổi hạn",
    "cancelled": "huỷ",
    "reinstated": "khôi phục",
    "unchanged": "không đổi",
}
CHANGE_MARKS = {"added": "+", "removed": "−", "edited": "~", "kept": "·"}


def split_batches(items: Sequence[ItemSpec], most: int = MAX_BATCHES) -> list[list[ItemSpec]]:
    """The items in plan order, in at most `most` batches of near-equal size."""
    count = min(len(items), most)
    size, extra = divmod(len(items), count) if count else (0, 0)
    batches: list[list[ItemSpec]] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        batches.append(list(items[start:end]))
        start = end
    return batches


def batch_run_name(parameters: dict[str, Any]) -> str:
    """`item 3 (weekly)` or `items 1–40`: what the admin reads in the run's task list."""
    specs: list[ItemSpec] = parameters["items"]
    if len(specs) == 1:
        return f"item {specs[0].seq} ({specs[0].schedule.get('kind', 'unknown')})"
    return f"items {specs[0].seq}–{specs[-1].seq}"


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=retry_unless(CompileError))
def prepare(plan_id: int, period: str | None) -> CompileInput:
    """Read and check the plan (nothing written); a CompileError says what the admin must do."""
    bounds = parse_period(period) if period else None
    with session_scope(ready_database_url()) as session:
        return prepare_compile(session, plan_id, bounds)


@task(task_run_name=batch_run_name)
def expand(items: list[ItemSpec], period: tuple[date, date]) -> list[DesiredRow]:
    """Date a batch of items: pure, so a failure is a bug and is not retried."""
    return expand_items(items, period, CompileOptions.from_settings())


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=retry_unless(CompileError))
def store(prepared: CompileInput, batches: list[list[DesiredRow]]) -> CompileResult:
    """Write the difference in one transaction; compiling is idempotent, so a retry after a
    lost connection finds its rows and adds nothing twice."""
    with session_scope(ready_database_url()) as session:
        return apply_compile(session, prepared, list(chain.from_iterable(batches)), now=now_utc())


@task
def publish(prepared: CompileInput, batches: list[list[DesiredRow]], result: CompileResult) -> None:
    """What the plan owes now (plan-compile) and what this compile changed (plan-compile-diff)."""
    today = local_date(now_utc())
    # A plan whose period is over has no next dates: show its first ones instead.
    since = today if today <= prepared.period[1] else prepared.period[0]
    dues: dict[tuple[int, int], list[date]] = {}
    for item_id, agency_id, *_, due in chain.from_iterable(batches):
        if due >= since:
            dues.setdefault((item_id, agency_id), []).append(due)
    agency_ids = {agency_id for spec in prepared.items for agency_id in spec.lead_agency_ids}
    with session_scope(ready_database_url()) as session:
        names = {i: a.name for i in agency_ids if (a := session.get(Agency, i)) is not None}
    create_table_artifact(
        key="plan-compile",
        table=due_rows(prepared.items, names, dues),
        description=f"Plan {prepared.plan_id}: {prepared.title} — các hạn từ {since}",
    )
    create_markdown_artifact(
        key="plan-compile-diff",
        markdown=diff_markdown(prepared, result),
        description=f"Plan {prepared.plan_id}, version {result.version}",
    )


def due_rows(
    items: Sequence[ItemSpec], names: dict[int, str], dues: dict[tuple[int, int], list[date]]
) -> list[dict[str, str]]:
    """One row per (item, lead agency); an item nobody leads still gets a row, so it shows."""
    rows: list[dict[str, str]] = []
    for spec in items:
        content = spec.content
        if len(content) > CONTENT_WIDTH:
            content = content[: CONTENT_WIDTH - 1].rstrip() + "…"
        for agency_id in spec.lead_agency_ids or (None,):
            next_dues = sorted(dues.get((spec.item_id, agency_id), [])) if agency_id else []
            rows.append(
                {
                    "#": spec.seq,
                    "Nội dung": content,
                    "Đơn vị chủ trì": names.get(agency_id, "?") if agency_id else "—",
                    "Lịch": str(spec.schedule.get("kind", "unknown")),
                    "Hạn tiếp theo": ", ".join(d.isoformat() for d in next_dues[:NEXT_DUES]),
                }
            )
    return rows


def diff_markdown(prepared: CompileInput, result: CompileResult) -> str:
    start, end = result.period
    state = f"phiên bản {result.version}" if result.changed else "không có thay đổi"
    lines = [
        f"# Lập lịch kế hoạch {prepared.plan_id}: {prepared.title}",
        "",
        f"Giai đoạn {start} → {end} ({state}).",
        "",
        *(f"- {COUNT_LABELS.get(k, k)}: {n}" for k, n in result.counts.items()),
    ]
    if result.supersedes:
        lines += ["", f"Thay thế kế hoạch {result.supersedes} (nay là superseded)."]
    touched = [item for item in result.items if item.touched]
    if touched:
        lines += ["", "## Thay đổi", "", "| | # | Nội dung | Thêm | Đổi hạn | Huỷ | Khôi phục |"]
        lines.append("|---|---|---|---|---|---|---|")
        for item in touched:
            content = item.content[:CONTENT_WIDTH].replace("|", "\\|")
            lines.append(
                f"| {CHANGE_MARKS.get(item.change, item.change)} | {item.seq} | {content}"
                f" | {item.added} | {item.rescheduled} | {item.cancelled} | {item.reinstated} |"
            )
    lines += ["", "## Cảnh báo", ""]
    lines += [f"- {message}" for message in result.warnings] or ["Không có cảnh báo."]
    return "\n".join(lines)


@flow(name="compile-plan", log_prints=True)
def compile_plan(plan_id: int, period: str | None = None) -> dict[str, Any]:
    """Compile an approved plan into dated work over `period` (FROM:TO, default the plan's);
    returns the counts and the diff. Compiling again changes nothing."""
    prepared = prepare(plan_id, period)
    batches = [expand(batch, prepared.period) for batch in split_batches(prepared.items)]
    result = store(prepared, batches)
    publish(prepared, batches, result)
    counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
    print(f"plan {plan_id} compiled for {result.period[0]}..{result.period[1]}: {counts}")
    return result.to_json()
