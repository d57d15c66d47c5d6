"""Telling a plan from the documents that look like one: reports (Báo cáo), official letters
(công văn: "Kính gửi", a number without a document type), notices and guides, decisions that
publish administrative procedures or issue no plan, and news articles about a plan. Each
refusal names the reason, so an admin knows why the file was not imported."""

from __future__ import annotations

import re

from tasks.plans.document import Document
from tasks.plans.understanding.vocabulary import fold

_HEAD_BLOCKS = 60
_TYPE_HEADINGS = {
    "kế hoạch": "plan",
    "chương trình": "plan",
    "chương trình hành động": "plan",
    "đề án": "plan",
    "phương án": "plan",
    "quyết định": "decision",
    "nghị quyết": "decision",
    "báo cáo": "a report (Báo cáo)",
    "thông báo": "a notice (Thông báo)",
    "hướng dẫn": "a guide (Hướng dẫn)",
    "tờ trình": "a submission (Tờ trình)",
    "công văn": "an official letter (công văn)",
    "chỉ thị": "a directive (Chỉ thị)",
}
# The document-type code of a number ("33/KH-UBND"): plans and the decisions that issue them.
_PLAN_CODES = {"kh", "qđ", "nq", "ctr", "cthđ", "đa", "pa"}
_OTHER_CODES = {
    "bc": "a report (Báo cáo)",
    "tb": "a notice (Thông báo)",
    "hd": "a guide (Hướng dẫn)",
    "ttr": "a submission (Tờ trình)",
    "ct": "a directive (Chỉ thị)",
    "cv": "an official letter (công văn)",
}
_PROCEDURES = re.compile(r"thủ tục hành chính|quy trình nội bộ")
_ISSUES_PLAN = re.compile(
    r"(?:ban hành|phê duyệt|kèm theo)[^.;]{0,80}?\b(?:kế hoạch|chương trình|đề án|phương án)\b"
    r"(?! vốn)",
)
_NEWS = re.compile(
    r"\b(?:nêu rõ|hình từ internet|nội dung chính|đã đề ra|cho biết|theo đó, )", re.IGNORECASE
)
_LETTER = re.compile(r"^(?:kính gửi|v/v)\b")


def refusal(document: Document, number: str | None) -> str | None:
    """Why this document is not a plan, or None when it may be one."""
    texts = [block.text for block in document.blocks[:_HEAD_BLOCKS] if block.kind != "table"]
    heading, letter = _opening(document)
    code_kind = _number_kind(number)
    if letter and heading is None:
        return "it is an official letter (công văn: 'Kính gửi …'), not a plan"
    if heading not in {None, "plan", "decision"}:
        return f"it is {heading}, not a plan"
    if code_kind and heading != "plan":
        return f"it is {code_kind} (number {number}), not a plan"
    if heading == "decision":
        title = fold(" ".join(_after_heading(texts)))
        if _PROCEDURES.search(title):
            return "it is a decision publishing administrative procedures, not a plan"
        whole = fold(" ".join(block.text for block in document.blocks))
        if not _ISSUES_PLAN.search(whole) and "plan" not in _all_headings(document):
            return "it is a decision that issues no plan (no 'ban hành … Kế hoạch')"
    head = fold(" ".join(texts[:40]))
    if number is None and heading is None and _NEWS.search(head):
        return "it reads as a news article about a plan, not the plan itself"
    return None


def _opening(document: Document) -> tuple[str | None, bool]:
    """The first document-type heading on the first page, and whether a letter's "Kính gửi"
    comes before it."""
    for block in document.blocks[:_HEAD_BLOCKS]:
        texts = [cell.text for row in block.rows for cell in row.cells] or [block.text]
        for text in texts:
            key = fold(text).strip(" .:*#")
            if _LETTER.match(key):
                return None, True
            kind = _TYPE_HEADINGS.get(key)
            if kind is None and (block.kind == "heading" or text.isupper()):
                kind = next((v for k, v in _TYPE_HEADINGS.items() if key.startswith(k + " ")), None)
            if kind is not None:
                return kind, False
    return None, False


def _all_headings(document: Document) -> set[str]:
    return {
        _TYPE_HEADINGS.get(fold(block.text).strip(" .:*"), "")
        for block in document.blocks
        if block.kind != "table"
    }


def _after_heading(texts: list[str]) -> list[str]:
    for index, text in enumerate(texts):
        if fold(text).strip(" .:*") in _TYPE_HEADINGS:
            return texts[index + 1 : index + 3]
    return []


def _number_kind(number: str | None) -> str | None:
    """What a number's type code says: None for plans and decisions, or when it has none."""
    if not number or "/" not in number:
        return None
    before, after = number.split("/", 1)
    # party numbering puts the type before the slash: "432-TB/VPTW", "01-KH/BCĐTW"
    party = re.match(r"^\d+-([A-ZĐa-zđ]+)$", before.strip())
    code = [fold(party.group(1))] if party else fold(after).split("-")
    if not code or code[0] in _PLAN_CODES:
        return None
    if code[0] in _OTHER_CODES:
        return _OTHER_CODES[code[0]]
    if len(code) >= 2:
        return "an official letter (công văn: its number has no document type)"
    return None
