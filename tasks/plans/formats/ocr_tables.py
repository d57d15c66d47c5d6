"""Tables on a scanned page, rebuilt from the rulings the page prints: rows between horizontal
rulings, columns between vertical ones, a cell wider than one column where a vertical ruling
stops (a merged header) and a cell taller than one row where a horizontal ruling does (merged
down: its words go to the cell it started in, the rows below get an empty cell, as a copy of
the table would leave them). Each cell is read on its own (`ocr_page`), so no text line runs
across a ruling; a cell's printed lines are its paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import fmean

import numpy as np

from tasks.plans.formats.parts import Table, TableCell
from tasks.plans.formats.scan import Rule
from tasks.plans.formats.tesseract import Word

# rulings within this many pixels (at 300 dpi) are one ruling drawn twice, or a joint
_NEAR = 12
# a row's column line: dark (grey below _DARK) down this share of the row, top to bottom
_DARK, _DOWN_THE_ROW = 140, 0.9
# a one-row table (`one_row_grids`) is no taller than a few lines of text (pixels at 300 dpi)
_ROW_TALLEST = 400


@dataclass
class Grid:
    """One ruled table: its row lines `ys` and column lines `xs` (ascending, outer ones
    included), and the rulings that drew it."""

    xs: list[int]
    ys: list[int]
    across: list[Rule]
    down: list[Rule]

    @property
    def top(self) -> int:
        return self.ys[0]

    @property
    def bottom(self) -> int:
        return self.ys[-1]

    def holds(self, word: Word) -> bool:
        x, y = word.center
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


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
        if len(xs) >= 2 and len(ys) >= 2 and len(xs) + len(ys) >= 5:  # a framed box is no table
            grids.append(Grid(xs, ys, flats, uprights))
    return sorted(grids, key=lambda grid: grid.top)


def with_row_uprights(grid: Grid, pixels: np.ndarray, near: int = _NEAR) -> Grid:
    """The grid with the column lines only one row tall: a one-line heading row whose
    columns do not line up with the body's has rulings too short to be found on the page,
    and read as text they turn into "|" and leave the heading one cell. A letter never
    runs from a row's top ruling to its bottom one; such a line does."""
    found: list[Rule] = []
    left, right = grid.xs[0] + near, grid.xs[-1] - near
    for top, bottom in pairwise(grid.ys):
        band = pixels[top + near // 2 : bottom - near // 2, left:right] < _DARK
        if band.shape[0] < near or band.shape[1] < near:
            continue
        full = np.flatnonzero(band.mean(axis=0) >= _DOWN_THE_ROW)
        for run in np.split(full, np.flatnonzero(np.diff(full) > 1) + 1):
            at = left + round(float(run.mean())) if 0 < run.size <= near else None
            if at is not None and not _drawn(grid.down, at, (top + bottom) / 2, near):
                found.append(Rule(at, top, bottom))
    if not found:
        return grid
    xs = _lines([*grid.xs, *(rule.at for rule in found)], near)
    return Grid(xs, grid.ys, grid.across, [*grid.down, *found])


def one_row_grids(
    across: Sequence[Rule], grids: Sequence[Grid], pixels: np.ndarray, near: int = _NEAR
) -> list[Grid]:
    """Tables one row tall, which `find_grids` cannot see: two rulings of one length, one
    above the other, and column lines between them a row tall (the first line of a heading
    row a page break cut off, "TT | Tên nhiệm vụ | Sở, | Đơn vị phối"). A framed line of text
    has no column line inside its frame and is no table."""
    in_grids = {id(rule) for grid in grids for rule in grid.across}
    loose = sorted((rule for rule in across if id(rule) not in in_grids), key=lambda r: r.at)
    found: list[Grid] = []
    for upper, lower in pairwise(loose):
        level = abs(upper.start - lower.start) <= near and abs(upper.end - lower.end) <= near
        if not level or lower.at - upper.at > _ROW_TALLEST or lower.at - upper.at < 2 * near:
            continue
        left, right = min(upper.start, lower.start), max(upper.end, lower.end)
        ys = [upper.at, lower.at]
        lines = with_row_uprights(Grid([left, right], ys, [upper, lower], []), pixels, near).down
        # the frame's own sides (the rulings may run a little past them) are its ends
        ats = sorted(rule.at for rule in lines)
        inner = [at for at in ats if at - left > 3 * near and right - at > 3 * near]
        if inner:
            first = min((at for at in ats if at < inner[0]), default=left)
            last = max((at for at in ats if at > inner[-1]), default=right)
            found.append(Grid([first, *inner, last], ys, [upper, lower], lines))
    return found


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


Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class CellPlace:
    """Where a cell is: its row, first grid column and span, and its box on the page (rows
    merged down into it included)."""

    row: int
    start: int
    span: int
    box: Box


def grid_cells(grid: Grid, near: int = _NEAR) -> list[list[CellPlace | None]]:
    """Each row's cells; None for a cell merged down from the row above (no ruling divides
    them), whose box the cell above grows into."""
    layout = [_row_cells(grid, row, near) for row in range(len(grid.ys) - 1)]
    rows: list[list[CellPlace | None]] = []
    owners: dict[tuple[int, int], CellPlace] = {}
    for row, cells in enumerate(layout):
        built: list[CellPlace | None] = []
        for start, span in cells:
            middle = (grid.xs[start] + grid.xs[start + span]) / 2
            joined = (
                row > 0
                and (start, span) in layout[row - 1]
                and not _drawn(grid.across, grid.ys[row], middle, near)
            )
            if joined:
                above = owners[(row - 1, start)]
                left, top, right, _ = above.box
                owner = CellPlace(above.row, start, span, (left, top, right, grid.ys[row + 1]))
                owners[(row, start)] = owners[(above.row, start)] = owner
                built.append(None)
            else:
                box = (grid.xs[start], grid.ys[row], grid.xs[start + span], grid.ys[row + 1])
                owners[(row, start)] = CellPlace(row, start, span, box)
                built.append(owners[(row, start)])
        rows.append(built)
    # the boxes grown by merging are the owners' final ones
    return [
        [owners[(place.row, place.start)] if place else None for place in built] for built in rows
    ]


def grid_table(
    rows: list[list[CellPlace | None]], words: dict[Box, list[Word]], page: int
) -> Table:
    """The table part from the cells and the words read in each cell's box."""
    built_rows = []
    for cells in rows:
        built = []
        for place in cells:
            if place is None:
                built.append(TableCell((), 1))
                continue
            found = words.get(place.box, [])
            confidence = fmean(word.confidence for word in found) if found else None
            built.append(TableCell(tuple(rejoined(printed_lines(found))), place.span, confidence))
        built_rows.append(tuple(built))
    return Table(tuple(built_rows), page)


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
    return [tidy(" ".join(w.text for w in sorted(line, key=lambda w: w.left))) for line in lines]


# a word a narrow column broke over two lines: a syllable's last letter ("Thườn" / "g
# xuyên") or a year's last digits ("Quý I/202" / "6")
_BROKEN_AT_LINE_END = re.compile(
    r"(?<=[^\W\d_]n)\n(?=[gh](?![^\W\d_]))"
    r"|(?<=/20\d)\n(?=\d(?!\d))|(?<=/20)\n(?=\d\d(?!\d))|(?<=/2)\n(?=0\d\d(?!\d))"
)


def rejoined(lines: list[str]) -> list[str]:
    """A cell's printed lines with a word its column's width broke over two put together."""
    joined = "\n".join(lines)
    return _BROKEN_AT_LINE_END.sub("", joined).split("\n") if len(lines) > 1 else lines


_NO_SPACE_AFTER = re.compile(r"(?<=[^\W\d_][,;])(?=[^\W\d_])")
_GLUED_MARKER = re.compile(r"^([IVX]{1,5}\.)(?=[^\W\d_])")
_SPLIT_YEAR = re.compile(r"(?<=[/.-])(\d{1,3}) (\d{1,3})\b")
# a speck read as a word of its own: low quotes and accents alone, which Vietnamese text never
# writes between words ("Các Bộ, „ ngành")
# a syllable's last letter read as a word of its own ("Thườn g xuyên"): a lone "g" or "h" is
# no Vietnamese word, and after an "n" it ends the syllable ("ng", "nh")
_BROKEN_FINAL = re.compile(r"(?<=[^\W\d_]n) (?=[gh](?![^\W\d_]))")
_SPECK_WORD = re.compile(r"(?<!\S)[„‚`´¨ˆ˜]+(?:\s+|$)")


def tidy(text: str) -> str:
    """What OCR gets wrong in the spacing of a line: the space after a comma lost ("Sở,ban,
    ngành") or after a section's number ("III.TỔ CHỨC"), a year split by one ("01/01/203 0",
    "Quý I/202 6"), a speck read as a word ("Trung „ ương") and a syllable's last letter cut
    off ("Thườn g xuyên")."""
    text = _BROKEN_FINAL.sub("", _SPECK_WORD.sub("", text).rstrip())
    text = _NO_SPACE_AFTER.sub(" ", text)
    text = _GLUED_MARKER.sub(r"\1 ", text)
    return _SPLIT_YEAR.sub(_join_year, text)


def _join_year(match: re.Match[str]) -> str:
    left, right = match.groups()
    if len(left) + len(right) == 4 and left.startswith(("19", "20")):
        return f"{left}{right}"
    return match.group(0)
