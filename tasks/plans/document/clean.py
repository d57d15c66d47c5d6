"""Line-level cleaning of text copied from portals, Word and PDF: portal markdown and HTML
emphasis removed (remembering where bold runs start and end, which marks headings), and
printed-page chrome (Công báo running heads, page numbers) dropped."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from dondoc.core.text import normalize_text

_TAGS = re.compile(r"</?(?:b|strong|i|em|u|span|font|p|div|sup|sub)\b[^>]{0,200}>", re.I)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_BOLD = re.compile(r"\*\*|__")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_ESCAPE = re.compile(r"\\([-.*_#()\[\]|+!>])")
_HEADING_HASHES = re.compile(r"^#{1,6}\s+")
_RUNNING_HEAD = re.compile(r"^CÔNG BÁO\s*/\s*Số\s*\d+", re.I)
_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
_RULE = re.compile(r"^[-_=*.…]{3,}$")
# What a line needs for any cleaning beyond its ends: tags, entities, cells, bold and escapes.
_MARKUP = re.compile(r"[<&\t*_#\\]")


@dataclass(frozen=True)
class CleanLine:
    """A source line (1-based `number`) after cleaning; `bold_start`/`bold_end` say whether
    it opened or closed a bold run, `raw_pipe` that it held only a table-cell separator."""

    number: int
    text: str
    bold_start: bool = False
    bold_end: bool = False
    tabs: bool = False
    blank: bool = True  # the source line itself was empty, not emptied by cleaning


def clean_lines(text: str) -> list[CleanLine]:
    """Every source line cleaned, in order; chrome lines come back empty (kept for numbering)."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[CleanLine] = []
    after_running_head = 0
    # a line cleans the same wherever it is: repeated lines (page chrome, runs) cleaned once
    cleaned: dict[str, _Cleaned] = {}
    for number, line in enumerate(raw, start=1):
        if not line:  # as below, without the patterns: a run of blank lines can be long
            after_running_head -= bool(after_running_head)
            out.append(CleanLine(number, ""))
            continue
        stripped = line.strip()
        if _RUNNING_HEAD.match(stripped):
            out.append(CleanLine(number, "", blank=False))
            after_running_head = 3
            continue
        if after_running_head:
            after_running_head -= 1
            if _PAGE_NUMBER.match(stripped) or not stripped:
                out.append(CleanLine(number, "", blank=not stripped))
                continue
        if (parts := cleaned.get(line)) is None:
            parts = cleaned[line] = _clean(line)
        out.append(CleanLine(number, *parts))
    return out


_Cleaned = tuple[str, bool, bool, bool, bool]  # CleanLine's fields after its number


def _clean(line: str) -> _Cleaned:
    if not _MARKUP.search(line):  # most lines: nothing to remove, one cell
        stripped = line.strip()
        text = normalize_text(stripped)
        return "" if _RULE.match(text) else text, False, False, False, not stripped
    # each pattern only where its first character is
    if "<" in line:
        line = _TAGS.sub("", _BREAK.sub(" ", line))
    if "&" in line:
        line = html.unescape(line)
    has_tabs = "\t" in line.strip("\t ") if "\t" in line else False
    cells = line.split("\t") if has_tabs else [line]
    stripped_first = cells[0].strip()
    stripped_last = cells[-1].strip()
    bold_start = stripped_first.startswith(("**", "__"))
    bold_end = stripped_last.endswith(("**", "__"))
    cleaned = [_clean_cell(cell) for cell in cells]
    text = "\t".join(cleaned) if has_tabs else cleaned[0]
    if not has_tabs and _RULE.match(text):
        text = ""
    return text, bold_start, bold_end, has_tabs, not line.strip()


def _clean_cell(cell: str) -> str:
    cell = cell.strip()
    if cell.startswith("#"):
        cell = _HEADING_HASHES.sub("", cell)
    if "*" in cell or "_" in cell:
        cell = _EMPHASIS.sub("", _BOLD.sub("", cell))
    if "\\" in cell:
        cell = _ESCAPE.sub(r"\1", cell)
    return normalize_text(cell)
