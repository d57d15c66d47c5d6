"""Every reader a user's input reaches, as fuzzing targets: the plan reader (whole documents
and pieces of them), timeframes, agency cells, decoding, and each file reader (directories,
done sheets, structured plans, working-day overrides, the notify policy) fed real files
damaged the ways files get damaged. A reader must return or raise its own input error
(`InputFileError`; timeframes and agency cells never raise), within a deadline.

A case is regenerated from (seed, number) alone, so a long run ships only results between
processes and any case can be shown, shrunk and kept again."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from random import Random
from typing import Any

from dondoc.core.problems import InputFileError
from dondoc.core.text import decode_bytes
from tasks.completion.sheet import read_sheet
from tasks.directory import load_directory
from tasks.notify.policy import NotifyPolicy
from tasks.plans import PlanParseError, parse_plan_text
from tasks.plans.agency_names import split_agencies
from tasks.plans.structured import read_structured_file
from tasks.plans.structured.tables import dump_csv, dump_xlsx
from tasks.plans.structured.yaml_plan import dump_yaml
from tasks.plans.timeframes import parse_timeframe
from tasks.schedule.workdays import load_overrides
from tests.support.fuzz_bytes import damage_bytes, encode_text, workbook_bytes, workbook_rows
from tests.support.plan_mutations import (
    ROOT,
    Outcome,
    attempt,
    corpus_texts,
    directory_names,
    mutate_text,
    mutated_document,
)

FIXTURES = ROOT / "tests" / "fixtures"
# Runs of one character in files, cells and pieces stop at 10,000 (a cell of 10,000 commas is
# absurd enough); whole documents keep plan_mutations' 100,000.
PIECE_RUN = 10_000
# Syntax each kind of file is made of, so mutations build its shapes, not only noise.
_CSV = ('"', '""', ",", ";", "\t", '"\n', "\r", "=1+1", "@x", "\ufeff", ",,,,,,")
_YAML = (
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object/apply:os.system ['true']",
    "!!binary AAAA",
    "{",
    "}",
    "[",
    "]",
    ": ",
    "- ",
    "? ",
    "|",
    ">-",
    "---",
    "...",
    "%YAML 1.1",
    "2025-13-45",
    "9999-12-31",
    "0000-01-01",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "~",
    "null",
    "1e999",
    "0x1F",
    "'",
    "\\x00",
)
_TIMEFRAME = (
    "Quý ",
    "II",
    "IV",
    "/2025",
    "/25",
    "trước ngày ",
    "15/12",
    "31/2",
    "0/0",
    "32/13/2025",
    "ngày 31 tháng 2 năm 2025",
    "hằng tháng",
    "hàng quý",
    "hằng năm",
    "hằng tuần",
    "cuối tháng ",
    "giữa năm",
    "6 tháng đầu năm",
    "Thường xuyên",
    "từ ",
    " đến ",
    "năm 0",
    "năm 99999",
    "tháng 0",
    "99999999999999999999",
    "²",
    "١",
    "; ",
)


@dataclass(frozen=True)
class Case:
    """One fuzzed input: what it is, how it was made, and whether the reader gets a
    directory's names (plan text and agency cells only)."""

    target: str
    data: str | bytes
    steps: tuple[str, ...]
    known: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Target:
    name: str
    make: Callable[[Random], Case]
    read: Callable[[Case], object]
    allowed: tuple[type[BaseException], ...]
    suffix: str = ".txt"  # the file name a file reader is given


@cache
def _workdir() -> Path:
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="dondoc-fuzz-", dir=shm if shm.is_dir() else None))


def _as_file(case: Case, suffix: str) -> Path:
    path = _workdir() / f"input{suffix}"
    raw = case.data if isinstance(case.data, bytes) else case.data.encode("utf-8")
    path.write_bytes(raw)
    return path


def _texts(*patterns: str) -> list[str]:
    paths = [path for pattern in patterns for path in sorted(ROOT.glob(pattern))]
    return [path.read_bytes().decode("utf-8", "replace") for path in paths]


_corpus = cache(corpus_texts)


@cache
def _parsed_plans() -> list[Any]:
    plans = []
    for text in _corpus():
        try:
            plans.append(parse_plan_text(text, source="seed"))
        except PlanParseError:
            continue
    return plans


