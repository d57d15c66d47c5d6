"""Tables on a scanned page, rebuilt from the rulings the page prints: rows between horizontal
rulings, columns between vertical ones, a cell wider than one column where a vertical ruling
stops (a merged header) and a cell taller than one row where a horizontal ruling does (merged
down: its words go to the cell it started in, the rows below get an empty cell, as a copy of
the table would leave them). Words go to the cell their middle falls in; a cell's printed
lines are its paragraphs."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import fmean

from tasks.plans.formats.parts import Table, TableCell
from tasks.plans.formats.scan import Rule
from tasks.plans.formats.tesseract import Word

# rulings within this many pixels (at 300 dpi) are one ruling drawn twice, or a joint
_NEAR = 12


@dataclass
class Grid:
    """One ruled table: its row lines `ys` and column lines `xs` (ascending, outer ones
    included), and the rulings that drew it."""

    xs: list[int]
    ys: list[int]
    across: list[Rule]
    down: list[Rule]
    words: list[Word] = field(default_factory=list)

    @property
    def top(self) -> int:
        return self.ys[0]

    @property
    def bottom(self) -> int:
        return self.ys[-1]

    def holds(self, word: Word) -> bool:
        x, y = word.center
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]


def find_grids(across: Sequence[Rule], down: Sequence[Rule], near: int = _NEAR) -> list[Grid]:
    """The tables the rulings draw: horizontal and vertical rulings that cross are one table;
    a table needs two of each (an underline or a box around one line is not one)."""
    parent = list(range(len(across) + len(down)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, flat in enumerate(across):
        for j, upright in enumerate(down):
            if _cross(flat, upright, near):
                parent[root(i)] = root(len(across) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, flat in enumerate(across):
        groups.setdefault(root(i), ([], []))[0].append(flat)
    for j, upright in enumerate(down):
        groups.setdefault(root(len(across) + j), ([], []))[1].append(upright)
    grids = []
    for flats, uprights in groups.values():
        if len(flats) < 2 or len(uprights) < 2:
            continue
        ys = _lines([rule.at for rule in flats], near)
        xs = _lines([rule.at for rule in uprights], near)
        # a table cut by the page's edge: its verticals run past the last ruling drawn
        top, bottom = min(r.start for r in uprights), max(r.end for r in uprights)
        if top < ys[0] - 3 * near:
            ys.insert(0, top)
        if bottom > ys[-1] + 3 * near:
            ys.append(bottom)
        if len(xs) >= 2 and len(ys) >= 2:
            grids.append(Grid(xs, ys, flats, uprights))
    return sorted(grids, key=lambda grid: grid.top)


def _cross(flat: Rule, upright: Rule, near: int) -> bool:
    return (
        flat.start - near <= upright.at <= flat.end + near
        and upright.start - near <= flat.at <= upright.end + near
    )


def _lines(positions: list[int], near: int) -> list[int]:
    """Positions within `near` of each other merged into one (their mean)."""
    merged: list[list[int]] = []
    for position in sorted(positions):
        if merged and position - merged[-1][-1] <= near:
            merged[-1].append(position)
        else:
            merged.append([position])
    return [round(fmean(group)) for group in merged]


def _drawn(rules: Sequence[Rule], at: int, across: float, near: int) -> bool:
    """Whether a ruling at `at` passes the point `across` along it."""
    return any(
        abs(rule.at - at) <= near and rule.start - near <= across <= rule.end + near
        for rule in rules
    )


def _row_cells(grid: Grid, row: int, near: int) -> list[tuple[int, int]]:
    """Row `row`'s cells as (first column, columns covered): a vertical ruling that does not
    cross the row's middle does not divide it."""
    middle = (grid.ys[row] + grid.ys[row + 1]) / 2
    edges = [0]
    for column in range(1, len(grid.xs) - 1):
        if _drawn(grid.down, grid.xs[column], middle, near):
            edges.append(column)
    edges.append(len(grid.xs) - 1)
    return [(start, end - start) for start, end in pairwise(edges)]


def grid_table(grid: Grid, page: int, near: int = _NEAR) -> Table:
    """The table part: each row's cells with their paragraphs, spans and confidence."""
    layout = [_row_cells(grid, row, near) for row in range(len(grid.ys) - 1)]
    # (row, first column) → the cell whose words it holds: itself, or the cell above it when
    # no ruling divides them
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for row, cells in enumerate(layout):
        for start, span in cells:
            here = (row, start)
            middle = (grid.xs[start] + grid.xs[start + span]) / 2
            above = (row - 1, start)
            joined = (
                row > 0
                and (start, span) in layout[row - 1]
                and not _drawn(grid.across, grid.ys[row], middle, near)
            )
            owner[here] = owner[above] if joined else here
    held: dict[tuple[int, int], list[Word]] = {}
    for word in grid.words:
        x, y = word.center
        row = min(max(bisect_right(grid.ys, y) - 1, 0), len(layout) - 1)
        column = min(max(bisect_right(grid.xs, x) - 1, 0), len(grid.xs) - 2)
        start = next(s for s, span in layout[row] if s <= column < s + span)
        held.setdefault(owner[(row, start)], []).append(word)
    rows = []
    for row, cells in enumerate(layout):
        built = []
        for start, span in cells:
            words = held.get((row, start), []) if owner[(row, start)] == (row, start) else []
            confidence = fmean(word.confidence for word in words) if words else None
            built.append(TableCell(tuple(printed_lines(words)), span, confidence))
        rows.append(tuple(built))
    return Table(tuple(rows), page)


def printed_lines(words: Sequence[Word]) -> list[str]:
    """Words in one cell as its printed lines, top to bottom: a word joins the line its
    middle is level with."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda word: (word.top, word.left)):
        middle = word.center[1]
        for line in lines:
            top = min(w.top for w in line)
            bottom = max(w.bottom for w in line)
            if top <= middle <= bottom:
                line.append(word)
                break
        else:
            lines.append([word])
    lines.sort(key=lambda line: fmean(w.center[1] for w in line))
    return [" ".join(w.text for w in sorted(line, key=lambda w: w.left)) for line in lines]


def blank_cells(
    grid: Grid, words: Sequence[Word], near: int = _NEAR
) -> list[tuple[int, int, int, int]]:
    """The boxes (left, top, right, bottom) of the grid's cells no word fell in: Tesseract's
    page layout passes over a lone short word in a cell (an item's number "8", a year), so
    these are read again on their own (`ocr.py` checks they hold ink first)."""
    taken = {_cell_at(grid, word) for word in words if grid.holds(word)}
    boxes = []
    for row in range(len(grid.ys) - 1):
        for start, span in _row_cells(grid, row, near):
            middle = (grid.xs[start] + grid.xs[start + span]) / 2
            merged = row > 0 and not _drawn(grid.across, grid.ys[row], middle, near)
            if (row, start) not in taken and not merged:
                box = (grid.xs[start], grid.ys[row], grid.xs[start + span], grid.ys[row + 1])
                boxes.append(box)
    return boxes


def _cell_at(grid: Grid, word: Word, near: int = _NEAR) -> tuple[int, int]:
    x, y = word.center
    row = min(max(bisect_right(grid.ys, y) - 1, 0), len(grid.ys) - 2)
    column = min(max(bisect_right(grid.xs, x) - 1, 0), len(grid.xs) - 2)
    start = next(s for s, span in _row_cells(grid, row, near) if s <= column < s + span)
    return row, start
