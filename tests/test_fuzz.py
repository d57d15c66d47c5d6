"""Every reader a user's input reaches, fuzzed (tests/support/fuzz_targets): damaged real
files, documents, cells and timeframes are read or refused with the reader's own error —
never another exception — within a deadline. The inputs fuzzing found are kept in
tests/fixtures/fuzz/, named after their reader, so they stay fixed. The long run is
benchmarks/fuzz.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.support.fuzz_targets import TARGETS, WEIGHTS, Case, cases, run_case

CASES = 2_000
SEED = 20261202
# Per case: no speed is asserted, only that the reader answers (a hang never does).
DEADLINE_SECONDS = 10.0
FOUND = Path(__file__).parent / "fixtures" / "fuzz"


def test_fuzzed_input_to_every_reader_is_read_or_refused_never_crashes_nor_hangs() -> None:
    failures = []
    verdicts: Counter[tuple[str, str]] = Counter()
    for number, case in enumerate(cases(SEED, CASES)):
        outcome = run_case(case, DEADLINE_SECONDS)
        verdicts[case.target, outcome.verdict] += 1
        if outcome.failed:
            failures.append(f"#{number} {case.target} ({'+'.join(case.steps)}): {outcome.detail}")
    assert failures == []
    assert {target for target, _ in verdicts} == set(WEIGHTS)
    # the mutations leave most inputs readable somewhere, and each reader refuses some
    assert sum(n for (_, verdict), n in verdicts.items() if verdict == "read") > CASES // 4
    refusing = {target for (target, verdict) in verdicts if verdict == "refused"}
    assert refusing >= set(WEIGHTS) - {"timeframe", "agencies"}


def test_the_same_seed_gives_the_same_cases() -> None:
    def inputs(seed: int) -> list[tuple[str, tuple[str, ...], object]]:
        # a workbook's bytes carry the time it was written: its mutations are compared
        return [
            (case.target, case.steps, None if case.target.endswith("xlsx") else case.data)
            for case in cases(seed, 300)
        ]

    assert inputs(7) == inputs(7)


@pytest.mark.parametrize("path", sorted(FOUND.iterdir()), ids=lambda path: path.name)
def test_inputs_fuzzing_found_are_read_or_refused(path: Path) -> None:
    """`READER--what.ext`: the reader's name, then what the input is."""
    target = TARGETS[path.name.split("--", 1)[0]]
    data = path.read_bytes()
    text_readers = {"plan", "plan_piece", "timeframe", "agencies"}
    case = Case(target.name, data.decode("utf-8") if target.name in text_readers else data, ())
    outcome = run_case(case, DEADLINE_SECONDS)
    assert not outcome.failed, outcome.detail
