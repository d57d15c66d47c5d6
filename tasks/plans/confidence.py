"""How sure the parser is of an item's lead, coordinating agencies and timeframe, so an admin
checks the doubtful ones first. One rule for the text parser, the structured formats and a
stored plan: a field is "low" when it was guessed (a lead read from a sentence or taken from
an agency heading, cells taken from the table row above), when a name does not look like an
agency, or when the timeframe was not read or names no date; and, on a scan, when OCR was
unsure of the line the item was read from."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from tasks.plans.agency_names import starts_like_agency
from tasks.plans.parsed import CONFIDENCE_FIELDS, Confidence, Evidence, ParseWarning, Schedule

SURE = Confidence("high")
# Tesseract's confidence (0–100) in a scanned line below which its fields are checked first:
# lines it reads right mostly score over 90, misread diacritics and merged cells well under.
OCR_SURE = 80.0
# What the table reader warns about a row short of cells (tasks.plans.understanding).
ROW_ABOVE = "taken from the row above"
# "Sở, ban, ngành có liên quan", "Cơ quan, đơn vị liên quan": a collective, named as plans do.
_COLLECTIVE = re.compile(r"(?i)\bliên quan$")
_GUESSED_LEAD = {
    "prose": "lead read from a sentence",
    "agency block": "lead taken from an agency heading",
    "labels under an agency heading": "lead taken from an agency heading",
    "sentence under a label": "lead read from a sentence under 'Cơ quan thực hiện'",
}


def judge(
    lead: list[str],
    coordinating: list[str],
    schedule: Schedule,
    evidence: Evidence | None,
    known: Collection[str] = (),
) -> dict[str, Confidence]:
    """Each field's confidence; `evidence` None (a structured file) means the admin wrote
    every field in its own column; `known` names (the directory's) are agencies whatever
    their wording."""
    from_row_above = evidence is not None and evidence.from_row_above
    how = evidence.how if evidence else ""
    agencies = set(known)
    judged = {
        "lead": _lead(lead, how, agencies),
        "coordinating": _coordinating(coordinating, from_row_above, agencies),
        "timeframe": _timeframe(schedule, from_row_above),
    }
    ocr = evidence.ocr_confidence if evidence else None
    if ocr is not None and ocr < OCR_SURE:
        unsure = Confidence("low", f"OCR was unsure of the scanned text ({ocr:.0f} %)")
        judged = {name: unsure if mark.level == "high" else mark for name, mark in judged.items()}
    return judged


def row_above_at(line: int, warnings: Iterable[ParseWarning]) -> bool:
    """Whether the table row at `line` was warned about for cells taken from the row above."""
    return any(warning.line == line and ROW_ABOVE in warning.message for warning in warnings)


def doubts(confidence: dict[str, Confidence]) -> list[tuple[str, str]]:
    """(field, reason) of every low-confidence field, in the fields' order."""
    return [
        (name, confidence[name].reason or "low confidence")
        for name in CONFIDENCE_FIELDS
        if name in confidence and confidence[name].level == "low"
    ]


def _lead(names: list[str], how: str, known: set[str]) -> Confidence:
    if not names:
        return Confidence("low", "no lead agency")
    if how in _GUESSED_LEAD:
        return Confidence("low", _GUESSED_LEAD[how])
    return _unlike_agency(names, known) or SURE


def _coordinating(names: list[str], from_row_above: bool, known: set[str]) -> Confidence:
    if names and from_row_above:
        return Confidence("low", "taken from the table row above")
    return _unlike_agency(names, known) or SURE


def _timeframe(schedule: Schedule, from_row_above: bool) -> Confidence:
    if not schedule.text.strip():
        return Confidence("low", "no timeframe given")
    if schedule.kind == "unknown":
        return Confidence("low", "timeframe not read")
    if schedule.problem:
        return Confidence("low", "timeframe names no date")
    if from_row_above:
        return Confidence("low", "timeframe taken from the table row above")
    return SURE


def _unlike_agency(names: list[str], known: set[str]) -> Confidence | None:
    odd = [name for name in names if name not in known and not _looks_like_agency(name)]
    if not odd:
        return None
    return Confidence("low", f"{odd[0]!r} does not look like an agency")


def _looks_like_agency(name: str) -> bool:
    return starts_like_agency(name) or bool(_COLLECTIVE.search(name.strip(" .;")))
