"""The long fuzz run of the plan reader: mutated real documents (tests/support/plan_mutations)
read one by one under a deadline. A reader must return a plan or raise PlanParseError, and
never hang: anything else is a crash, and any document over --limit seconds fails the run.
Prints progress, each failure as it happens (its text kept in --keep), every distinct crash
with a shrunk reproducing input, and the slowest documents; exits 1 on a crash or a document
over the limit. Ctrl-C (SIGINT) stops early and reports what was read.

Run: .venv/bin/python benchmarks/parse_fuzz.py [--documents 100000] [--seed 1] [--workers 2]
The tests run a short, bounded version of the same (tests/test_parse_fuzz.py)."""

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

# Run as a script, benchmarks/ is first on sys.path; the mutations live with the tests.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parse import machine  # noqa: E402

from tests.support.plan_mutations import (  # noqa: E402
    Mutant,
    Outcome,
    corpus_texts,
    directory_names,
    mutants,
    read_once,
)
from tests.support.shrink import shrink  # noqa: E402

BATCH = 50
_TEXTS: list[str] = []
_KNOWN: list[str] = []


@dataclass(frozen=True)
class Result:
    number: int
    seconds: float
    outcome: Outcome
    size: int
    steps: tuple[str, ...]
    source: int


def _start_worker() -> None:
    _TEXTS.extend(corpus_texts())
    _KNOWN.extend(directory_names())


def _read_batch(job: tuple[int, int, int, int, float]) -> list[Result]:
    """Documents first..first+count of the stream for `seed`: each worker regenerates its own
    (the stream is seeded per batch), so only results cross the process boundary."""
    seed, batch, first, count, limit = job
    results = []
    for offset, mutant in enumerate(mutants(_TEXTS, seed * 1_000_003 + batch, count)):
        start = time.perf_counter()
        # every other document as `dondoc plan import` reads it, with a directory's names
        known = _KNOWN if (first + offset) % 2 else []
        outcome = read_once(mutant.text, limit * 2, known)
        seconds = time.perf_counter() - start
        results.append(
            Result(first + offset, seconds, outcome, len(mutant.text), mutant.steps, mutant.source)
        )
    return results


def mutant_of(seed: int, number: int, texts: list[str]) -> Mutant:
    """Document `number` of the run for `seed`, regenerated to report or shrink it."""
    batch, offset = divmod(number, BATCH)
    stream = mutants(texts, seed * 1_000_003 + batch, offset + 1)
    for index, mutant in enumerate(stream):
        if index == offset:
            return mutant
    raise IndexError(number)


def _jobs(seed: int, documents: int, limit: float) -> Iterator[tuple[int, int, int, int, float]]:
    for batch, first in enumerate(range(0, documents, BATCH)):
        yield seed, batch, first, min(BATCH, documents - first), limit


def _signature(outcome: Outcome) -> str:
    """A crash's kind and place, without the message's varying values."""
    if outcome.verdict == "hang":
        return "hang"
    kind = outcome.detail.split(":", 1)[0]
    return f"{kind} {outcome.detail.split(' at ', 1)[-1]}"


def _report_crash(seed: int, number: int, outcome: Outcome, texts: list[str], limit: float) -> None:
    mutant = mutant_of(seed, number, texts)
    known = directory_names() if number % 2 else []
    expected = _signature(outcome)
    give_up = time.perf_counter() + 300  # a hang costs `limit` per try: shrink what 5 min allow

    def fails(text: str) -> bool:
        if time.perf_counter() > give_up:
            return False
        again = read_once(text, limit, known)
        return again.failed and _signature(again) == expected

    minimal = shrink(mutant.text, fails) if fails(mutant.text) else mutant.text
    names = ", with the directory's names" if known else ""
    print(f"  document {number} (source {mutant.source}, {'+'.join(mutant.steps)}{names}):")
    print(f"  {outcome.verdict}: {outcome.detail}")
    print(f"  shrunk to {len(minimal)} characters: {minimal[:500]!r}")


def _keep(folder: Path, seed: int, result: Result, texts: list[str]) -> None:
    """Say a failure at once and keep its text: a long run may be stopped before its report."""
    path = folder / f"seed{seed}-document{result.number}.txt"
    path.write_text(mutant_of(seed, result.number, texts).text, encoding="utf-8", newline="")
    steps = "+".join(result.steps)
    print(
        f"! document {result.number} (source {result.source}, {steps}, {result.size:,} "
        f"characters, names {'yes' if result.number % 2 else 'no'}): {result.outcome.verdict} "
        f"{result.outcome.detail} -> {path}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=5.0, help="seconds one document may take")
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/parse-fuzz"), help="failures")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    texts = corpus_texts()
    print(
        f"# parse fuzz, {date.today()}, {machine()}, Python {platform.python_version()}, "
        f"{args.documents:,} documents from {len(texts)} real ones, seed {args.seed}, "
        f"{args.workers} workers, limit {args.limit} s",
        flush=True,
    )
    verdicts: Counter[str] = Counter()
    crashes: dict[str, tuple[int, Outcome]] = {}
    crash_counts: Counter[str] = Counter()
    slowest: list[tuple[float, int, Result]] = []
    total_seconds = 0.0
    total_chars = 0
    over_limit = 0
    started = time.perf_counter()
    done = 0
    context = multiprocessing.get_context("fork")
    pool = context.Pool(args.workers, initializer=_start_worker)
    batches = pool.imap_unordered(_read_batch, _jobs(args.seed, args.documents, args.limit))
    try:
        for results in batches:
            for result in results:
                verdicts[result.outcome.verdict] += 1
                total_seconds += result.seconds
                total_chars += result.size
                over_limit += result.seconds > args.limit
                heapq.heappush(slowest, (result.seconds, result.number, result))
                if len(slowest) > args.slowest:
                    heapq.heappop(slowest)
                if result.outcome.failed:
                    _keep(args.keep, args.seed, result, texts)
                    signature = _signature(result.outcome)
                    crash_counts[signature] += 1
                    crashes.setdefault(signature, (result.number, result.outcome))
            before, done = done, done + len(results)
            if done // 5_000 != before // 5_000 or done == args.documents:
                elapsed = time.perf_counter() - started
                print(
                    f"{done:>7,} documents, {elapsed:7.0f} s, {dict(verdicts)}, "
                    f"slowest {max(slowest)[0]:.2f} s",
                    flush=True,
                )
    except KeyboardInterrupt:
        print(f"\ninterrupted after {done:,} documents", flush=True)
    finally:
        pool.terminate()
    elapsed = time.perf_counter() - started
    print(
        f"\n{done:,} documents ({total_chars / 1e6:.0f} M characters) in {elapsed:.0f} s wall, "
        f"{total_seconds:.0f} s reading, {1000 * total_seconds / max(done, 1):.1f} ms a document; "
        f"verdicts {dict(verdicts)}"
    )
    print(f"\n{len(crashes)} distinct crashes or hangs")
    for signature, (number, outcome) in crashes.items():
        print(f"- {crash_counts[signature]}× {signature}")
        _report_crash(args.seed, number, outcome, texts, args.limit)
    print(f"\nslowest {len(slowest)} documents")
    print("| seconds | document | characters | source | mutations |")
    print("|---:|---:|---:|---:|---|")
    for seconds, number, result in sorted(slowest, reverse=True):
        steps = "+".join(result.steps)
        print(f"| {seconds:.2f} | {number} | {result.size:,} | {result.source} | {steps} |")
    print(f"\n{over_limit} documents took over {args.limit} s")
    return 1 if crashes or over_limit else 0


if __name__ == "__main__":
    sys.exit(main())
