"""Items from task tables. Each column's role comes from its heading's words (the shared
vocabulary), including two-row headings whose "Cơ quan thực hiện" splits into "Chủ trì" and
"Phối hợp"; section rows ("I", "A", a lone title) group the rows under them; column-number rows
are skipped; a row missing cells (merged in the source) takes them from the row above."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.plans.document import Block, Cell, Row
from tasks.plans.parsed import ParseWarning
from tasks.plans.understanding.agencies import names_an_agency
from tasks.plans.understanding.clauses import FIRST_VERB, read_roles
from tasks.plans.understanding.loose_rows import AGENCY_ROLES, loose_heading_row, split_row
from tasks.plans.understanding.raw import RawItem, Reading
from tasks.plans.understanding.sections import Section
from tasks.plans.understanding.vocabulary import Role, role_of

# "1. Bộ A tổng hợp …" / "2. Bộ B, các bộ rà soát …": each numbered part's agencies lead
_NUMBERED_PARTS = re.compile(r"\n\s*\d{1,2}[.)]\s+\S")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$|^\([a-zđ0-9]\)$")
_SEQ = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.?|[a-zđ][.)]?|[A-H]\.?)$")
_SECTION_SEQ = re.compile(r"^(?:[IVX]{1,5}|[A-H])\.?$")
_TIME_WORDS = re.compile(
    r"(?i)\b(?:quý|quí|tháng|năm|ngày|tuần|hằng|hàng|thường xuyên|định kỳ)\b"
    r"|\d{1,2}/\d{1,2}|\b(?:19|20)\d\d\b"
)
# "Theo phân công tại Quyết định số …": the row points elsewhere and names no agency.
NOT_AN_AGENCY = re.compile(r"(?i)^(?:theo|căn cứ|như|tùy|tuỳ|xem|do cấp)\b")
_INHERITED: set[Role] = {"lead", "executor", "coordinating", "timeframe", "product"}


@dataclass
class TableHeader:
    roles: list[Role | None]
    line: int
    names: list[str]

    @property
    def width(self) -> int:
        return len(self.roles)

    def column(self, role: Role) -> int | None:
        return self.roles.index(role) if role in self.roles else None


def header_of(row: Row) -> TableHeader | None:
    roles = [role_of(text) if text else None for text in row.texts()]
    known = {role for role in roles if role}
    agencies = known & {"lead", "executor"}
    if agencies and known & {"content", "timeframe"} and len(known) >= 3:
        return TableHeader(roles, row.line, row.texts())
    return None


def unstack_row(row: Row, header: TableHeader) -> list[Row]:
    """Two tasks stacked in one row (merged cells in the source): the lead cell holds one agency
    per line, the content cell as many sentences, the coordinating cell one line each."""
    lead_at, content_at = header.column("lead"), header.column("content")
    if lead_at is None or content_at is None or max(lead_at, content_at) >= len(row.cells):
        return []
    if row.cells[0].text and not _SEQ.match(row.cells[0].text):
        return []  # cells shifted (a merged number): leave the row to the aligner
    leads = row.cells[lead_at].parts
    if len(leads) < 2 or not all(names_an_agency(part) for part in leads):
        return []
    if any(part.rstrip().endswith((",", ";")) for part in leads[:-1]):
        return []
    sentences = _sentences(row.cells[content_at].parts)
    if len(sentences) != len(leads):
        return []
    rows = []
    for index in range(len(leads)):
        cells = []
        for at, cell in enumerate(row.cells):
            if at == content_at:
                cells.append(Cell(sentences[index], cell.line))
            elif len(cell.parts) == len(leads):
                cells.append(Cell(cell.parts[index], cell.line))
            else:
                cells.append(cell if index == 0 or at != 0 else Cell("", cell.line))
        rows.append(Row(tuple(cells), row.line))
    return rows


def _sentences(parts: tuple[str, ...]) -> list[str]:
    sentences: list[str] = []
    for part in parts:
        if sentences and (not sentences[-1].endswith(".") or part[:1].islower()):
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences


def _other_heading(row: Row) -> bool:
    """A heading row of some table: it opens with "TT"/"STT" and names other columns."""
    texts = row.texts()
    return (
        len(texts) >= 2
        and role_of(texts[0]) == "seq"
        and not any(_SEQ.match(text) for text in texts[1:] if text)
    )


def _expand(header: TableHeader, row: Row) -> bool:
    """A second heading row ("Chủ trì" | "Phối hợp" under "Cơ quan thực hiện")."""
    sub = [role_of(text) for text in row.texts() if text]
    if not sub or None in sub or not set(sub) & {"lead", "coordinating"}:
        return False
    at = header.column("executor")
    if at is None:
        at = header.column("lead")
    if at is None:
        return False
    header.roles[at : at + 1] = sub
    header.names[at : at + 1] = [text for text in row.texts() if text]
    return True


def read_table_items(blocks: list[Block], sections: list[Section]) -> Reading:
    reading = Reading()
    header: TableHeader | None = None
    for index, block in enumerate(blocks):
        if block.kind != "table":
            continue
        width = max(len(row.cells) for row in block.rows)
        if header is not None and width != header.width:
            header = None
        rows = list(block.rows)
        if block.loose and rows:
            rows[0] = loose_heading_row(rows[0])
        position = 0
        previous: dict[Role, str] = {}
        section: str | None = sections[index].marker
        while position < len(rows):
            row = rows[position]
            position += 1
            found = header_of(row)
            if found is None and _other_heading(row):
                header = None  # another table's own heading ("TT", "Tên …"): not our columns
                continue
            if found is not None:
                header = found
                reading.tables_seen.append(row.line)
                reading.used.add(index)
                if position < len(rows) and _expand(header, rows[position]):
                    position += 1
                continue
            if header is None:
                continue
            if not block.loose and (stacked := unstack_row(row, header)):
                rows[position - 1 : position] = stacked
                row = stacked[0]
            texts = split_row(row, header.roles) if block.loose else _texts(row, header)
            filled = [text for text in texts if text]
            if not filled or all(_COLUMN_NUMBER.match(text) for text in filled):
                continue
            cells = align_cells(texts, header)
            _merged_above(cells, row)
            if block.loose:
                _merged_below(cells)
            if len(texts) > header.width and any(texts[header.width :]):
                message = (
                    f"table row has {len(texts)} cells but the header has {header.width}; "
                    "the extra cells are kept in the item's details"
                )
                reading.warnings.append(ParseWarning(row.line, message))
            if len(texts) < header.width and len(filled) > 2:
                message = (
                    f"table row has {len(texts)} cells but the header has {header.width}; "
                    "the missing cells were taken from the row above"
                )
                reading.warnings.append(ParseWarning(row.line, message))
            if _is_section(cells, header, filled):
                section = filled[0] if _SECTION_SEQ.match(filled[0]) else section
                continue
            item = _item(cells, header, previous, row, section)
            lead_cell = _cell(cells, header, "lead") or _cell(cells, header, "executor") or ""
            if item is None and NOT_AN_AGENCY.match(lead_cell):
                message = f"table row names no lead agency ({lead_cell[:80]!r}); not an item"
                reading.warnings.append(ParseWarning(row.line, message))
            if item is not None:
                item.details.extend(text for text in texts[header.width :] if text)
                reading.items.append(item)
                reading.used.add(index)
    return reading


def _texts(row: Row, header: TableHeader) -> list[str]:
    """The row's cell texts; an agency cell's lines keep their breaks, as a loose row's do: the
    agency splitter tells a wrapped name from a new one ("Bộ Khoa học và Công nghệ" over
    "Cơ quan, tổ chức liên quan" is two names, with no comma between)."""
    roles = header.roles
    return [
        "\n".join(cell.parts)
        if len(cell.parts) > 1 and at < len(roles) and roles[at] in AGENCY_ROLES
        else cell.text
        for at, cell in enumerate(row.cells)
    ]


def _merged_below(cells: list[str | None]) -> None:
    """A PDF row whose last cells are empty shares them with the row above: a cell merged
    over several rows is printed once, in the first. Empty trailing cells become missing."""
    at = len(cells)
    while at > 0 and cells[at - 1] == "":
        at -= 1
        cells[at] = None


def _merged_above(cells: list[str | None], row: Row) -> None:
    """A cell the document merges with the one above (Word's vMerge, HTML's rowspan) is
    missing, so the row takes that column from the row above, as for a PDF's merged cells."""
    if len(row.cells) == len(cells):
        for at, cell in enumerate(row.cells):
            if cell.merged:
                cells[at] = None


