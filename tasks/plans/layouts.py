"""The two shapes plan items take in real documents, read into raw items (text as written):
numbered items with "- Cơ quan chủ trì: …" label lines, and a table with STT / Nội dung /
chủ trì / phối hợp / thời gian columns. Agencies and timeframes are interpreted later, once the
plan's year is known."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.core.text import normalize_name
from tasks.plans.parsed import ParseWarning

ROMAN_HEADING = re.compile(r"^\s*(?P<roman>[IVX]{1,5})\s*[.)–-]\s*(?P<text>\S.*)$")
ITEM_HEADING = re.compile(r"^\s*(?P<seq>\d{1,4}(?:\.\d{1,3})*)\s*[.)]\s+(?P<text>\S.*)$")
BULLET = re.compile(r"^\s*(?:[-+•*–]|[a-zđ]\))\s*")
_LABEL_LINE = re.compile(
    r"^\s*(?P<bullet>[-+•*–]|[a-zđ]\))?\s*(?P<label>[^:\s][^:]{0,40}?)\s*:\s*(?P<value>.*)$"
)
_LABELS = {
    "lead": ("cơ quan chủ trì", "đơn vị chủ trì", "chủ trì", "cơ quan/đơn vị chủ trì"),
    "coordinating": ("cơ quan phối hợp", "đơn vị phối hợp", "phối hợp", "cơ quan/đơn vị phối hợp"),
    "timeframe": ("thời gian thực hiện", "thời gian hoàn thành", "thời hạn", "thời gian"),
    "content": ("nội dung",),
}
_LABEL_KIND = {normalize_name(label): kind for kind, labels in _LABELS.items() for label in labels}
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ROW_NUMBER = re.compile(r"^\d{1,4}\.?$")
_COLUMN_NUMBER = re.compile(r"^\(\d{1,2}\)$")


@dataclass
class RawItem:
    """One plan item before interpretation; every `*_line` is 1-based."""

    seq: str
    content: str
    line: int
    section: str | None
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    timeframe: str | None = None
    timeframe_line: int = 0
    details: list[str] = field(default_factory=list)


@dataclass
class LayoutResult:
    items: list[RawItem] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)  # 0-based indexes of lines used by items
    table_headers: list[int] = field(default_factory=list)  # 1-based lines


def label_kind(label: str) -> str | None:
    """The role of a label: lead, coordinating, timeframe, content, or None if unknown."""
    key = re.sub(r"\s*/\s*", "/", normalize_name(label))
    return _LABEL_KIND.get(key)


# --- tables ---------------------------------------------------------------------------------
def _cells(line: str, separator: str) -> list[str]:
    if separator == "|":
        stripped = line.strip()
        stripped = stripped[1:] if stripped.startswith("|") else stripped
        stripped = stripped[:-1] if stripped.endswith("|") else stripped
        return [cell.strip() for cell in stripped.split("|")]
    return [cell.strip() for cell in line.split("\t")]


def _column_role(header: str) -> str:
    key = normalize_name(header)
    if "chủ trì" in key:
        return "lead"
    if "phối hợp" in key:
        return "coordinating"
    if key.startswith(("thời gian", "thời hạn", "tiến độ")):
        return "timeframe"
    if key in {"stt", "tt", "số tt", "số thứ tự"}:
        return "seq"
    if key.startswith("nội dung"):
        return "content"
    return "extra"


def _table_header(line: str) -> tuple[str, list[str]] | None:
    """(separator, roles) when `line` is a table header row."""
    for separator in ("\t", "|"):
        if separator not in line:
            continue
        cells = _cells(line, separator)
        roles = [_column_role(cell) for cell in cells]
        if len(cells) >= 3 and "content" in roles and "lead" in roles:
            return separator, roles
    return None


def parse_tables(lines: list[str], section_of: list[str | None]) -> LayoutResult:
    """Every table whose header row has "Nội dung" and a "chủ trì" column."""
    result = LayoutResult()
    index = 0
    while index < len(lines):
        header = _table_header(lines[index])
        if header is None:
            index += 1
            continue
        result.table_headers.append(index + 1)
        result.claimed.add(index)
        index = _read_table(lines, index + 1, header, section_of, result)
    return result


def _read_table(
    lines: list[str],
    start: int,
    header: tuple[str, list[str]],
    section_of: list[str | None],
    result: LayoutResult,
) -> int:
    separator, roles = header
    headers = _cells(lines[start - 1], separator)
    seq_column = roles.index("seq") if "seq" in roles else 0
    row: list[int] = []  # 0-based indexes of the current row's non-blank lines

    def finish() -> None:
        if row:
            result.items.append(_table_item(lines, row, separator, headers, roles, section_of))
            _check_cell_count(lines, row, separator, headers, result)
            result.claimed.update(row)

    index = start
    while index < len(lines):
        line = lines[index]
        if not line.strip() or _PIPE_RULE.match(line):
            result.claimed.add(index)
            index += 1
            continue
        if ROMAN_HEADING.match(line):
            break
        cells = _cells(line, separator) if separator in line else [line.strip()]
        complete = bool(row) and _cell_count(lines, row, separator, len(roles)) >= len(roles)
        number = cells[seq_column] if seq_column < len(cells) else ""
        starts_row = separator in line and bool(_ROW_NUMBER.match(number))
        previous = _cells(lines[row[0]], separator)[seq_column] if row else ""
        if starts_row and (complete or not row or _follows(previous, number)):
            finish()
            row = [index]
        elif row and not complete:
            row.append(index)
        elif separator in line and all(_COLUMN_NUMBER.match(cell) for cell in cells if cell):
            result.claimed.add(index)  # "(1) (2) (3)" under the header numbers the columns
        elif separator in line:
            finish()
            row = []
            result.claimed.add(index)
            result.warnings.append(
                ParseWarning(
                    index + 1,
                    f"table line without a number in the STT column "
                    f"was not read as an item: {' | '.join(c for c in cells if c)!r}",
                )
            )
        else:
            break
        index += 1
    finish()
    return index


def _follows(previous: str, current: str) -> bool:
    """A numbered line inside an unfinished row starts a new row only if it is the next STT."""
    previous, current = previous.rstrip("."), current.rstrip(".")
    return previous.isdigit() and current.isdigit() and int(current) == int(previous) + 1


def _row_cells(lines: list[str], row: list[int], separator: str) -> list[str]:
    """Cells of a row whose cells may be broken over several lines (Word keeps the tabs)."""
    if separator == "|":
        return [cell for index in row for cell in _cells(lines[index], "|")]
    return [cell.strip() for cell in "\n".join(lines[index] for index in row).split("\t")]


def _cell_count(lines: list[str], row: list[int], separator: str, columns: int) -> int:
    """Cells in a row; empty cells past the last column (a trailing tab) do not count."""
    cells = _row_cells(lines, row, separator)
    while len(cells) > columns and not cells[-1]:
        cells.pop()
    return len(cells)


def _table_item(
    lines: list[str],
    row: list[int],
    separator: str,
    headers: list[str],
    roles: list[str],
    section_of: list[str | None],
) -> RawItem:
    cells = _row_cells(lines, row, separator)
    while len(cells) > len(roles) and not cells[-1]:
        cells.pop()
    if len(cells) > len(roles):  # best effort: the overflow belongs to the last column
        cells = [*cells[: len(roles) - 1], " ".join(cells[len(roles) - 1 :])]
    cells += [""] * (len(roles) - len(cells))
    line = row[0] + 1
    item = RawItem(seq="", content="", line=line, section=section_of[row[0]], timeframe_line=line)
    for header, role, cell in zip(headers, roles, cells, strict=True):
        flat = " ".join(cell.split())
        if role == "seq":
            item.seq = flat.rstrip(".")
        elif role == "content":
            item.content = flat
        elif role in ("lead", "coordinating"):
            if cell:
                getattr(item, role).append(cell)
        elif role == "timeframe":
            item.timeframe = flat or None
        elif flat:
            item.details.append(f"{header}: {flat}")
    return item


def _check_cell_count(
    lines: list[str], row: list[int], separator: str, headers: list[str], result: LayoutResult
) -> None:
    count = _cell_count(lines, row, separator, len(headers))
    if count != len(headers):
        result.warnings.append(
            ParseWarning(
                row[0] + 1,
                f"table row has {count} cells but the header has {len(headers)}; "
                "cells were matched to columns left to right",
            )
        )


# --- numbered lists -------------------------------------------------------------------------
@dataclass
class _Block:
    item: RawItem
    lines: list[int] = field(default_factory=list)
    current: str | None = None  # kind of the last label: where continuation lines go
    has_label: bool = False


def parse_list(lines: list[str], section_of: list[str | None], taken: set[int]) -> LayoutResult:
    """Numbered items ("1. …") followed by label lines; headings without any lead,
    coordinating or timeframe label are context (purpose, requirements), not items."""
    result = LayoutResult()
    block: _Block | None = None
    previous_blank = True

    def close() -> None:
        nonlocal block
        if block and block.has_label:
            result.items.append(block.item)
            result.claimed.update(block.lines)
        block = None

    for index, line in enumerate(lines):
        blank = not line.strip()
        if index in taken or ROMAN_HEADING.match(line):
            close()
        elif heading := ITEM_HEADING.match(line):
            close()
            item = RawItem(
                seq=heading["seq"],
                content=heading["text"].strip(),
                line=index + 1,
                section=section_of[index],
            )
            block = _Block(item, [index])
        elif block and not blank and not _add_line(block, line, index, previous_blank):
            close()
        previous_blank = blank
    close()
    return result


def _add_line(block: _Block, line: str, index: int, after_blank: bool) -> bool:
    """Place one line of an item block; False when the line ends the block."""
    item = block.item
    bulleted = bool(BULLET.match(line))
    label = _LABEL_LINE.match(line)
    kind = label_kind(label["label"]) if label else None
    if label and kind is None and _looks_like_label(label):
        kind = "extra"
    if label and kind:
        block.lines.append(index)
        block.current = kind
        block.has_label = block.has_label or kind in ("lead", "coordinating", "timeframe")
        value = label["value"].strip()
        _add_value(item, kind, value, index, label["label"].strip())
        return True
    if not bulleted and after_blank:
        return False
    block.lines.append(index)
    text = line.strip()
    if block.current is None:
        if bulleted:
            item.details.append(text)
        else:
            item.content = f"{item.content} {text}"
    elif block.current in ("lead", "coordinating"):
        getattr(item, block.current).append(BULLET.sub("", text))
    elif block.current == "timeframe":
        item.timeframe = f"{item.timeframe or ''} {text}".strip()
    elif bulleted or not item.details:
        item.details.append(text)
    else:
        item.details[-1] = f"{item.details[-1]} {text}"
    return True


def _looks_like_label(label: re.Match[str]) -> bool:
    """An unknown "- Sản phẩm: …" label: bulleted, short and capitalised, unlike a sentence
    that happens to contain a colon."""
    name = label["label"].strip()
    return bool(label["bullet"]) and len(name.split()) <= 4 and name[0].isupper()


def _add_value(item: RawItem, kind: str, value: str, index: int, label: str) -> None:
    if kind in ("lead", "coordinating"):
        if value:
            getattr(item, kind).append(value)
    elif kind == "timeframe":
        if item.timeframe is None:
            item.timeframe = value or None
            item.timeframe_line = index + 1
        else:
            item.details.append(f"{label}: {value}")
    elif kind == "content":
        if value:
            item.details.append(value)
    else:
        item.details.append(f"{label}: {value}")
