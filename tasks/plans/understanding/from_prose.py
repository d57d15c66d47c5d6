"""Items stated in sentences and under agency headings: "Sở X chủ trì, phối hợp với Sở Y …;
thời gian: quý III/2020", "(Giao Công an tỉnh chủ trì …)", and a heading that names an agency
("1. Công an tỉnh") followed by the bullets it owes."""

from __future__ import annotations

import re

from tasks.plans.agency_names import split_agencies, starts_like_agency
from tasks.plans.document import MARKER_DEPTH, Block
from tasks.plans.understanding.agencies import agency_label, duties_of, names_an_agency
from tasks.plans.understanding.clauses import FIRST_VERB, read_roles, time_phrase
from tasks.plans.understanding.raw import RawItem, Reading
from tasks.plans.understanding.sections import Section

# The spaces before the subject are taken whole (possessive): handing them back one by one to
# the subject, which may hold spaces too, was catastrophic on a long run (4,000 took 40 s).
_ASSIGNED = re.compile(
    r"(?:^|[(;:.]\s*+|\b[Gg]iao\s++)(?P<who>[^;:().]{3,160}?)\s+(?:là cơ quan\s+)?chủ trì\b"
    r"|\b[Gg]iao\s++(?P<given>[^;:().]{3,120}?)\s+(?:tham mưu|thực hiện|triển khai)\b"
    # "Giao các cơ sở gồm: Trường A, Viện B và … thực hiện": the agencies are those listed
    r"|\b[Gg]iao\s++[^;:().]{3,80}?\s+gồm\s*:\s*(?P<listed>[^;:()]{3,400}?)"
    r"\s+(?:tham mưu|thực hiện|triển khai)\b"
)
# "Sở Tài chính – Cơ quan thường trực Ban Chỉ đạo": the agency, then the role it plays.
_ROLE_SUFFIX = re.compile(
    r"\s*(?:\s[-–]|\()\s*(?:cơ quan|đơn vị|thường trực|thành viên)\b.*$", re.IGNORECASE
)
# "13. Đề nghị Ủy ban Mặt trận Tổ quốc …": a request to a body outside the issuer is its task
_REQUEST = re.compile(r"(?i)^(?:đề nghị|kiến nghị)\s+")
_LEADS_WITH = re.compile(r"(?i)^chủ trì,?\s*phối hợp(?:\s+với)?\s*:?$")
_COORDINATES = re.compile(r"(?i)^(?:chủ động\s+)?phối hợp\b")
_BULLETS = {"dash", "plus", "bullet", "letter"}
_MAX_HEADING_WORDS = 30


def _agency_heading(block: Block) -> str | None:
    text = block.text.strip().rstrip(":").strip()
    if block.kind == "table" or not text or len(text.split()) > _MAX_HEADING_WORDS:
        return None
    if block.style not in {"number", "roman", "letter"}:
        return None
    if ":" in text:
        return duties_of(block.text)
    text = _ROLE_SUFFIX.sub("", _REQUEST.sub("", text))
    if names_an_agency(text) or _names_agencies(text):
        return text
    return duties_of(block.text)


def _names_agencies(text: str) -> bool:
    """A heading that lists several agencies ("Báo …, Sở Văn hóa, Thể thao và Du lịch và …")."""
    if FIRST_VERB.search(text):
        return False
    parts = split_agencies(text)
    return len(parts) >= 2 and sum(names_an_agency(part) for part in parts) >= 2


def read_prose_items(
    blocks: list[Block],
    sections: list[Section],
    used: set[int],
    owners: dict[int, str],
    headings: set[int],
    *,
    organising: bool,
) -> Reading:
    """Sentence and agency-heading items in blocks not used yet, inside or outside the
    "Tổ chức thực hiện" section as `organising` says; `owners` and `headings` are those of
    `agency_owners`. Under an agency heading the first bullet's style is the task's; deeper
    bullets and loose paragraphs are the task's details."""
    reading = Reading()
    task_style: str | None = None
    for index, block in enumerate(blocks):
        section = sections[index]
        if block.kind == "table" or section.organising != organising:
            continue
        if index in headings:
            task_style = None
            reading.used.add(index)
            continue
        owner = owners.get(index)
        if index in used:
            continue
        if owner and reading.items and task_style is not None and _under(block, task_style):
            if partnered := _partner_item(reading.items[-1], block, owner):
                reading.items.append(partnered)  # "b) Chủ trì, phối hợp" / "- Sở X …"
            else:
                reading.items[-1].details.append(f"{block.written_marker} {block.text}".strip())
            reading.used.add(index)
            continue
        item = (
            _labelled_item(block, section)
            or _sentence_item(block, section)
            or _owned_item(block, section, owner)
        )
        if item is not None:
            if owner and item.how == "agency block" and task_style is None:
                task_style = block.style
            reading.items.append(item)
            reading.used.add(index)
    reading.items = [item for item in reading.items if item.how != "lead-in"]
    return reading


