"""Whether a plan read from a document (Word, PDF, web page, scan) is the plan read from its
text: the header's number, title and date, every item's content, lead, coordinating agencies
and timeframe, or the same refusal. Counted field by field, so a test can hold a format to
"the same fields for at least 99 %" and name the fields that differ."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tasks.plans import ParsedPlan, PlanParseError, parse_plan_text
from tasks.plans.formats import read_document
from tasks.plans.parse import parse_document

CORPUS_DOCUMENTS = Path(__file__).resolve().parents[1] / "corpus" / "documents"

Fields = dict[str, object]


def _squeezed(value: object) -> object:
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip()
    if isinstance(value, list):
        return [_squeezed(part) for part in value]
    return value


def plan_fields(read: Callable[[], ParsedPlan]) -> Fields:
    try:
        plan = read()
    except PlanParseError:
        return {"refused": True}
    fields: Fields = {
        "number": plan.number,
        "title": plan.title,
        "issued_on": plan.issued_on,
    }
    for index, item in enumerate(plan.items):
        fields[f"item {index + 1} content"] = item.content
        fields[f"item {index + 1} lead"] = item.lead
        fields[f"item {index + 1} coordinating"] = item.coordinating
        fields[f"item {index + 1} timeframe"] = item.timeframe.text
    return {name: _squeezed(value) for name, value in fields.items()}


@dataclass
class Agreement:
    same: int = 0
    total: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.same / self.total if self.total else 1.0

    def add(self, name: str, want: Fields, got: Fields) -> None:
        self.total += len(want)
        wrong = [key for key in want if want[key] != got.get(key)]
        extra = [key for key in got if key not in want]
        self.same += len(want) - len(wrong)
        self.differences += [f"{name}: {key}: {want[key]!r} ≠ {got.get(key)!r}" for key in wrong]
        self.differences += [f"{name}: {key}: not in the text's reading" for key in extra]


def corpus_texts() -> list[Path]:
    return sorted(path for path in CORPUS_DOCUMENTS.glob("*.txt"))


def compare_format(make: Callable[[str], bytes], suffix: str, paths: list[Path]) -> Agreement:
    """Each plan's text made into a document by `make`, read back, and compared."""
    agreement = Agreement()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        want = plan_fields(partial(parse_plan_text, text, source=path.name))
        got = plan_fields(partial(read_as_document, make(text), path.stem + suffix))
        agreement.add(path.name, want, got)
    return agreement


def read_as_document(data: bytes, name: str) -> ParsedPlan:
    return parse_document(read_document(data, name).document)
