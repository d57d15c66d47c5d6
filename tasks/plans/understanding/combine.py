"""All the ways a plan states its tasks, read in one pass each and merged in document order.
"Tổ chức thực hiện" and the other context sections state general duties, never tasks: their
agency paragraphs are only counted, to tell an admin what was found in a plan without tasks."""

from __future__ import annotations

from tasks.plans.document import BULLET_STYLES, Block, Document
from tasks.plans.understanding.clauses import time_phrase
from tasks.plans.understanding.from_labels import read_label_items
from tasks.plans.understanding.from_prose import (
    Owner,
    agency_owners,
    only_coordinates,
    read_prose_items,
)
from tasks.plans.understanding.from_tables import read_table_items
from tasks.plans.understanding.raw import RawItem, Reading
from tasks.plans.understanding.sections import sections_of


def understand(document: Document) -> Reading:
    blocks = document.blocks
    sections = sections_of(blocks)
    tables = read_table_items(blocks, sections)
    labels = read_label_items(blocks, sections)
    used = tables.used | labels.used
    owners, headings = agency_owners(blocks)
    prose = read_prose_items(blocks, sections, used, owners, headings, organising=False)
    _give_owners(blocks, labels, owners)
    readings = [tables, labels, prose]
    context = read_prose_items(blocks, sections, used, owners, headings, organising=True)
    merged = Reading(
        tables_seen=tables.tables_seen,
        labels_seen=labels.labels_seen,
        context_items=len(context.items),
    )
    for reading in readings:
        merged.items.extend(reading.items)
        merged.warnings.extend(reading.warnings)
        merged.used |= reading.used
    merged.items.sort(key=lambda item: item.line)
    for item in merged.items:
        # "Nội dung: … (từ ngày 15/11 đến ngày 15/12)": a deadline stated in the task's text
        found = None if item.timeframe else time_phrase(_task_text(item))
        if found:
            item.timeframe, item.timeframe_line = found, item.line
    _share_closing_timeframes(blocks, merged.items)
    return merged


def _share_closing_timeframes(blocks: list[Block], items: list[RawItem]) -> None:
    """ "+ Sở A: …" / "+ Sở B: …" / "Thời gian thực hiện: …": a timeframe label after a run
    of sibling bullets (one after the other, none with a time of its own) closes the run."""
    by_line = {block.line: index for index, block in enumerate(blocks)}
    for at in range(len(items) - 1, 0, -1):
        closing = items[at]
        here = by_line.get(closing.line)
        if not closing.timeframe or closing.timeframe_line <= closing.line or here is None:
            continue
        style = blocks[here].style
        if style not in BULLET_STYLES:
            continue
        for earlier in reversed(items[:at]):
            there = by_line.get(earlier.line)
            if earlier.timeframe or there != here - 1 or blocks[there].style != style:
                break
            earlier.timeframe, earlier.timeframe_line = closing.timeframe, closing.timeframe_line
            here = there


def _give_owners(blocks: list[Block], labels: Reading, owners: dict[int, Owner]) -> None:
    """A labelled task under an agency heading with no lead of its own is that agency's, unless
    the agency only coordinates in it ("- Phối hợp với Sở Y tế …" / "Thời gian: quý IV")."""
    by_line = {block.line: index for index, block in enumerate(blocks)}
    kept: list[RawItem] = []
    for item in labels.items:
        owner = owners.get(by_line.get(item.line, -1))
        if not item.lead and owner:
            if only_coordinates(item.content):
                continue
            item.lead = [owner.name]
            item.how = "labels under an agency heading"
        kept.append(item)
    labels.items = kept


_TASK_TEXT_LIMIT = 2000  # a deadline in a task's text sits near its start; bounded per task


def _task_text(item: RawItem) -> str:
    """The task's content and its first details, enough to find a deadline stated in them."""
    text = item.content
    for detail in item.details:
        if len(text) >= _TASK_TEXT_LIMIT:
            break
        text = f"{text} {detail}"
    return text[:_TASK_TEXT_LIMIT]
