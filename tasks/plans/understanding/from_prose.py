"""Items stated in sentences and under agency headings: "Sở X chủ trì, phối hợp với Sở Y …;
thời gian: quý III/2020", "(Giao Công an tỉnh chủ trì …)", and a heading that names an agency
("1. Công an tỉnh") followed by the bullets it owes."""

from __future__ import annotations

import re

from tasks.plans.agency_names import starts_like_agency
from tasks.plans.document import Block
from tasks.plans.understanding.agencies import names_an_agency
from tasks.plans.understanding.clauses import FIRST_VERB, read_roles, time_phrase
from tasks.plans.understanding.raw import RawItem, Reading
from tasks.plans.understanding.sections import Section

# The spaces before the subject are taken whole (possessive): handing them back one by one to
# the subject, which may hold spaces too, was catastrophic on a long run (4,000 took 40 s).
_ASSIGNED = re.compile(
    r"(?:^|[(;:.]\s*+|\b[Gg]iao\s++)(?P<who>[^;:().]{3,160}?)\s+(?:là cơ quan\s+)?chủ trì\b"
    r"|\b[Gg]iao\s++(?P<given>[^;:().]{3,120}?)\s+(?:tham mưu|thực hiện|triển khai)\b"
)
_BULLETS = {"dash", "plus", "bullet", "letter"}
_MAX_HEADING_WORDS = 14


def _agency_heading(block: Block) -> str | None:
    text = block.text.strip().rstrip(":").strip()
    if block.kind == "table" or not text or len(text.split()) > _MAX_HEADING_WORDS:
        return None
    if block.style not in {"number", "roman", "letter"} or ":" in text:
        return None
    return text if names_an_agency(text) else None


def read_prose_items(
    blocks: list[Block], sections: list[Section], used: set[int], *, organising: bool
) -> Reading:
    """Sentence and agency-heading items in blocks not used yet, inside or outside the
    "Tổ chức thực hiện" section as `organising` says."""
    reading = Reading()
    owner: str | None = None
    owner_style = ""
    for index, block in enumerate(blocks):
        section = sections[index]
        if block.kind == "table" or section.organising != organising:
            owner = None
            continue
        if block.kind == "heading" or (owner and block.style == owner_style and block.style):
            owner = None
        if heading := _agency_heading(block):
            owner, owner_style = heading, block.style
            reading.used.add(index)
            continue
        if index in used:
            continue
        item = _sentence_item(block, section) or _owned_item(block, section, owner)
        if item is not None:
            reading.items.append(item)
            reading.used.add(index)
    return reading


def _sentence_item(block: Block, section: Section) -> RawItem | None:
    found = _ASSIGNED.search(block.text)
    if not found:
        return None
    who = (found["who"] or found["given"] or "").strip(" ,")
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
    item = RawItem(block.marker, block.text, block.line, section.marker, how="agency block")
    item.lead = [owner]
    item.coordinating = read_roles(block.text).partners
    item.timeframe = time_phrase(block.text)
    item.timeframe_line = block.line
    return item
