"""Mutated plan documents for fuzzing the plan reader: real documents (tests/corpus and
examples/plans) damaged the ways copies get damaged — lines lost, repeated or swapped, stray
table pipes, tabs and bold marks, non-breaking spaces, NFD, CRLF, a cut-off end, two documents
run together, long runs of one character, random characters — and one document read under a
deadline, so a hang is reported like a crash instead of stopping the run."""

from __future__ import annotations

import signal
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Literal

from tasks.directory import load_directory
from tasks.plans import PlanParseError, parse_plan_text

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "tests" / "corpus" / "documents", ROOT / "examples" / "plans")
DIRECTORIES = ROOT / "examples" / "directories"

# Pieces of plan structure (markers, labels, table pipes), so mutations also build the shapes
# the reader looks for, not only noise.
_STRUCTURE = (
    "|",
    "| |",
    "|---|---|",
    "||",
    "\t",
    "**",
    "__",
    "1.",
    "1.2.",
    "II.",
    "a)",
    "- ",
    "+ ",
    "• ",
    "TT",
    "STT\tNội dung\tCơ quan chủ trì\tThời gian thực hiện",
    "Cơ quan chủ trì:",
    "Cơ quan phối hợp:",
    "Thời gian thực hiện:",
    "KẾ HOẠCH",
    "Số: /KH-UBND",
    "CÔNG BÁO/Số 12",
    "Kính gửi:",
    "<b>",
    "&amp;",
    "\u200b",
)
_RUN_CHARACTERS = " \t|*-_.,;:()[]1Ia\u00a0\u0301/–\n"
# Code points a UTF-8 or UTF-16 file can decode to: everything but the surrogates.
_PLANES = ((0x20, 0x7E), (0xA0, 0x2FF), (0x300, 0x36F), (0x1E00, 0x1EFF), (0x2000, 0x206F))


def corpus_texts() -> list[str]:
    """Every real plan document's text, in a stable order."""
    return [
        path.read_text(encoding="utf-8")
        for source in SOURCES
        for path in sorted(source.glob("*.txt"))
    ]


def directory_names() -> list[str]:
    """Every name and alias of the example directories: what `dondoc plan import` hands the
    reader as known names, a path of its own through the agency splitter."""
    names = []
    for path in sorted(DIRECTORIES.glob("*.yaml")):
        directory = load_directory(path)
        for entry in [*directory.agencies, *directory.groups]:
            names.extend([entry.name, *entry.aliases])
    return names


def _span(rng: Random, size: int) -> tuple[int, int]:
    start = rng.randrange(max(size, 1))
    return start, min(size, start + rng.choice((1, 1, 2, 3, 10, 50)))


def _delete_lines(rng: Random, text: str, _other: str) -> str:
    lines = text.split("\n")
    start, end = _span(rng, len(lines))
    return "\n".join(lines[:start] + lines[end:])


def _duplicate_lines(rng: Random, text: str, _other: str) -> str:
    lines = text.split("\n")
    start, end = _span(rng, len(lines))
    return "\n".join(lines[:end] + lines[start:end] + lines[end:])


def _swap_lines(rng: Random, text: str, _other: str) -> str:
    lines = text.split("\n")
    first, second = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[first], lines[second] = lines[second], lines[first]
    return "\n".join(lines)


def _insert_at(rng: Random, text: str, piece: str) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + piece + text[at:]


def _insert_line(rng: Random, text: str, piece: str) -> str:
    lines = text.split("\n")
    lines.insert(rng.randrange(len(lines) + 1), piece)
    return "\n".join(lines)


def _pipes(rng: Random, text: str, _other: str) -> str:
    for _ in range(rng.randint(1, 20)):
        piece = rng.choice(("|", "| ", " |", "||"))
        text = (
            _insert_line(rng, text, piece) if rng.random() < 0.5 else _insert_at(rng, text, piece)
        )
    return text


def _tabs(rng: Random, text: str, _other: str) -> str:
    if rng.random() < 0.3:
        return text.replace(" ", "\t", rng.randint(1, 200))
    for _ in range(rng.randint(1, 30)):
        text = _insert_at(rng, text, "\t" * rng.randint(1, 3))
    return text


def _bold(rng: Random, text: str, _other: str) -> str:
    for _ in range(rng.randint(1, 20)):
        text = _insert_at(rng, text, rng.choice(("**", "__", "*", "***")))
    return text


def _nbsp(rng: Random, text: str, _other: str) -> str:
    space = rng.choice(("\u00a0", "\u202f", "\u2007", "\u3000"))
    return text.replace(" ", space, rng.choice((-1, rng.randint(1, 500))))


def _nfd(rng: Random, text: str, _other: str) -> str:
    if rng.random() < 0.5:
        return unicodedata.normalize("NFD", text)
    start, end = sorted((rng.randrange(len(text) + 1), rng.randrange(len(text) + 1)))
    return text[:start] + unicodedata.normalize("NFD", text[start:end]) + text[end:]


def _line_ends(rng: Random, text: str, _other: str) -> str:
    return text.replace("\n", rng.choice(("\r\n", "\r", "\r\r\n", "\n\r")))


def _truncate(rng: Random, text: str, _other: str) -> str:
    return text[: rng.randrange(len(text) + 1)]