def align_cells(texts: list[str], header: TableHeader) -> list[str | None]:
    """Cells placed under their columns. A row short of cells lost some to cells merged with
    the row above: its number, its trailing columns or its leading ones; the placement whose
    cells read most like their columns wins (left-aligned on a tie)."""
    cells: list[str | None] = list(texts[: header.width])
    missing = header.width - len(cells)
    if missing <= 0:
        return cells
    candidates: list[list[str | None]] = [cells + [None] * missing, [None] * missing + cells]
    if header.column("seq") == 0:
        candidates.append([None, *cells, *([None] * (missing - 1))])
    best = max(candidates, key=lambda placed: _fit(placed, header))
    if best is candidates[0]:
        _move_timeframe(best, header)
    return best


def _names_agencies(cell: str) -> bool:
    """A cell that opens with agency names ("Sở Tài chính, Sở Nội vụ chủ trì …")."""
    text = cell.lstrip("-+• ")
    if verb := FIRST_VERB.search(text):
        text = text[: verb.start()]
    return names_an_agency(text.strip(" ,;"))


def _fit(cells: list[str | None], header: TableHeader) -> int:
    score = 0
    for cell, role in zip(cells, header.roles, strict=True):
        if not cell:
            continue
        if role == "seq":
            score += 2 if _SEQ.match(cell) else -2
        elif role in {"lead", "coordinating", "executor", "monitor"}:
            score += 2 if _names_agencies(cell) else -1
        elif role == "timeframe":
            score += 2 if _TIME_WORDS.search(cell) else -1
        elif role == "content":
            score += -2 if _SEQ.match(cell) else (-1 if _names_agencies(cell) else 1)
    return score


