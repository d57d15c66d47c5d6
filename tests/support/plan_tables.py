"""A table of a plan's text as the table it was before it became text, for the fixture
makers (Word, HTML): rows of cells, each cell its lines. A table that PDF extraction left
"loose" (one cell line per text line) is split into its columns the way understanding splits
it, so the document made from it has the real table the PDF had."""

from __future__ import annotations

from tasks.plans.document import Block
from tasks.plans.understanding.from_tables import header_of
from tasks.plans.understanding.loose_rows import loose_heading_row, split_row

Grid = list[list[tuple[str, ...]]]


def table_grid(block: Block) -> Grid:
    if not block.loose:
        return [[cell.parts or (cell.text,) for cell in row.cells] for row in block.rows]
    rows = list(block.rows)
    if not rows:
        return []
    rows[0] = loose_heading_row(rows[0])
    grid: Grid = []
    roles = None
    for row in rows:
        header = header_of(row)
        if header is not None:
            roles = header.roles
            grid.append([(text,) for text in row.texts()])
        elif roles is not None:
            grid.append([tuple(text.split("\n")) for text in split_row(row, roles)])
        else:
            grid.append([(" ".join(row.texts()),)])
    return grid
