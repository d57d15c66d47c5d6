"""Compile benchmark: a nation-scale corpus (10,000 agencies in 500 localities, 2,000 approved
plans, 100,000 assignments, over 2,000,000 occurrences in 2025) compiled plan by plan, each in
its own transaction as `dondoc plan compile` and the flow run it, against a baseline measured
in the same run: a bare bulk INSERT of exactly the rows the compile wrote, the floor of
writing them at all. Reading the plans and dating the items is left out of the baseline, so
the ratio is what compiling costs beyond the write it cannot avoid.

Run: .venv/bin/python benchmarks/compile.py [--backend sqlite|postgres|both] [--plans 2000]
     [--agencies 10000] [--out benchmarks/out]
Targets (issue): at most 60 s end to end and 1.5× the baseline on a 2-core machine, peak
memory at most 1 GiB, and Prefect task runs per compile that do not grow with occurrences."""

from __future__ import annotations

import argparse
import contextlib
import platform
import resource
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

# Run as a script, benchmarks/ is first on sys.path: corpus and parse are its siblings.
from corpus import ITEMS, Corpus, generate
from parse import machine
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select, text

from dondoc.core.db import get_engine, session_scope
from models import Occurrence
from models.bulk import insert_occurrences
from models.schema import migrate, scratch_schema
from tasks.schedule import (
    CompileOptions,
    WorkCalendar,
    compile_plan,
    expand_items,
    new_row,  # the very rows the compile inserts
    prepare_compile,
)

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OCC = Occurrence.__table__
# The compile-plan flow's design: prepare, one task per item batch (at most 50), apply, report.
TASK_BATCH_CAP = 50
TASK_RUNS_FIXED = 3
TARGET_S, TARGET_RATIO, TARGET_MIB = 60.0, 1.5, 1024.0
STDERR = Console(stderr=True)


@dataclass
class Result:
    backend: str
    corpus: Corpus
    occurrences: int
    compile_s: float
    baseline_s: float
    peaks: dict[str, float]  # phase -> peak RSS in MiB during that phase