@cache
def timeframe_seeds() -> list[str]:
    seen = {item.timeframe.text for plan in _parsed_plans() for item in plan.items}
    return sorted(text for text in seen if text)


@cache
def agency_cell_seeds() -> list[str]:
    data = json.loads((FIXTURES / "agency_cells.json").read_text(encoding="utf-8"))
    cells = {entry["cell"] for entry in data["cells"]}
    for plan in _parsed_plans():
        for item in plan.items:
            cells.update({", ".join(item.lead), "; ".join(item.coordinating)})
    return sorted(cell for cell in cells if cell)


@cache
def structured_seeds(kind: str) -> list[Any]:
    plans = _parsed_plans()[::6]
    if kind == "yaml":
        return _texts("examples/plans/*.yaml", "tests/fixtures/structured/*.yaml") + [
            dump_yaml(plan) for plan in plans
        ]
    if kind == "csv":
        return _texts("tests/fixtures/structured/*.csv") + [dump_csv(plan) for plan in plans]
    return [workbook_rows(dump_xlsx(plan)) for plan in plans]


@cache
def done_sheet_seeds() -> list[str]:
    return _texts("examples/completions/*.csv", "tests/fixtures/completions/*.csv")


@cache
def _known() -> list[str]:
    return directory_names()


def _text_case(
    name: str, seeds: Callable[[], list[str]], pieces: tuple[str, ...], *, as_bytes: bool = True
) -> Callable[[Random], Case]:
    def make(rng: Random) -> Case:
        texts = seeds()
        text, steps = mutate_text(rng, rng.choice(texts), texts, pieces, longest_run=PIECE_RUN)
        if not as_bytes:
            return Case(name, text, steps, known=rng.random() < 0.5)
        raw, more = damage_bytes(rng, *encode_text(rng, text))
        return Case(name, raw, steps + more)

    return make


def _sheet_case(name: str, seeds: Callable[[], list[Any]]) -> Callable[[Random], Case]:
    """A workbook: cells of a real one mutated, rows lost or repeated, odd values and shapes
    (one sheet of `seeds` as CSV rows when the seeds are CSV texts)."""

    def make(rng: Random) -> Case:
        seed = rng.choice(seeds())
        sheets = seed if isinstance(seed, dict) else {"Sheet1": list(csv.reader(io.StringIO(seed)))}
        raw, steps = workbook_bytes(rng, sheets, lambda text: mutate_text(rng, text, [text], _CSV))
        return Case(name, raw, steps)

    return make


def _plan_document(rng: Random) -> Case:
    mutant = mutated_document(rng, _corpus())
    return Case("plan", mutant.text, mutant.steps, known=rng.random() < 0.5)


def _lines_of_a_document(rng: Random, most: int) -> str:
    lines = rng.choice(_corpus()).split("\n")
    start = rng.randrange(len(lines))
    return "\n".join(lines[start : start + rng.randint(1, most)])


def _plan_piece(rng: Random) -> Case:
    """A few lines of a real document: the reader without a header, a table without its
    heading, an item cut in half."""
    piece = _lines_of_a_document(rng, 60)
    pieces = ("Cơ quan chủ trì:", "|", "1.")
    text, steps = mutate_text(rng, piece, [piece], pieces, longest_run=PIECE_RUN)
    return Case("plan_piece", text, steps, known=rng.random() < 0.5)


def _read_plan(case: Case) -> object:
    known = _known() if case.known else []
    return parse_plan_text(str(case.data), source="fuzz", known_names=known)


def _read_timeframe(case: Case) -> object:
    year = (None, 0, 1, 2019, 2025, 9999)[len(case.data) % 6]
    before = "day_before" if len(case.data) % 2 else "on"
    return parse_timeframe(str(case.data), year=year, before=before)


def _file_reader(read: Callable[[Path], object], suffix: str) -> Callable[[Case], object]:
    return lambda case: read(_as_file(case, suffix))


def _file_target(
    name: str, make: Callable[[Random], Case], read: Callable[[Path], object], suffix: str
) -> Target:
    return Target(name, make, _file_reader(read, suffix), (InputFileError,), suffix)


def _globbed(*patterns: str) -> Callable[[], list[str]]:
    return cache(lambda: _texts(*patterns))