def _splice(rng: Random, text: str, other: str) -> str:
    return text[: rng.randrange(len(text) + 1)] + other[rng.randrange(len(other) + 1) :]


LONGEST_RUN = 100_000


def _long_run(rng: Random, text: str, _other: str, longest: int = LONGEST_RUN) -> str:
    length = min(rng.choice((200, 2_000, 20_000, 100_000)), longest)
    run = rng.choice(_RUN_CHARACTERS) * length
    if rng.random() < 0.3:
        run = (rng.choice(_RUN_CHARACTERS) + rng.choice(_RUN_CHARACTERS)) * (length // 2)
    return _insert_at(rng, text, run)


def _random_unicode(rng: Random, text: str, _other: str) -> str:
    for _ in range(rng.randint(1, 50)):
        low, high = rng.choice(_PLANES)
        if rng.random() < 0.05:
            low, high = 0x0, 0x10FFFF
        character = chr(rng.randint(low, high))
        if 0xD800 <= ord(character) <= 0xDFFF:
            continue
        text = _insert_at(rng, text, character)
    return text


def _structure(rng: Random, text: str, _other: str) -> str:
    for _ in range(rng.randint(1, 10)):
        piece = rng.choice(_STRUCTURE)
        if rng.random() < 0.5:
            text = _insert_line(rng, text, piece)
        else:
            lines = text.split("\n")
            at = rng.randrange(len(lines))
            lines[at] = piece + lines[at]
            text = "\n".join(lines)
    return text


Mutation = Callable[[Random, str, str], str]
MUTATIONS: dict[str, Mutation] = {
    "delete": _delete_lines,
    "duplicate": _duplicate_lines,
    "swap": _swap_lines,
    "pipes": _pipes,
    "tabs": _tabs,
    "bold": _bold,
    "nbsp": _nbsp,
    "nfd": _nfd,
    "line_ends": _line_ends,
    "truncate": _truncate,
    "splice": _splice,
    "long_run": _long_run,
    "unicode": _random_unicode,
    "structure": _structure,
}


@dataclass(frozen=True)
class Mutant:
    text: str
    source: int  # index into the corpus texts
    steps: tuple[str, ...]  # the mutations applied, in order


def mutate_text(
    rng: Random,
    text: str,
    others: Sequence[str],
    pieces: Sequence[str] = (),
    *,
    longest_run: int = LONGEST_RUN,
) -> tuple[str, tuple[str, ...]]:
    """One to four mutations of `text` (`others` to splice from; `pieces` of the file's own
    syntax to insert, for files other than plans) and their names."""
    names = sorted(MUTATIONS) + (["syntax"] * 3 if pieces else [])
    steps = tuple(rng.choice(names) for _ in range(rng.randint(1, 4)))
    for step in steps:
        other = rng.choice(others)
        if step == "long_run":
            text = _long_run(rng, text, other, longest_run)
        elif step == "syntax":
            for _ in range(rng.randint(1, 10)):
                text = _insert_at(rng, text, rng.choice(pieces))
        else:
            text = MUTATIONS[step](rng, text, other)
    return text, steps


def mutated_document(rng: Random, texts: list[str], *, longest_run: int = LONGEST_RUN) -> Mutant:
    """One real document, mutated one to four times."""
    source = rng.randrange(len(texts))
    text, steps = mutate_text(rng, texts[source], texts, longest_run=longest_run)
    return Mutant(text, source, steps)


def mutants(
    texts: list[str], seed: int, count: int, *, longest_run: int = LONGEST_RUN
) -> Iterator[Mutant]:
    """`count` mutated documents; the same seed gives the same documents. `longest_run` caps
    the runs of one character (the short test keeps them short: a 100,000-line run takes
    seconds to read, though linearly)."""
    rng = Random(seed)
    for _ in range(count):
        yield mutated_document(rng, texts, longest_run=longest_run)


class ParseTimeout(Exception):
    """The reader ran past its deadline on one document."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise ParseTimeout in the main thread after `seconds` (SIGALRM: the regex engine checks
    for signals, so a runaway pattern is interrupted too)."""

    def expire(_signum: int, _frame: object) -> None:
        raise ParseTimeout(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


Verdict = Literal["read", "refused", "crash", "hang"]


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    detail: str = ""  # the traceback's last frames of a crash, or the timeout message

    @property
    def failed(self) -> bool:
        return self.verdict in {"crash", "hang"}


def attempt(
    read: Callable[[], object], allowed: tuple[type[BaseException], ...], seconds: float
) -> Outcome:
    """What `read` does: returns, raises one of `allowed` (the reader's own refusal), raises
    anything else (a crash), or gives no answer within `seconds` (a hang)."""
    try:
        with deadline(seconds):
            read()
    except ParseTimeout as timeout:
        return Outcome("hang", str(timeout))
    except allowed:
        return Outcome("refused")
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)[-3:]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames[::-1])
        return Outcome("crash", f"{type(error).__name__}: {error} at {where}")
    return Outcome("read")


def read_once(text: str, seconds: float, known_names: Sequence[str] = ()) -> Outcome:
    """What the plan reader does with `text` (see attempt)."""
    return attempt(
        lambda: parse_plan_text(text, source="fuzz", known_names=known_names),
        (PlanParseError,),
        seconds,
    )
