"""Scoring the parser over the real corpus (tests/corpus) by the rules of
../shared/plans/real/score.py: header fields, the monitoring agency, the item count, then per
item its lead set, coordinating set, schedule kind and due date; a refused non-plan scores one.
Counted per layout family and per field, so the test and the benchmark report the same."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasks.plans import ParsedPlan, PlanParseError, PlanWithoutTasks, read_plan_file

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")
    text = re.sub(r"[\u2013\u2014\u2012]", "-", text)
    return re.sub(r"\s+", " ", text).strip().strip(".;,:").strip().casefold()


def same_set(got: list[str] | None, want: list[str] | None) -> bool:
    """The scorer's comparison: equal after normalising, or one a whole-word prefix of the other."""
    left = [_norm(name) for name in got or []]
    wanted = [_norm(name) for name in want or []]
    if len(left) != len(wanted):
        return False
    for name in wanted:
        hit = next(
            (g for g in left if g == name or g.startswith(name + " ") or name.startswith(g + " ")),
            None,
        )
        if hit is None:
            return False
        left.remove(hit)
    return True


@dataclass
class Score:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    by_family: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def count(self, family: str, name: str, ok: bool, miss: str = "") -> None:
        tally = self.by_family.setdefault(family, Counter())
        self.total[name] += 1
        tally["total"] += 1
        if ok:
            self.right[name] += 1
            tally["right"] += 1
        elif miss:
            self.misses.append(miss)

    @property
    def accuracy(self) -> float:
        return 100.0 * sum(self.right.values()) / max(sum(self.total.values()), 1)

    def family_accuracy(self, family: str) -> float:
        tally = self.by_family[family]
        return 100.0 * tally["right"] / max(tally["total"], 1)


def score_corpus(directory: Path = CORPUS) -> Score:
    expected: dict[str, dict[str, Any]] = json.loads((directory / "expected.json").read_text())
    score = Score()
    for name, want in expected.items():
        score_file(directory / "documents" / name, want, score)
    return score


def score_file(path: Path, want: dict[str, Any], score: Score) -> None:
    """One corpus plan read from its file (`want` its entry in expected.json), added to
    `score`."""
    score_plan(path.name, want, score, lambda: read_plan_file(path)[0])


def score_plan(
    name: str, want: dict[str, Any], score: Score, parse: Callable[[], ParsedPlan]
) -> None:
    """One plan scored as `parse` reads it (from its text, or from a scan of it: the OCR
    benchmark passes its own reading), against `want`, its entry in expected.json. `parse`
    may refuse the plan as the importer does (PlanParseError, PlanWithoutTasks)."""
    family = want["family"]
    try:
        plan = parse()
        got: dict[str, Any] | None = plan.to_json()
    except PlanWithoutTasks as error:  # `plan parse --json` prints what was read, then fails
        got = error.partial.to_json() if error.partial else None
    except PlanParseError:
        got = None
    if want.get("reject"):
        refused = got is None or not got.get("items")
        score.count(family, "refused", refused, f"{name}: not refused")
        return
    if got is None:
        score.count(family, "parsed", False, f"{name}: refused")
        for _ in range(len(want["items"]) * 4):
            score.count(family, "item fields", False)
        return
    for key in ("number", "issued_on", "year"):
        ok = str(got.get(key)) == str(want.get(key)) or (want.get(key) is None and not got.get(key))
        score.count(family, key, ok, f"{name}: {key}: got {got.get(key)!r}, want {want.get(key)!r}")
    if want.get("monitoring"):
        ok = same_set([got.get("monitoring_agency") or ""], [want["monitoring"]])
        miss = f"{name}: monitoring: got {got.get('monitoring_agency')!r}"
        score.count(family, "monitoring", ok, f"{miss}, want {want['monitoring']!r}")
    items = got.get("items") or []
    count_miss = f"{name}: {len(items)} items, want {len(want['items'])}"
    score.count(family, "item count", len(items) == len(want["items"]), count_miss)
    for index, wanted in enumerate(want["items"]):
        item = items[index] if index < len(items) else {}
        timeframe = item.get("timeframe") or {}
        label = f"{name}: item {index + 1}"
        lead_ok = same_set(item.get("lead"), wanted["lead"])
        score.count(
            family, "lead", lead_ok, f"{label} lead: {item.get('lead')} vs {wanted['lead']}"
        )
        coordinating_ok = same_set(item.get("coordinating"), wanted["coordinating"])
        miss = f"{label} coordinating: {item.get('coordinating')} vs {wanted['coordinating']}"
        score.count(family, "coordinating", coordinating_ok, miss)
        kind_ok = timeframe.get("kind") == wanted["kind"]
        score.count(
            family, "kind", kind_ok, f"{label} kind: {timeframe.get('kind')} vs {wanted['kind']}"
        )
        if "due" in wanted and wanted["kind"] == "once":
            due = timeframe.get("due")
            ok = due in wanted["due"] if wanted["due"] else not due
            score.count(family, "due", ok, f"{label} due: {due} vs {wanted['due']}")