_DIRECTORY_YAML = _globbed("examples/directories/*.yaml", "tests/fixtures/directory/*.yaml")
_DIRECTORY_CSV = _globbed("tests/fixtures/directory/*.csv")
_WORKDAYS = _globbed("dondoc/data/vn-workdays.yaml", "tests/fixtures/workdays/*.yaml")
_POLICY = _globbed("dondoc/data/notify-policy.yaml")
# Decoding: the first 300 lines of each real document (a whole one costs its splice, not the
# decoder).
_DOCUMENT_PARTS = cache(lambda: ["\n".join(text.split("\n")[:300]) for text in _corpus()])
_AGENCY_PIECES = (",", ";", " và ", "UBND các xã, ", "(", ")", "\n")

TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target("plan", _plan_document, _read_plan, (PlanParseError,)),
        Target("plan_piece", _plan_piece, _read_plan, (PlanParseError,)),
        Target(
            "timeframe",
            _text_case("timeframe", timeframe_seeds, _TIMEFRAME, as_bytes=False),
            _read_timeframe,
            (),
        ),
        Target(
            "agencies",
            _text_case("agencies", agency_cell_seeds, _AGENCY_PIECES, as_bytes=False),
            lambda case: split_agencies(str(case.data), _known() if case.known else ()),
            (),
        ),
        Target(
            "decoding",
            _text_case("decoding", _DOCUMENT_PARTS, ()),
            lambda case: decode_bytes(case.data if isinstance(case.data, bytes) else b""),
            (InputFileError,),
        ),
        _file_target(
            "directory_yaml",
            _text_case("directory_yaml", _DIRECTORY_YAML, _YAML),
            load_directory,
            ".yaml",
        ),
        _file_target(
            "directory_csv",
            _text_case("directory_csv", _DIRECTORY_CSV, _CSV),
            load_directory,
            ".csv",
        ),
        _file_target(
            "done_csv", _text_case("done_csv", done_sheet_seeds, _CSV), read_sheet, ".csv"
        ),
        _file_target("done_xlsx", _sheet_case("done_xlsx", done_sheet_seeds), read_sheet, ".xlsx"),
        _file_target(
            "plan_yaml",
            _text_case("plan_yaml", lambda: structured_seeds("yaml"), _YAML),
            read_structured_file,
            ".yaml",
        ),
        _file_target(
            "plan_csv",
            _text_case("plan_csv", lambda: structured_seeds("csv"), _CSV),
            read_structured_file,
            ".csv",
        ),
        _file_target(
            "plan_xlsx",
            _sheet_case("plan_xlsx", lambda: structured_seeds("xlsx")),
            read_structured_file,
            ".xlsx",
        ),
        _file_target("workdays", _text_case("workdays", _WORKDAYS, _YAML), load_overrides, ".yaml"),
        _file_target(
            "notify_policy",
            _text_case("notify_policy", _POLICY, _YAML),
            NotifyPolicy.from_file,
            ".yaml",
        ),
    )
}
# How many of every 1,000 cases each target gets: the cheap readers (1-5 ms) most, pieces of
# documents (~15 ms) fewer, whole documents (~80 ms) and workbooks (~100 ms) fewest: every
# reader some, and a million cases in well under an hour on two cores.
WEIGHTS = {
    "plan": 10,
    "plan_piece": 100,
    "timeframe": 250,
    "agencies": 200,
    "decoding": 150,
    "directory_yaml": 50,
    "directory_csv": 40,
    "done_csv": 60,
    "done_xlsx": 3,
    "plan_yaml": 40,
    "plan_csv": 40,
    "plan_xlsx": 3,
    "workdays": 30,
    "notify_policy": 24,
}


def cases(seed: int, count: int, only: frozenset[str] = frozenset()) -> Iterator[Case]:
    """`count` cases, the same ones for the same seed: each target by its weight (or only the
    named ones)."""
    rng = Random(seed)
    names = [name for name in WEIGHTS if not only or name in only]
    weights = [WEIGHTS[name] for name in names]
    for _ in range(count):
        yield TARGETS[rng.choices(names, weights)[0]].make(rng)


def run_case(case: Case, seconds: float) -> Outcome:
    """What the case's reader does with it: reads it, refuses it with its own error, crashes
    (anything else), or gives no answer within `seconds` (a hang)."""
    target = TARGETS[case.target]
    return attempt(lambda: target.read(case), target.allowed, seconds)