def _move_timeframe(cells: list[str | None], header: TableHeader) -> None:
    """A short row's last cell that reads as a timeframe belongs under the timeframe column."""
    at = header.column("timeframe")
    filled = [index for index, cell in enumerate(cells) if cell]
    if at is None or not filled or filled[-1] == at or cells[at]:
        return
    last = filled[-1]
    if header.roles[last] != "content" and _TIME_WORDS.search(cells[last] or ""):
        cells[at], cells[last] = cells[last], None


def _is_section(cells: list[str | None], header: TableHeader, filled: list[str]) -> bool:
    lead_at = header.column("lead")
    if lead_at is None:
        lead_at = header.column("executor")
    has_lead = lead_at is not None and bool(cells[lead_at])
    if _SECTION_SEQ.match(filled[0]) and len(filled) <= 3:
        return True
    return not has_lead and len(filled) <= 2


def _cell(cells: list[str | None], header: TableHeader, role: Role) -> str | None:
    at = header.column(role)
    return cells[at] if at is not None else None


def _item(
    cells: list[str | None],
    header: TableHeader,
    previous: dict[Role, str],
    row: Row,
    section: str | None,
) -> RawItem | None:
    values: dict[Role, str] = {}
    for role in ("seq", "content", "lead", "executor", "coordinating", "timeframe", "product"):
        value = _cell(cells, header, role)  # type: ignore[arg-type]
        if value is None and role in _INHERITED and role in previous:
            value = previous[role]  # type: ignore[index]
        if value is not None and (value or role == "timeframe"):
            values[role] = value  # type: ignore[index]
    if "timeframe" in values and not values["timeframe"] and "timeframe" in previous:
        values["timeframe"] = previous["timeframe"]
    previous.clear()
    previous.update(values)
    lead_text = values.get("lead") or values.get("executor") or ""
    if NOT_AN_AGENCY.match(lead_text):
        return None
    if not lead_text and not (values.get("seq") and values.get("content")):
        return None
    item = RawItem(
        seq=(values.get("seq") or "").rstrip("."),
        content=values.get("content") or "",
        line=row.line,
        section=section,
        how="table",
        timeframe=values.get("timeframe") or None,
        timeframe_line=row.line,
    )
    if FIRST_VERB.search(lead_text) and not _NUMBERED_PARTS.search(lead_text):
        roles = read_roles(lead_text)
        item.lead, item.coordinating = roles.leads, roles.partners
    elif lead_text:
        item.lead = [lead_text]
    if coordinating := values.get("coordinating"):
        item.coordinating.append(coordinating)
    for at, role in enumerate(header.roles):
        if role in {None, "product", "note", "monitor"} and at < len(cells) and cells[at]:
            item.details.append(f"{header.names[at]}: {cells[at]}")
    return item
