"""The long fuzz run over every reader a user's input reaches (tests/support/fuzz_targets):
the plan reader on whole mutated documents and on pieces of them, timeframes, agency cells,
decoding, directories, done sheets, structured plans, working-day overrides and the notify
policy. Each case must be read or refused with the reader's own error within --limit seconds:
anything else is a crash, and a case over the limit fails the run. Prints progress, each
failure as it happens (its input kept in --keep), every distinct crash with a shrunk input,
the slowest cases and a table per reader; exits 1 on a crash or a case over the limit. Ctrl-C
stops early and reports what was read.

Run: .venv/bin/python benchmarks/fuzz.py [--cases 1000000] [--seed 1] [--workers 2]
    [--limit 1] [--only plan,timeframe]
The tests run a short, bounded version (tests/test_fuzz.py, tests/test_parse_fuzz.py)."""

from __future__ import annotations

import argparse
import heapq
import multiprocessing
import platform
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Run as a script, benchmarks/ is first on sys.path; the targets live with the tests.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parse import machine  # noqa: E402

from tests.support.fuzz_targets import TARGETS, WEIGHTS, Case, cases, run_case  # noqa: E402
from tests.support.plan_mutations import Outcome  # noqa: E402
from tests.support.shrink import shrink  # noqa: E402

BATCH = 200
Job = tuple[int, int, int, int, float, frozenset[str]]


@dataclass(frozen=True)
class Result:
    number: int
    target: str
    seconds: float
    outcome: Outcome
    size: int
    steps: tuple[str, ...]


def _read_batch(job: Job) -> list[Result]:
    """Cases first..first+count of the stream for `seed`: each worker regenerates its own (the
    stream is seeded per batch), so only results cross the process boundary."""
    seed, batch, first, count, limit, only = job
    results = []
    for offset, case in enumerate(cases(seed * 1_000_003 + batch, count, only)):
        start = time.perf_counter()
        outcome = run_case(case, limit * 5)
        seconds = time.perf_counter() - start
        results.append(Result(first + offset, case.target, seconds, outcome, case.size, case.steps))
    return results


def case_of(seed: int, number: int, only: frozenset[str]) -> Case:
    """Case `number` of the run for `seed`, regenerated to report, keep or shrink it."""
    batch, offset = divmod(number, BATCH)
    for index, case in enumerate(cases(seed * 1_000_003 + batch, offset + 1, only)):
        if index == offset:
            return case
    raise IndexError(number)


def _jobs(seed: int, count: int, limit: float, only: frozenset[str]) -> Iterator[Job]:
    for batch, first in enumerate(range(0, count, BATCH)):
        yield seed, batch, first, min(BATCH, count - first), limit, only


def _signature(target: str, outcome: Outcome) -> str:
    """A crash's reader, kind and place, without the message's varying values."""
    if outcome.verdict == "hang":
        return f"{target}: hang"
    kind = outcome.detail.split(":", 1)[0]
    return f"{target}: {kind} {outcome.detail.split(' at ', 1)[-1]}"


def _shrunk(case: Case, signature: str, limit: float) -> str | bytes:
    """The smallest input failing the same way (a workbook is kept whole: its bytes are a zip)."""
    if TARGETS[case.target].suffix == ".xlsx":
        return case.data
    give_up = time.perf_counter() + 300  # a hang costs its limit per try: 5 minutes at most
    as_bytes = isinstance(case.data, bytes)

    def rebuilt(text: str) -> Case:
        data = text.encode("latin-1") if as_bytes else text
        return Case(case.target, data, case.steps, case.known)

    def fails(text: str) -> bool:
        if time.perf_counter() > give_up:
            return False
        again = run_case(rebuilt(text), limit * 5)
        return again.failed and _signature(case.target, again) == signature

    text = case.data.decode("latin-1") if isinstance(case.data, bytes) else case.data
    return rebuilt(shrink(text, fails) if fails(text) else text).data


