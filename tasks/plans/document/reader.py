"""Plain text (copied from a portal, Word or a PDF) into a Document: lines cleaned, tables
recovered, the rest joined into paragraphs, list items and headings."""

from __future__ import annotations

from tasks.plans.document.clean import CleanLine, clean_lines
from tasks.plans.document.model import Block, Document
from tasks.plans.document.paragraphs import (
    UNWRAPPED_WIDTH,
    chunked,
    paragraph_blocks,
    wrap_width,
)
from tasks.plans.document.tables import read_table


def read_text(text: str, source: str = "") -> Document:
    lines = clean_lines(text)
    width = wrap_width(lines)
    wrapped = width if width <= UNWRAPPED_WIDTH else 0
    by_blank_lines = chunked(lines)
    blocks: list[Block] = []
    run: list[CleanLine] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        table = read_table(lines, index) if line.text else None
        if table is None:
            run.append(line)
            index += 1
            # a cell-line table that fails from a lone "|" fails the same from each lone "|"
            # right after it: trying them all again was quadratic in a run of them
            while line.text == "|" and index < len(lines) and lines[index].text == "|":
                run.append(lines[index])
                index += 1
            continue
        block, after = table
        if not block.rows:
            # a markdown rule ("|---|") with no row around it is page chrome: blank lines
            run.extend(CleanLine(skipped.number, "") for skipped in lines[index:after])
            index = after
            continue
        blocks.extend(paragraph_blocks(run, wrapped=wrapped, by_blank_lines=by_blank_lines))
        run = []
        index = after
        blocks.append(block)
    blocks.extend(paragraph_blocks(run, wrapped=wrapped, by_blank_lines=by_blank_lines))
    return Document(blocks, len(lines), source, [line.text for line in lines])