def _partner_item(task: RawItem, block: Block, owner: str) -> RawItem | None:
    """Under "Chủ trì, phối hợp" each bullet names a partner and what the two do together:
    the owner leads, the bullet's subject coordinates. The bare lead-in is then no task."""
    if not _LEADS_WITH.match(task.content) and task.how != "partnered":
        return None
    roles = read_roles(block.text)
    if not roles.leads or not names_an_agency(roles.leads[0]):
        return None
    item = RawItem(task.seq, block.text, block.line, task.section, how="partnered")
    item.lead, item.coordinating = [owner], roles.leads
    item.timeframe, item.timeframe_line = time_phrase(block.text), block.line
    if _LEADS_WITH.match(task.content):
        task.how = "lead-in"  # replaced by its bullets
    return item


def agency_owners(blocks: list[Block]) -> tuple[dict[int, str], set[int]]:
    """The agency heading each block sits under ("1.2. Sở Tài chính" over its bullets), by
    block index, and the indexes of those headings; a heading of the same or an outer level
    ends one."""
    owners: dict[int, str] = {}
    headings: set[int] = set()
    owner: str | None = None
    owner_style = ""
    for index, block in enumerate(blocks):
        if block.kind == "table":
            owner = None
            continue
        if block.kind == "heading" or (owner and block.style == owner_style and block.style):
            owner = None
        if heading := _agency_heading(block):
            owner, owner_style = heading, block.style
            headings.add(index)
        elif owner:
            owners[index] = owner
    return owners, headings


def _under(block: Block, task_style: str) -> bool:
    """A block that belongs to the task before it: a deeper bullet, or a loose paragraph."""
    if block.kind == "paragraph" and not block.style:
        return task_style != ""
    return MARKER_DEPTH.get(block.style, -1) > MARKER_DEPTH.get(task_style, 9)


def _labelled_item(block: Block, section: Section) -> RawItem | None:
    """ "+ Sở Xây dựng: hướng dẫn …": the task after its agency and a colon."""
    found = agency_label(block.text)
    if found is None:
        return None
    who, task = found
    if _COORDINATES.match(task):
        return None
    item = RawItem(block.marker, task, block.line, section.marker, how="agency label")
    item.lead = [who]
    item.coordinating = read_roles(task).partners
    item.timeframe = time_phrase(task)
    item.timeframe_line = block.line
    return item


def _sentence_item(block: Block, section: Section) -> RawItem | None:
    found = _ASSIGNED.search(block.text)
    if not found:
        return None
    who = (found["who"] or found["given"] or found["listed"] or "").strip(" ,")
    who = re.sub(r"^(?:giao|đề nghị|yêu cầu)\s+", "", who, flags=re.IGNORECASE)
    if verb := FIRST_VERB.search(who):
        who = who[: verb.start()].strip(" ,")
    if not starts_like_agency(who):
        return None
    roles = read_roles(block.text[found.start("who") if found["who"] else found.start() :])
    item = RawItem(block.marker, block.text, block.line, section.marker, how="prose")
    item.lead = [who]
    item.coordinating = roles.partners
    item.timeframe = roles.timeframe or time_phrase(block.text)
    item.timeframe_line = block.line
    return item


def _owned_item(block: Block, section: Section, owner: str | None) -> RawItem | None:
    if owner is None or not (block.style in _BULLETS or block.kind == "paragraph"):
        return None
    if block.text.rstrip().endswith(":") and not block.marker:
        return None  # "Trong đó giao … chỉ đạo thực hiện:" introduces the tasks below it
    if _COORDINATES.match(block.text):
        return None  # "Phối hợp với Sở Y tế …": the heading agency only coordinates
    item = RawItem(block.marker, block.text, block.line, section.marker, how="agency block")
    item.lead = [owner]
    item.coordinating = read_roles(block.text).partners[:1]  # the task's own partners: the first
    item.timeframe = time_phrase(block.text)
    item.timeframe_line = block.line
    return item
