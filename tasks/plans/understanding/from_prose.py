"""Items stated in sentences and under agency headings: "Sở X chủ trì, phối hợp với Sở Y …;
thời gian: quý III/2020", "(Giao Công an tỉnh chủ trì …)", and a heading that names an agency
("1. Công an tỉnh") followed by the bullets it owes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.plans.agency_names import split_agencies, starts_like_agency
from tasks.plans.document import BULLET_STYLES, MARKER_DEPTH, Block
from tasks.plans.understanding.agencies import REQUEST, agency_label, duties_of, names_an_agency
from tasks.plans.understanding.clauses import FIRST_VERB, read_roles, time_phrase
from tasks.plans.understanding.raw import RawItem, Reading
from tasks.plans.understanding.sections import Section

# The spaces before the subject are taken whole (possessive): handing them back one by one to
# the subject, which may hold spaces too, was catastrophic on a long run (4,000 took 40 s).
# A name ends on a non-space (the shortest one that fits does, unless it is the shortest
# allowed) and the spaces after it are taken whole: a name ending at each of the first
# 160 spaces of a run, the rest of the run given back space by space, cost 160 passes over
# it (seed 1, document 5: 100,000 spaces).
_ASSIGNED = re.compile(
    r"(?:^|[(;:.]\s*+|\b[Gg]iao\s++)(?P<who>[^;:().]{2}\s|[^;:().]{2,159}?[^\s;:().])"
    r"\s++(?:là cơ quan\s++)?chủ trì\b"
    r"|\b[Gg]iao\s++(?P<given>[^;:().]{2}\s|[^;:().]{2,119}?[^\s;:().])"
    r"\s++(?:tham mưu|thực hiện|triển khai)\b"
    # "Giao các cơ sở gồm: Trường A, Viện B và … thực hiện": the agencies are those listed
    r"|\b[Gg]iao\s++(?:[^;:().]{2}\s|[^;:().]{2,79}?[^\s;:().])\s++gồm\s*:\s*"
    r"(?P<listed>[^;:()]{2}\s|[^;:()]{2,399}?[^\s;:()])\s++(?:tham mưu|thực hiện|triển khai)\b"
)
# "Sở Tài chính – Cơ quan thường trực Ban Chỉ đạo": the agency, then the role it plays.
# It starts only where a run of spaces does: tried from every space of a long run, it was
# quadratic (11 s on a fuzzed heading).
_ROLE_SUFFIX = re.compile(
    r"(?<!\s)(?:\s++[-–]|\s*+\()\s*+(?:cơ quan|đơn vị|thường trực|thành viên)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_LEADS_WITH = re.compile(r"(?i)^chủ trì,?\s*phối hợp(?:\s+với)?\s*:?$")
_COORDINATES = re.compile(r"(?i)^(?:chủ động\s+)?phối hợp\b")
# "Phối hợp chặt chẽ với Y …; chủ trì kiểm định …": later in the task its agency leads
_LEADS_LATER = re.compile(r"[;.]\s+chủ trì\b")
_MAX_HEADING_WORDS = 30
# "8.1. Sở Tài chính chủ trì, phối hợp các sở, ngành": a heading that says who leads and who
# partners in every task below it, with no task of its own
# `who` ends on a letter: from every space of a long run the pattern was quadratic (16 s on a
# fuzzed heading)
_LEADS_ALL = re.compile(
    r"(?i)^(?P<who>.*?\S)\s++chủ trì\s*+,?\s*+(?:và\s++)?phối hợp(?:\s++với)?\s++"
    r"(?P<partners>.+)$"
)


# "A, B và C": split where a run of spaces starts (from every space of a long run, quadratic)
_PLACE_LIST = re.compile(r",|(?<!\s)\s+và\s+")


@dataclass(frozen=True)
class Owner:
    """The agency a heading names, and the partners it names for all the tasks below it."""

    name: str
    partners: tuple[str, ...] = ()


def _agency_heading(block: Block) -> Owner | None:
    text = block.text.strip().rstrip(":").strip()
    if block.kind == "table" or not text or len(text.split()) > _MAX_HEADING_WORDS:
        return None
    if block.style not in {"number", "roman", "letter"}:
        return None
    if ":" in text:
        return Owner(text) if _names_its_places(text) else _owner(duties_of(block.text))
    text = _ROLE_SUFFIX.sub("", REQUEST.sub("", text))
    if names_an_agency(text) or _names_agencies(text):
        return Owner(text)
    if (leads := _LEADS_ALL.match(text)) and names_an_agency(leads["who"]):
        partners = leads["partners"].strip(" .,")
        if not FIRST_VERB.search(partners) and starts_like_agency(partners):
            return Owner(leads["who"], (partners,))
    return _owner(duties_of(block.text))


def _names_its_places(text: str) -> bool:
    """ "Ủy ban nhân dân các xã: An Phú, Tân Hòa": the colon lists which places, by name."""
    who, _, names = text.partition(":")
    places = [place.split() for place in _PLACE_LIST.split(names)]
    named = all(
        0 < len(words) <= 4 and all(word[:1].isupper() for word in words) for words in places
    )
    return len(places) >= 2 and named and names_an_agency(who.strip())


def _owner(name: str | None) -> Owner | None:
    return Owner(name) if name else None


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
    owners: dict[int, Owner],
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


def _partner_item(task: RawItem, block: Block, owner: Owner) -> RawItem | None:
    """Under "Chủ trì, phối hợp" each bullet names a partner and what the two do together:
    the owner leads, the bullet's subject coordinates. The bare lead-in is then no task."""
    if not _LEADS_WITH.match(task.content) and task.how != "partnered":
        return None
    roles = read_roles(block.text)
    if not roles.leads or not names_an_agency(roles.leads[0]):
        return None
    item = RawItem(task.seq, block.text, block.line, task.section, how="partnered")
    item.lead, item.coordinating = [owner.name], roles.leads
    item.timeframe, item.timeframe_line = time_phrase(block.text), block.line
    if _LEADS_WITH.match(task.content):
        task.how = "lead-in"  # replaced by its bullets
    return item