def reset_peak() -> bool:
    """Restart the kernel's peak-RSS count (Linux, clear_refs "5"), so each phase's
    ru_maxrss is its own and generating the corpus in this process does not mask the
    compile's figure. False where that is not allowed: the peaks are then cumulative."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@contextlib.contextmanager
def database(backend: str, out: Path) -> Iterator[str]:
    """A freshly migrated, empty database: a SQLite file under `out`, or a PostgreSQL
    schema of its own, dropped (file removed) at the end whatever happens."""
    if backend == "sqlite":
        path = out / f"compile-{uuid.uuid4().hex[:8]}.sqlite3"
        url = f"sqlite:///{path}"
        try:
            migrate(url)
            yield url
        finally:
            get_engine(url).dispose()
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
        return
    with scratch_schema(POSTGRES_URL, "bench") as url:
        yield url


def each_plan(label: str, plan_ids: Sequence[int], work: Callable[[int], None]) -> None:
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=STDERR) as progress:
        task = progress.add_task(label, total=len(plan_ids))
        for plan_id in plan_ids:
            work(plan_id)
            progress.advance(task)


def run_compile(url: str, plan_ids: Sequence[int], options: CompileOptions, now: datetime) -> int:
    """Phase A, timed by the caller: every plan compiled in its own transaction."""
    written = 0

    def one(plan_id: int) -> None:
        nonlocal written
        with session_scope(url) as session:
            written += compile_plan(session, plan_id, options, now=now).counts["added"]

    each_plan("compile", plan_ids, one)
    return written


def run_baseline(
    url: str, plan_ids: Sequence[int], options: CompileOptions, now: datetime
) -> float:
    """Phase B: the same rows, worked out untimed, then only the bulk insert (the compile's
    write path: COPY on PostgreSQL, the driver's executemany on SQLite) and the commit
    timed, one transaction per plan as in phase A."""
    with get_engine(url).begin() as connection:  # back to an empty table, as A started
        if connection.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE occurrence CASCADE"))
        else:
            connection.execute(text("DELETE FROM occurrence"))
    if get_engine(url).dialect.name == "sqlite":
        with get_engine(url).connect() as connection:
            connection.exec_driver_sql("VACUUM")
    timed = 0.0

    def one(plan_id: int) -> None:
        nonlocal timed
        with session_scope(url) as session:
            prepared = prepare_compile(session, plan_id)
            rows = [
                new_row(plan_id, (item, agency, kind, start), end, nominal, due, now)
                for item, agency, kind, start, end, nominal, due in expand_items(
                    prepared.items, prepared.period, options
                )
            ]
            start = time.perf_counter()
            insert_occurrences(session, rows)  # the compile's own write path
        timed += time.perf_counter() - start  # the commit is in: session_scope's exit

    each_plan("baseline insert", plan_ids, one)
    return timed


def bench(backend: str, args: argparse.Namespace, options: CompileOptions) -> Result:
    now = datetime.now(UTC)
    peaks: dict[str, float] = {}
    with database(backend, args.out) as url:
        reset_peak()
        start = time.perf_counter()
        corpus = generate(url, agencies=args.agencies, plans=args.plans, days=options.days)
        STDERR.print(
            f"{backend}: generated {corpus.agencies:,} agencies, {corpus.plans:,} plans, "
            f"{corpus.assignments:,} assignments in {time.perf_counter() - start:.1f} s"
        )
        peaks["generate"] = peak_mib()
        reset_peak()
        start = time.perf_counter()
        written = run_compile(url, corpus.plan_ids, options, now)
        compile_s = time.perf_counter() - start
        peaks["compile"] = peak_mib()
        with session_scope(url) as session:
            stored = session.scalar(select(func.count()).select_from(OCC))
        if not written == stored == corpus.expected_occurrences:
            raise SystemExit(
                f"{backend}: compile wrote {written:,}, table holds {stored:,}, "
                f"the schedules give {corpus.expected_occurrences:,}"
            )
        reset_peak()
        baseline_s = run_baseline(url, corpus.plan_ids, options, now)
        peaks["baseline"] = peak_mib()
    return Result(backend, corpus, written, compile_s, baseline_s, peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    options = CompileOptions(WorkCalendar.from_file(None))  # packaged overrides, like settings
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    per_phase = reset_peak()
    results = [bench(backend, args, options) for backend in backends]

    print(f"# compile benchmark, {date.today()}, {machine()}, Python {platform.python_version()}")
    print(
        "| backend | agencies | plans | assignments | occurrences "
        "| compile s | baseline insert s | ratio | peak MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        c = r.corpus
        print(
            f"| {r.backend} | {c.agencies:,} | {c.plans:,} | {c.assignments:,} | "
            f"{r.occurrences:,} | {r.compile_s:.1f} | {r.baseline_s:.1f} | "
            f"{r.compile_s / r.baseline_s:.2f}× | {max(r.peaks.values()):.0f} |"
        )
    print()
    scope = "reset before each phase" if per_phase else "cumulative: clear_refs refused"
    for r in results:
        phases = ", ".join(f"{phase} {mib:.0f}" for phase, mib in r.peaks.items())
        print(f"Peak RSS MiB of {r.backend} ({scope}): {phases}.", end="")
        if r.peaks["generate"] > r.peaks["compile"]:
            print(" Generating the corpus, not compiling, sets the peak.", end="")
        verdicts = (
            ("60 s", r.compile_s <= TARGET_S),
            ("1.5×", r.compile_s <= TARGET_RATIO * r.baseline_s),
            ("1 GiB", max(r.peaks.values()) <= TARGET_MIB),
        )
        met = ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in verdicts)
        print(f" Targets: {met}.")
    batches = min(len(ITEMS), TASK_BATCH_CAP)
    per_plan = results[0].occurrences / max(1, results[0].corpus.plans)
    print(
        f"Prefect (by design, not run here): items per plan / task runs per plan: "
        f"{len(ITEMS)} / {batches}+{TASK_RUNS_FIXED}, whatever the {per_plan:,.0f} "
        f"occurrences per plan; item batches are capped at {TASK_BATCH_CAP} per plan."
    )


if __name__ == "__main__":
    main()
