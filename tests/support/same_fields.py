"""How far a plan read from a document (DOCX, PDF, a scan) agrees with the same plan read
from its text: the fields a person checks, compared one by one, so each format's accuracy is
one number over the corpus (issue 15's target: ≥ 99 % for DOCX and text PDF)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tasks.plans.parse import parse_plan_text
from tasks.plans.parsed import ParsedPlan, PlanParseError, PlanWithoutTasks

HEADER_FIELDS = ("number", "title", "issued_on", "year", "monitoring_agency", "items")
ITEM_FIELDS = ("content", "lead", "coordinating", "timeframe")


@dataclass
class Agreement:
    same: int = 0
    total: int = 0
    differences: list[str] = field(default_factory=list)

    def add(self, name: str, where: str, expected: object, got: object) -> None:
        self.total += 1
        if expected == got:
            self.same += 1
        else:
            self.differences.append(f"{name}: {where}: text {expected!r}, document {got!r}")

    @property
    def share(self) -> float:
        return self.same / self.total if self.total else 1.0


def plan_fields(plan: ParsedPlan | str) -> dict[str, object]:
    """The compared fields of a plan (a string: the plan was refused)."""
    if isinstance(plan, str):
        return {"refused": True}
    fields: dict[str, object] = {
        "number": plan.number,
        "title": _spaces(plan.title),
        "issued_on": plan.issued_on,
        "year": plan.year,
        "monitoring_agency": plan.monitoring_agency,
        "items": len(plan.items),
    }
    for index, item in enumerate(plan.items):
        fields[f"item {index + 1} content"] = _spaces(item.content)
        fields[f"item {index + 1} lead"] = item.lead
        fields[f"item {index + 1} coordinating"] = item.coordinating
        schedule = item.timeframe
        fields[f"item {index + 1} timeframe"] = (schedule.text, schedule.kind, schedule.due)
    return fields


def _spaces(text: str | None) -> str | None:
    """Runs of spaces as one, as score.py compares: a Word paragraph keeps no double space
    a text copy may hold ("áp dụng  nhân rộng")."""
    return " ".join(text.split()) if text is not None else None


def parse_or_refusal(parse: Callable[[], ParsedPlan]) -> ParsedPlan | str:
    try:
        return parse()
    except PlanWithoutTasks as error:
        return f"without tasks: {error}"
    except PlanParseError as error:
        return f"refused: {error}"


def compare(name: str, expected: ParsedPlan | str, got: ParsedPlan | str, into: Agreement) -> None:
    """Add the fields of `got` (read from the document) to `into`, against `expected` (read
    from the text); a refused text counts one field: refused as a document too."""
    if isinstance(expected, str):
        into.add(name, "refused", True, isinstance(got, str))
        return
    want, have = plan_fields(expected), plan_fields(got)
    for key, value in want.items():
        into.add(name, key, value, have.get(key))


def text_plan(path: Path) -> ParsedPlan | str:
    text = path.read_text(encoding="utf-8")
    return parse_or_refusal(lambda: parse_plan_text(text, source=path.name))


CORPUS_DOCUMENTS = Path(__file__).resolve().parents[1] / "corpus" / "documents"


def corpus_texts() -> list[Path]:
    return sorted(CORPUS_DOCUMENTS.glob("*.txt"))


def read_as_document(data: bytes, name: str) -> ParsedPlan:
    """The plan in a document's bytes, read as `plan import` reads it."""
    from tasks.plans.formats import read_document
    from tasks.plans.parse import parse_document

    return parse_document(read_document(data, name).document)


def compare_format(make: Callable[[str], bytes], suffix: str, paths: list[Path]) -> Agreement:
    """Each plan's text made into a document by `make`, read back, and compared."""
    agreement = Agreement()
    for path in paths:
        data = make(path.read_text(encoding="utf-8"))
        got = parse_or_refusal(lambda: read_as_document(data, path.stem + suffix))  # noqa: B023
        compare(path.name, text_plan(path), got, agreement)
    return agreement