def agency_owners(blocks: list[Block]) -> tuple[dict[int, Owner], set[int]]:
    """The agency heading each block sits under ("1.2. Sở Tài chính" over its bullets), by
    block index, and the indexes of those headings; a heading of the same or an outer level
    ends one."""
    owners: dict[int, Owner] = {}
    headings: set[int] = set()
    owner: Owner | None = None
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
    who, task, partners = found
    if _COORDINATES.match(task):
        return None
    item = RawItem(block.marker, task, block.line, section.marker, how="agency label")
    item.lead = [who]
    item.coordinating = list(partners) or read_roles(task).partners
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


def only_coordinates(task: str) -> bool:
    """A task under an agency heading where that agency only partners: "Phối hợp với Sở Y tế
    kiểm tra …" — unless it later leads a part ("…; chủ trì kiểm định …")."""
    return bool(_COORDINATES.match(task)) and not _LEADS_LATER.search(task)


def _owned_item(block: Block, section: Section, owner: Owner | None) -> RawItem | None:
    if owner is None or not (block.style in BULLET_STYLES or block.kind == "paragraph"):
        return None
    if block.text.rstrip().endswith(":") and not block.marker:
        return None  # "Trong đó giao … chỉ đạo thực hiện:" introduces the tasks below it
    if only_coordinates(block.text):
        return None  # "Phối hợp với Sở Y tế …": the heading agency only coordinates
    item = RawItem(block.marker, block.text, block.line, section.marker, how="agency block")
    item.lead = [owner.name]
    # the task's own partners (the first named), else those its heading names for all tasks
    item.coordinating = read_roles(block.text).partners[:1] or list(owner.partners)
    item.timeframe = time_phrase(block.text)
    item.timeframe_line = block.line
    return item
