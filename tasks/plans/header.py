"""What a plan says about itself: number, issuer, date, title and year. Real copies are Word
documents (a two-column header separated by tabs, or both columns merged into one cell), PDFs
(columns spaced apart, a date broken over two lines, an official gazette's running header) or
web pages (a title line and a prose lead such as "Ngày 11/01/2019, UBND huyện X đã ban hành
Kế hoạch số 33/KH-UBND …"). The monitoring agency is found by `tasks.plans.monitoring`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from dondoc.core.text import clean_name, normalize_name
from tasks.plans.monitoring import find_monitoring_agency
from tasks.plans.parsed import ParseWarning

__all__ = ["PlanHeader", "find_monitoring_agency", "read_header"]

_LEVEL = r"(?P<level>huyện|tỉnh|xã|thành phố|thị xã|quận|phường|thị trấn)"
_BODY = r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)"
_DATE = r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
_DATE_PARTS = re.compile(
    r"(?P<day>\d{1,2})(?:/|\s+tháng\s+)(?P<month>\d{1,2})(?:/|\s+năm\s+)(?P<year>\d{4})"
)
# "Ngày 11/01/2019, UBND huyện Sông Mã đã ban hành Kế hoạch số 33/KH-UBND": the body must be
# the subject that issues ("ban hành"/"xây dựng") the plan. A cited document ("Căn cứ Quyết định
# số 828/QĐ-UBND của UBND tỉnh X ban hành Kế hoạch số …") names its body after "của"/"theo";
# such matches are skipped (see _CITED), so neither its number nor its issuer is taken.
_PROSE = re.compile(
    rf"(?:\b[Nn]gày\s+(?P<date>{_DATE})\s*,\s*)?"
    rf"(?P<body>{_BODY})\s+{_LEVEL}\s+(?P<place>[^\s,.;:()]+(?:\s+[^\s,.;:()]+){{0,3}}?)"
    r"\s+(?:đã\s+|vừa\s+)?(?:ban hành|xây dựng)\s+[Kk]ế hoạch"
    r"(?:\s+số\s+(?P<number>\d[\w.]*/\s*KH[\w-]*))?"
)
_CITED = re.compile(r"\b(?:của|theo)\s*$")
# The document's own number: "Số:" opening a cell, or anywhere in a cell whose columns were
# merged ("… BAN THƯỜNG TRỰC Số: 16/KH-MTTQ-BTT"); a blank draft number ("Số:    /KH-SCT") is
# still the number's place. "Số" without a colon inside a line ("QUYẾT ĐỊNH SỐ 1050/QĐ-SCT",
# "CÔNG BÁO/Số 302") cites another document.
_NUMBER = r"(?P<no>[\w.-]*?)\s*/\s*(?P<kind>[\w-]+(?:/[\w-]+)?)"
_NUMBER_AT_START = re.compile(rf"^Số\s*:?\s*{_NUMBER}")
_NUMBER_INSIDE = re.compile(rf"(?<!\w)(?:Số|SỐ)\s*:\s*{_NUMBER}")
_FILL = r"[\s.…_*]*"
# "Lào Cai, ngày 20 tháng 11 năm 2025", "Sông Mã, ngày 20/03/2024" (or 20-03-2024), or a
# draft's blanks ("ngày    tháng 3 năm 2026"); the parts may be broken over lines.
_LEAD = 80
_PLACE_DATE = re.compile(
    rf"(?P<lead>[^\n,]{{1,{_LEAD}}}),\s*ngày{_FILL}(?P<day>\d{{1,2}})?{_FILL}"
    rf"(?:tháng|/|-){_FILL}(?P<month>\d{{1,2}})?{_FILL}(?:năm|/|-){_FILL}(?P<year>\d{{4}})?",
    re.IGNORECASE,
)
_DATE_COMMA = re.compile(r",\s*ngày", re.IGNORECASE)
_MOTTO = re.compile(r"(?i)^.*hạnh\s+phúc")
# Prose after the header: "Căn cứ …", "Thực hiện …": the header's facts sit above it.
_PROSE_START = re.compile(r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|Trên cơ sở)\b")
_GAZETTE = re.compile(r"(?i)^công báo\b")
# A plan published as the appendix of a decision: "(Ban hành kèm theo Quyết định số 435/QĐ-UBND
# ngày 12/3/2025 của …)": the decision's number and date are the plan's.
_APPENDIX_OF = re.compile(
    rf"kèm theo\s+Quyết định\s+(?:số\s*:?\s*)?{_NUMBER}\s*,?\s*ngày\s+(?P<date>{_DATE})",
    re.IGNORECASE,
)
_UPPER_HEADER = re.compile(rf"^ubnd\s+{_LEVEL}\s+(?P<place>\S.*)$")
_NATIONAL = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐỘC\s+LẬP\b.*|VĂN BẢN PHÁP LUẬT KHÁC"
)
_DOC_TITLE = re.compile(r"(?i)^(?:kế hoạch|quyết định|nghị quyết|chương trình|thông báo|chỉ thị)\b")
_BODY_HEAD = re.compile(
    r"(?<!\w)(?:THỦ TƯỚNG CHÍNH PHỦ|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|ỦY BAN|UỶ BAN|TIỂU BAN"
    r"|BAN|SỞ|BỘ|VĂN PHÒNG|PHÒNG|CHÍNH PHỦ|LIÊN ĐOÀN|CÔNG ĐOÀN|TỈNH ĐOÀN|HUYỆN ĐOÀN|THÀNH ĐOÀN"
    r"|ĐOÀN|HỘI ĐỒNG|TỔNG CỤC|CHI CỤC|CỤC|TRUNG TÂM|ĐẢNG BỘ|ĐẢNG ỦY|ĐẢNG UỶ|TỈNH ỦY|TỈNH UỶ"
    r"|THÀNH ỦY|THÀNH UỶ|HUYỆN ỦY|HUYỆN UỶ|MẶT TRẬN)(?!\w)"
)
# A body's standing committee or executive: "BAN THƯỜNG VỤ" over "TỈNH ỦY" is one body.
_STANDING = re.compile(r"BAN THƯỜNG TRỰC|BAN THƯỜNG VỤ|THƯỜNG TRỰC|BAN CHẤP HÀNH")
_CITING = re.compile(r"\s+THEO\b.*$")
_UY = re.compile(r"ỦY|UỶ")
_TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
_NOT_IN_PLACE = re.compile(r"[^\w\s.]")
_COLUMN_GAP = re.compile(r"\s{3,}")
_NUMBER_WORD = re.compile(r"(?<!\w)(?:Số|SỐ)(?!\w)")


@dataclass
class PlanHeader:
    title: str = ""
    number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    year: int | None = None
    warnings: list[ParseWarning] = field(default_factory=list)


def read_header(lines: list[str], body_start: int) -> PlanHeader:
    """Header facts from the lines before `body_start` (0-based: the first section or item),
    and from the prose lead anywhere in the text for web copies."""
    header = PlanHeader()
    cells = [
        (index, column, cell)
        for index in range(body_start)
        if lines[index]
        for column, written in enumerate(lines[index].split("\t"))
        if (cell := written.strip()) and not _GAZETTE.match(cell)
    ]
    head = [(index, cell) for index, _, cell in cells]
    zone = _header_zone(head)
    # The right column alone first: a date wrapped in it reads whole across the left's lines.
    right = [(index, cell) for index, column, cell in cells[: len(zone)] if column > 0]
    left = [(index, cell) for index, column, cell in cells[: len(zone)] if column == 0]
    prose = _first_prose(lines)
    issuer = _header_issuer(left, "\n".join(lines))
    header.issuer = issuer or (_issuer(prose) if prose else None)
    number_seen = _number(zone, header)
    if header.number is None and not number_seen:
        _appendix_of_decision(head, header)
    if header.number is None and prose:
        header.number = _clean_number(prose["number"])

    place_date = _place_date(right, header) or _place_date(zone, header)
    if header.issued_on is None and prose and prose["date"]:
        header.issued_on = _to_date(prose["date"], _line_of(prose), header)
    if header.issuer is None and place_date:
        header.issuer = _issuer_named_in_text(lines, place_date[0])

    header.title = _title(head)
    if not header.title:
        header.warnings.append(
            ParseWarning(
                1,
                "no title found (looked for a 'KẾ HOẠCH' heading followed by the "
                "title, or a leading 'Kế hoạch …' line)",
            )
        )
    header.year = _year(header, place_date[1] if place_date else None)
    if header.year is None:
        header.warnings.append(
            ParseWarning(
                1,
                "no plan year found (looked at the date, the dated line and the "
                "title); timeframes that name no year cannot be dated",
            )
        )
    return header


def _year(header: PlanHeader, dated_year: int | None) -> int | None:
    """The year the plan is dated (even a draft's "ngày … tháng … năm 2026"), else the title's
    ("… năm 2026"): a plan for next year is often issued in December."""
    if header.issued_on:
        return header.issued_on.year
    if dated_year:
        return dated_year
    title_year = _TITLE_YEAR.search(header.title)
    return int(title_year.group(1)) if title_year else None


def _header_zone(head: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The cells above the prose ("Căn cứ …"): where the number and the dated line sit."""
    for position, (_, cell) in enumerate(head):
        if _PROSE_START.match(cell):
            return head[:position]
    return head


def _line_of(match: re.Match[str]) -> int:
    return match.string.count("\n", 0, match.start()) + 1


def _first_prose(lines: list[str]) -> re.Match[str] | None:
    text = "\n".join(lines)
    for match in _PROSE.finditer(text):
        cited = _CITED.search(text, max(0, match.start("body") - 8), match.start("body"))
        if not cited and all(word[0].isupper() for word in match["place"].split()):
            return match
    return None


def _issuer(match: re.Match[str]) -> str:
    return f"UBND {match['level']} {match['place']}"


def _header_issuer(left: list[tuple[int, str]], text: str) -> str | None:
    """The issuing body in the document's own header, the lowest of the upper-case lines above
    its number ("UBND TỈNH LÀO CAI" over "SỞ CÔNG THƯƠNG" → "Sở Công Thương"; "ỦY BAN NHÂN
    DÂN" over "HUYỆN SÔNG MÃ" → "UBND huyện Sông Mã"), spelled as the text writes it."""
    bodies: list[str] = []
    for body in _upper_bodies(_upper_lines(left)):
        if bodies and _STANDING.fullmatch(bodies[-1]):
            body = f"{bodies.pop()} {body}"
        bodies.append(body)
    if not bodies:
        return None
    body = bodies[-1]
    if _STANDING.fullmatch(body) and len(bodies) > 1:
        body = f"{body} {bodies[-2]}"  # "BAN THƯỜNG TRỰC" of the committee above it
    if found := _UPPER_HEADER.match(normalize_name(body)):
        return f"UBND {found['level']} {found['place'].title()}"
    return _as_written(body, text)


def _upper_lines(left: list[tuple[int, str]]) -> str:
    """The upper-case lines of the header's left column just above the number or the title,
    the national motto and the gazette's section line left out; a PDF's columns (runs of
    spaces) are read apart."""
    kept: list[str] = []
    for _, cell in left:
        for segment in _COLUMN_GAP.split(cell):
            number = _NUMBER_WORD.search(segment)
            before = (segment[: number.start()] if number else segment).strip()
            if _DOC_TITLE.match(segment):
                number = number or _DOC_TITLE.match(segment)
            elif before.isupper():
                kept.append(before)
            elif before and before != before.upper() and not _MOTTO.match(before):
                kept = []  # prose or a web page's lines: the header's body lines are below
            if number:
                return _NATIONAL.sub(" ", " ".join(kept))
    return _NATIONAL.sub(" ", " ".join(kept))


def _upper_bodies(text: str) -> list[str]:
    """The bodies named in upper-case header text, each from its head word ("SỞ", "BỘ", "BAN"
    …) to the next head."""
    starts = [head.start() for head in _BODY_HEAD.finditer(text)]
    ends = [*starts[1:], len(text)] if starts else []
    return [
        _CITING.sub("", text[start:end]).strip(" ,")
        for start, end in zip(starts, ends, strict=True)
    ]


def _as_written(body: str, text: str) -> str:
    """An upper-case name as the text spells it elsewhere ("SỞ CÔNG THƯƠNG" → "Sở Công
    Thương"), else with only its first letter capitalised."""
    words = [_UY.sub("(?:ỦY|UỶ)", re.escape(word)) for word in body.split()]
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
    for found in pattern.finditer(text):
        if not found.group(0).isupper():
            return clean_name(found.group(0)[:1].upper() + found.group(0)[1:])
    return clean_name(body[:1] + body[1:].lower())


def _clean_number(number: str | None) -> str | None:
    return re.sub(r"\s+", "", number) if number else None


def _number(zone: list[tuple[int, str]], header: PlanHeader) -> bool:
    """Sets the plan's number from its "Số:" cell; True when that cell was found (a blank
    draft number included)."""
    for index, cell in zone:
        found = _NUMBER_AT_START.match(cell) or _NUMBER_INSIDE.search(cell)
        if not found:
            continue
        if not found["no"]:
            header.warnings.append(
                ParseWarning(index + 1, f"the plan number is blank (draft): {cell!r}")
            )
            return True
        header.number = f"{found['no']}/{found['kind']}"
        return True
    return False


def _appendix_of_decision(head: list[tuple[int, str]], header: PlanHeader) -> None:
    text = "\n".join(cell for _, cell in head)
    found = _APPENDIX_OF.search(text)
    if found and found["no"]:
        header.number = f"{found['no']}/{found['kind']}"
        header.issued_on = _to_date(found["date"], _line_at(head, found.start()), header)


def _line_at(cells: list[tuple[int, str]], offset: int) -> int:
    """The source line (1-based) of `offset` in the cells joined by line breaks; a cell may hold
    line breaks of its own, so counting breaks would overshoot the list."""
    end = -1
    for index, cell in cells:
        end += len(cell) + 1
        if offset <= end:
            return index + 1
    return cells[-1][0] + 1


def _place_date(zone: list[tuple[int, str]], header: PlanHeader) -> tuple[str, int | None] | None:
    """The dated line's place and year ("Lào Cai, ngày … năm 2026"), setting the plan's date
    when day, month and year are all written. Cells are joined by line breaks so a date
    broken over two lines is read whole."""
    text = "\n".join(cell for _, cell in zone)
    for found in _place_dates(text):
        place = _place(found["lead"])
        if not place:
            continue
        line = _line_at(zone, found.start("lead"))
        if found["day"] and found["month"] and found["year"]:
            written = f"{found['day']}/{found['month']}/{found['year']}"
            header.issued_on = _to_date(written, line, header)
        else:
            quoted = " ".join(found.group(0).split())
            header.warnings.append(
                ParseWarning(line, f"the plan's date is blank (draft): {quoted!r}")
            )
        return place, int(found["year"]) if found["year"] else None
    return None


def _place_dates(text: str) -> Iterator[re.Match[str]]:
    """_PLACE_DATE.finditer(text), tried only where a lead can end: before a ", ngày". From
    every character of a long line it read up to 80 characters ahead for a comma."""
    end = 0
    for comma in _DATE_COMMA.finditer(text):
        at = comma.start()
        low = max(end, at - _LEAD)
        start = max(low, text.rfind("\n", low, at) + 1, text.rfind(",", low, at) + 1)
        if start < at and (found := _PLACE_DATE.match(text, start)):
            yield found
            end = found.end()


def _place(lead: str) -> str:
    """The place before ", ngày": the capitalised words ending the text before it, after the
    national motto when a merged cell holds it ("… Hạnh phúc Lào Cai" → "Lào Cai")."""
    lead = _MOTTO.sub("", lead)
    words: list[str] = []
    for word in reversed(lead.split()):
        if not word[0].isupper() or _NOT_IN_PLACE.search(word) or len(words) == 5:
            break
        words.insert(0, word)
    return " ".join(words)


def _to_date(text: str, line: int, header: PlanHeader) -> date | None:
    parts = _DATE_PARTS.search(text)
    if not parts:
        return None
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        header.warnings.append(ParseWarning(line, f"the plan's date is impossible: {text!r}"))
        return None


def _issuer_named_in_text(lines: list[str], place: str) -> str | None:
    """A dated line "Tuy Phước, ngày …" names a place, not a body: the body is taken only
    from prose that names it ("UBND huyện Tuy Phước")."""
    pattern = re.compile(rf"{_BODY}\s+{_LEVEL}\s+{re.escape(place)}\b")
    for line in lines:
        if found := pattern.search(line):
            return f"UBND {found['level']} {place}"
    return None


def _title(head: list[tuple[int, str]]) -> str:
    for position, (index, cell) in enumerate(head):
        if cell == "KẾ HOẠCH":
            parts: list[str] = []
            previous = index
            for next_index, text in head[position + 1 :]:
                starts_prose = text.startswith(("Căn cứ", "Thực hiện", "Số:"))
                after_gap = bool(parts) and next_index > previous + 1
                if starts_prose or after_gap or len(parts) == 3:
                    break
                parts.append(text)
                previous = next_index
            return clean_name(" ".join(parts))
        if cell.startswith("KẾ HOẠCH "):
            return clean_name(cell.removeprefix("KẾ HOẠCH "))
    for _, cell in head[:10]:
        if cell.startswith("Kế hoạch ") and len(cell) < 300:
            return clean_name(cell)
    return ""
