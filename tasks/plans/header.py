"""What a plan says about itself: number, issuer, date, title, year, and which agency is told
to monitor and urge ("theo dõi, đôn đốc") the others. Real copies are Word documents (a
two-column header separated by tabs) or web pages (a title line and a prose lead such as
"Ngày 11/01/2019, UBND huyện X đã ban hành Kế hoạch số 33/KH-UBND …")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dondoc.core.text import clean_name, normalize_name
from tasks.plans.agency_names import split_agencies, starts_like_agency
from tasks.plans.parsed import ParseWarning

ROMAN_HEADING = re.compile(r"^\s*(?P<roman>[IVX]{1,5})\s*[.)–-]\s*(?P<text>\S.*)$")
ITEM_HEADING = re.compile(r"^\s*(?P<seq>\d{1,4}(?:\.\d{1,3})*)\s*[.)]\s+(?P<text>\S.*)$")
BULLET = re.compile(r"^\s*(?:[-+•*–]|[a-zđ]\))\s*")

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
_NUMBER_LINE = re.compile(r"^Số\s*:?\s*(?P<no>[\w.]*)\s*/\s*(?P<kind>[\w-]+)")
_FILL = r"[\s.…_]*"
_PLACE_DATE = re.compile(
    rf"^(?P<place>[^\W\d][^,\d]{{1,40}}),\s*ngày{_FILL}(?P<day>\d{{1,2}})?{_FILL}"
    rf"(?:tháng|/){_FILL}(?P<month>\d{{1,2}})?{_FILL}(?:năm|/){_FILL}(?P<year>\d{{4}})?",
    re.IGNORECASE,
)
_UPPER_HEADER = re.compile(rf"^ubnd\s+{_LEVEL}\s+(?P<place>\S.*)$")
_TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
# The spaces before a name are taken whole (possessive): handing them back one by one to the
# name, which may hold spaces too, was catastrophic on a long run (8,000 took over a minute).
_GIAO = re.compile(
    r"\b[Gg]iao\s++(?P<name>[^.;:]{3,120}?)\s*,?\s+(?:là\s+|làm\s+)?"
    r"(?:chủ trì|có trách nhiệm|chịu trách nhiệm|cơ quan đầu mối|đầu mối|theo dõi|đôn đốc"
    r"|tham mưu|phối hợp|hướng dẫn|kiểm tra|thường xuyên)\b"
)
_RESPONSIBLE = re.compile(
    r"(?:^|[.;:]\s++)(?P<name>[^.;:]{3,120}?)\s+(?:là\s+)?"
    r"(?:có trách nhiệm|chịu trách nhiệm|cơ quan đầu mối|đầu mối|chủ trì)\b"
)
_SENTENCE_END = re.compile(r"\.(?:\s|$)")


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
    head = [
        (index, cell.strip()) for index in range(body_start) for cell in lines[index].split("\t")
    ]
    head = [(index, cell) for index, cell in head if cell]
    prose = _first_prose(lines)
    header.issuer = _header_issuer(lines, body_start) or (_issuer(prose) if prose else None)
    header.number = _number(head, header) or (_clean_number(prose["number"]) if prose else None)

    place_date = _place_date(head, header)
    if header.issued_on is None and prose and prose["date"]:
        header.issued_on = _to_date(prose["date"], _line_of(prose), header)
    if header.issuer is None and place_date:
        header.issuer = _issuer_named_in_text(lines, place_date["place"].strip())

    header.title = _title(head)
    if not header.title:
        header.warnings.append(
            ParseWarning(
                1,
                "no title found (looked for a 'KẾ HOẠCH' heading followed by the "
                "title, or a leading 'Kế hoạch …' line)",
            )
        )
    title_year = _TITLE_YEAR.search(header.title)
    if header.issued_on:
        header.year = header.issued_on.year
    elif title_year:
        header.year = int(title_year.group(1))
    elif place_date and place_date["year"]:
        header.year = int(place_date["year"])
    else:
        header.warnings.append(
            ParseWarning(
                1,
                "no plan year found (looked at the date, the title and a dated "
                "line); timeframes that name no year cannot be dated",
            )
        )
    return header


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


def _header_issuer(lines: list[str], body_start: int) -> str | None:
    """The body in the document's own header: "ỦY BAN NHÂN DÂN" over "HUYỆN SÔNG MÃ" (the
    cell below, same column of a two-column Word header) or on one line → "UBND huyện Sông Mã"."""
    grid = [(index, lines[index].split("\t")) for index in range(body_start)]
    for row, (_, cells) in enumerate(grid):
        for column, raw in enumerate(cells):
            cell = raw.strip()
            if not cell.isupper():
                continue
            text = cell
            if normalize_name(cell) == "ubnd":
                # read down only to the first filled cell: the whole column for every such
                # cell was quadratic in a header of many (16,000 lines took 8 s)
                below = (
                    grid[lower][1][column].strip()
                    for lower in range(row + 1, len(grid))
                    if len(grid[lower][1]) > column
                )
                text = f"{cell} {next((c for c in below if c), '')}"
            found = _UPPER_HEADER.match(normalize_name(text))
            if found and text.isupper():
                return f"UBND {found['level']} {found['place'].title()}"
    return None


def _clean_number(number: str | None) -> str | None:
    return re.sub(r"\s+", "", number) if number else None


def _number(head: list[tuple[int, str]], header: PlanHeader) -> str | None:
    for index, cell in head:
        found = _NUMBER_LINE.match(cell)
        if not found:
            continue
        if not found["no"]:
            header.warnings.append(
                ParseWarning(index + 1, f"the plan number is blank (draft): {cell!r}")
            )
            return None
        return f"{found['no']}/{found['kind']}"
    return None


def _place_date(head: list[tuple[int, str]], header: PlanHeader) -> re.Match[str] | None:
    for index, cell in head:
        found = _PLACE_DATE.match(cell)
        if not found:
            continue
        if found["day"] and found["month"] and found["year"]:
            text = f"{found['day']}/{found['month']}/{found['year']}"
            header.issued_on = _to_date(text, index + 1, header)
        else:
            header.warnings.append(
                ParseWarning(index + 1, f"the plan's date is blank (draft): {cell!r}")
            )
        return found
    return None


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


def find_monitoring_agency(lines: list[str], claimed: set[int]) -> str | None:
    """The agency told to "theo dõi, đôn đốc": named in the sentence ("Giao Phòng Nội vụ …
    theo dõi, đôn đốc", "Phòng Nội vụ có trách nhiệm …"), or the numbered heading ("2. Phòng
    Nội vụ huyện") whose paragraph says so. Item lines are skipped: an item's own content is
    a task, not the plan's monitoring assignment."""
    heading_agency: str | None = None
    for index, line in enumerate(lines):
        if index in claimed:
            continue
        if ROMAN_HEADING.match(line):
            heading_agency = None
            continue
        if heading := ITEM_HEADING.match(line):
            text = heading["text"].strip()
            agency = starts_like_agency(text) and ":" not in text and len(text.split()) <= 15
            heading_agency = clean_name(text) if agency else None
        if "đôn đốc" not in line.casefold():
            continue
        named = _named_monitor(line)
        if named:
            return named
        if heading_agency and (BULLET.match(line) or not heading):
            return heading_agency
    return None


def _named_monitor(line: str) -> str | None:
    text = BULLET.sub("", line.strip())
    text = ITEM_HEADING.sub(lambda m: m["text"], text)
    for pattern in (_GIAO, _RESPONSIBLE):
        for found in pattern.finditer(text):
            sentence_end = _SENTENCE_END.search(text, found.end())
            rest = text[found.end() : sentence_end.start() if sentence_end else len(text)]
            if "đôn đốc" not in (found.group(0) + rest).casefold():
                continue
            names = split_agencies(found["name"])
            if names and starts_like_agency(names[0]):
                return names[0]
    return None
