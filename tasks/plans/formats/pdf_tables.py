"""Tables of a PDF page rebuilt from its ruling lines: the rulings that touch one another form
a table, their positions its grid, and a missing stretch of border between two grid cells
merges them (a heading cell across two columns, a number down two rows). Words are put in the
cell their middle falls in. A table cut by a page break is joined again in `join_tables`."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from tasks.plans.formats.pdf_lines import cell_paragraphs
from tasks.plans.formats.pdf_page import Ruling, Word

SNAP = 2.0  # points: rulings this close are one border
# A page with more rulings than this is a drawing, not a table: its text is read as lines.
MAX_RULINGS = 5_000
PADDING = 5.4  # Word's and LibreOffice's default cell margin (0.19 cm), when not measurable


@dataclass(frozen=True)
class PageCell:
    """A cell's left and right borders and its paragraphs; `merged` for a cell merged down
    from the row above (no border between them: its text is the above's, and the row shares
    it, as a Word vMerge); spans are counted once a table cut by page breaks is whole again."""

    x0: float
    x1: float
    paragraphs: tuple[str, ...] = ()
    merged: bool = False


@dataclass
class PageTable:
    x0: float
    top: float
    x1: float
    bottom: float
    columns: list[float]  # the x of each vertical border, left to right
    rows: list[list[PageCell]] = field(default_factory=list)
    page: int = 0

    def contains(self, word: Word) -> bool:
        return self.x0 <= word.center <= self.x1 and self.top <= word.middle <= self.bottom


def find_tables(rulings: list[Ruling], words: list[Word], page: int) -> list[PageTable]:
    """The page's ruled tables, top to bottom, their words taken out of `words`."""
    if len(rulings) > MAX_RULINGS:
        return []
    tables = []
    for group in _connected(rulings):
        table = _grid_table(group, words, page)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda table: table.top)
    return tables


def _connected(rulings: list[Ruling]) -> list[list[Ruling]]:
    """Rulings grouped by touching: a horizontal and a vertical one that cross or meet."""
    parent = list(range(len(rulings)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    across = [index for index, ruling in enumerate(rulings) if ruling.horizontal]
    down = [index for index, ruling in enumerate(rulings) if not ruling.horizontal]
    for h in across:
        line = rulings[h]
        for v in down:
            post = rulings[v]
            if (
                line.start - SNAP <= post.at <= line.end + SNAP
                and post.start - SNAP <= line.at <= post.end + SNAP
            ):
                parent[find(h)] = find(v)
    groups: dict[int, list[Ruling]] = {}
    for index, ruling in enumerate(rulings):
        groups.setdefault(find(index), []).append(ruling)
    return list(groups.values())


def _positions(values: Sequence[float]) -> list[float]:
    snapped: list[float] = []
    for value in sorted(values):
        if snapped and value - snapped[-1] <= SNAP:
            continue
        snapped.append(value)
    return snapped


def _spans(rulings: list[Ruling], positions: list[float]) -> list[list[tuple[float, float]]]:
    """Each grid position's stretches of drawn border."""
    spans: list[list[tuple[float, float]]] = [[] for _ in positions]
    for ruling in rulings:
        index = min(bisect.bisect(positions, ruling.at + SNAP) - 1, len(positions) - 1)
        spans[max(index, 0)].append((ruling.start - SNAP, ruling.end + SNAP))
    return spans


def _covers(spans: list[tuple[float, float]], point: float) -> bool:
    return any(start <= point <= end for start, end in spans)


def _grid_table(group: list[Ruling], words: list[Word], page: int) -> PageTable | None:
    across = [ruling for ruling in group if ruling.horizontal]
    down = [ruling for ruling in group if not ruling.horizontal]
    ys = _positions([ruling.at for ruling in across])
    xs = _positions([ruling.at for ruling in down])
    if len(ys) < 2 or len(xs) < 2:
        return None  # a lone line (a rule under the title), not a table
    rows, columns = len(ys) - 1, len(xs) - 1
    posts, lines = _spans(down, xs), _spans(across, ys)
    # region[r][c]: the top-left grid cell of the merged cell (r, c) belongs to
    region = [[(r, c) for c in range(columns)] for r in range(rows)]
    for r in range(rows):
        middle = (ys[r] + ys[r + 1]) / 2
        for c in range(1, columns):
            if not _covers(posts[c], middle):
                region[r][c] = region[r][c - 1]
    for r in range(1, rows):
        for c in range(columns):
            middle = (xs[c] + xs[c + 1]) / 2
            if not _covers(lines[r], middle):
                above = region[r - 1][c]
                old = region[r][c]
                for cc in range(columns):  # the whole merged cell joins the one above
                    if region[r][cc] == old:
                        region[r][cc] = above
    table = PageTable(xs[0], ys[0], xs[-1], ys[-1], xs, page=page)
    found: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        if not table.contains(word):
            continue
        r = min(max(bisect.bisect(ys, word.middle) - 1, 0), rows - 1)
        c = min(max(bisect.bisect(xs, word.center) - 1, 0), columns - 1)
        found.setdefault(region[r][c], []).append(word)
    words[:] = [word for word in words if not table.contains(word)]
    extent: dict[tuple[int, int], list[int]] = {}  # root → [last row, first col, last col]
    for r in range(rows):
        for c in range(columns):
            root = region[r][c]
            if root not in extent:
                extent[root] = [r, c, c]
            else:
                extent[root][0] = max(extent[root][0], r)
                extent[root][1] = min(extent[root][1], c)
                extent[root][2] = max(extent[root][2], c)
    for r in range(rows):
        cells = []
        for c in range(columns):
            root = region[r][c]
            _, first, last = extent[root]
            if c != first:
                continue  # covered by a cell spanning from the left
            if root[0] != r:
                cells.append(PageCell(xs[first], xs[last + 1], merged=True))
                continue
            inside = found.get(root, [])
            right = xs[last + 1] - _padding(inside, xs[first])
            cells.append(PageCell(xs[first], xs[last + 1], cell_paragraphs(inside, right)))
        table.rows.append(cells)
    return table


def _padding(words: list[Word], left: float) -> float:
    """The cell's margin, as far as its text shows it (left-aligned text starts there)."""
    if not words:
        return PADDING
    measured = min(word.x0 for word in words) - left
    return measured if 1.0 <= measured <= 12.0 else PADDING