def _keep(folder: Path, seed: int, result: Result, only: frozenset[str]) -> None:
    """Say a failure at once and keep its input: a long run may be stopped before its report."""
    case = case_of(seed, result.number, only)
    suffix = TARGETS[case.target].suffix
    path = folder / f"seed{seed}-case{result.number}-{case.target}{suffix}"
    path.write_bytes(case.data if isinstance(case.data, bytes) else case.data.encode("utf-8"))
    print(
        f"! case {result.number} ({case.target}, {'+'.join(result.steps)}, {result.size:,} "
        f"long, names {'yes' if case.known else 'no'}): {result.outcome.verdict} "
        f"{result.outcome.detail} {result.seconds:.2f} s -> {path}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=1.0, help="seconds one case may take")
    parser.add_argument("--only", default="", help="comma-separated targets (default: all)")
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/dondoc-fuzz"), help="failures")
    args = parser.parse_args()
    only = frozenset(name for name in args.only.split(",") if name)
    if unknown := sorted(only - set(TARGETS)):
        parser.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    args.keep.mkdir(parents=True, exist_ok=True)
    print(
        f"# fuzz, {date.today()}, {machine()}, Python {platform.python_version()}, "
        f"{args.cases:,} cases, seed {args.seed}, {args.workers} workers, limit {args.limit} s, "
        f"targets {', '.join(sorted(only or TARGETS))}",
        flush=True,
    )
    per_target: dict[str, Counter[str]] = {name: Counter() for name in WEIGHTS}
    seconds_by_target: Counter[str] = Counter()
    slowest_by_target: dict[str, float] = {}
    crashes: dict[str, tuple[int, Outcome]] = {}
    crash_counts: Counter[str] = Counter()
    slowest: list[tuple[float, int, Result]] = []
    over_limit: list[Result] = []
    started = time.perf_counter()
    done = 0
    pool = multiprocessing.get_context("fork").Pool(args.workers)
    batches = pool.imap_unordered(_read_batch, _jobs(args.seed, args.cases, args.limit, only))
    try:
        for results in batches:
            for result in results:
                per_target[result.target][result.outcome.verdict] += 1
                seconds_by_target[result.target] += result.seconds
                top = slowest_by_target.get(result.target, 0.0)
                slowest_by_target[result.target] = max(top, result.seconds)
                heapq.heappush(slowest, (result.seconds, result.number, result))
                if len(slowest) > args.slowest:
                    heapq.heappop(slowest)
                if result.seconds > args.limit:
                    over_limit.append(result)
                if result.outcome.failed or result.seconds > args.limit:
                    _keep(args.keep, args.seed, result, only)
                if result.outcome.failed:
                    signature = _signature(result.target, result.outcome)
                    crash_counts[signature] += 1
                    crashes.setdefault(signature, (result.number, result.outcome))
            before, done = done, done + len(results)
            if done // 20_000 != before // 20_000 or done == args.cases:
                print(
                    f"{done:>9,} cases, {time.perf_counter() - started:7.0f} s, "
                    f"{len(crashes)} crash kinds, {len(over_limit)} over {args.limit} s, "
                    f"slowest {max(slowest)[0]:.2f} s",
                    flush=True,
                )
    except KeyboardInterrupt:
        print(f"\ninterrupted after {done:,} cases", flush=True)
    finally:
        pool.terminate()
    elapsed = time.perf_counter() - started
    print(f"\n{done:,} cases in {elapsed:.0f} s wall\n")
    print("| reader | cases | read | refused | crash | hang | ms a case | slowest s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, verdicts in per_target.items():
        count = sum(verdicts.values())
        if count:
            mean = 1000 * seconds_by_target[name] / count
            cells = " | ".join(f"{verdicts[v]:,}" for v in ("read", "refused", "crash", "hang"))
            print(f"| {name} | {count:,} | {cells} | {mean:.1f} | {slowest_by_target[name]:.2f} |")
    print(f"\n{len(crashes)} distinct crashes or hangs")
    for signature, (number, outcome) in crashes.items():
        case = case_of(args.seed, number, only)
        print(f"- {crash_counts[signature]}× {signature}")
        print(f"  case {number} ({'+'.join(case.steps)}): {outcome.detail}")
        minimal = _shrunk(case, signature, args.limit)
        print(f"  shrunk to {len(minimal)}: {minimal[:500]!r}")
    print(f"\nslowest {len(slowest)} cases")
    print("| seconds | case | reader | size | mutations |")
    print("|---:|---:|---|---:|---|")
    for seconds, number, result in sorted(slowest, reverse=True):
        steps = "+".join(result.steps)
        print(f"| {seconds:.2f} | {number} | {result.target} | {result.size:,} | {steps} |")
    print(f"\n{len(over_limit)} cases took over {args.limit} s")
    return 1 if crashes or over_limit else 0


if __name__ == "__main__":
    sys.exit(main())
