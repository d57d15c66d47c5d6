"""Byte-level damage for fuzzing the file readers: a text saved in another encoding, with or
without a byte-order mark, bytes flipped, NULs, a cut; and workbooks whose cells, rows and
shape are mutated before they are written (byte damage alone only tests the zip checksum)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from random import Random
from typing import Any

from openpyxl import Workbook, load_workbook

Sheets = dict[str, list[list[Any]]]
_ENCODINGS = (
    ("utf-8", 70),
    ("utf-8-sig", 8),
    ("utf-16", 6),
    ("utf-16-le", 2),
    ("utf-32", 3),
    ("cp1258", 5),
    ("latin-1", 3),
    ("ascii", 3),
)
_ODD_VALUES: tuple[Any, ...] = (
    None,
    0,
    -1,
    2**63,
    1e308,
    float("nan"),
    True,
    datetime(1900, 1, 1),
    datetime(9999, 12, 31, 23, 59),
    "",
    " ",
    "=1+1",
    '=HYPERLINK("http://x.example/","y")',
    "@SUM(A1)",
    "2025-13-45",
    "31/02/2025",
    "²",
    "\u00a0",
    "x" * 40_000,
)


def encode_text(rng: Random, text: str) -> tuple[bytes, tuple[str, ...]]:
    """`text` saved as a random encoding (most often UTF-8), unencodable characters replaced."""
    names = [name for name, _ in _ENCODINGS]
    name = rng.choices(names, [weight for _, weight in _ENCODINGS])[0]
    return text.encode(name, "replace"), (f"encode:{name}",)


def damage_bytes(rng: Random, raw: bytes, steps: tuple[str, ...]) -> tuple[bytes, tuple[str, ...]]:
    """Half the time nothing more; else flipped bytes, NULs, a stray byte-order mark or a cut."""
    if rng.random() < 0.5:
        return raw, steps
    data = bytearray(raw)
    kind = rng.choice(("flip", "nul", "bom", "cut", "invalid"))
    if kind == "flip" and data:
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == "nul":
        for _ in range(rng.randint(1, 5)):
            data.insert(rng.randrange(len(data) + 1), 0)
    elif kind == "bom":
        bom = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"))
        data[0:0] = bom
    elif kind == "cut":
        del data[rng.randrange(len(data) + 1) :]
    else:
        data.insert(rng.randrange(len(data) + 1), rng.choice((0xFF, 0xC3, 0xE1, 0x80)))
    return bytes(data), (*steps, f"bytes:{kind}")


def workbook_rows(raw: bytes) -> Sheets:
    """Every sheet of a workbook as rows of values (a seed to mutate)."""
    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        return {
            sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book
        }
    finally:
        book.close()


def workbook_bytes(
    rng: Random, sheets: Sheets, mutate_cell: Callable[[str], tuple[str, tuple[str, ...]]]
) -> tuple[bytes, tuple[str, ...]]:
    """`sheets` with some cells mutated (texts by `mutate_cell`, others replaced by odd
    values), rows deleted, repeated or lengthened, a far cell now and then; written as XLSX."""
    steps: list[str] = []
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        rows = [list(row) for row in rows]
        for _ in range(rng.randint(1, 6)):
            if not rows:
                break
            kind = rng.choice(("cell", "cell", "odd", "delete", "repeat", "widen"))
            at = rng.randrange(len(rows))
            row = rows[at]
            if kind in {"cell", "odd"} and row:
                column = rng.randrange(len(row))
                if kind == "cell":
                    row[column], more = mutate_cell(str(row[column] or ""))
                    kind += "(" + "+".join(more) + ")"
                else:
                    row[column] = rng.choice(_ODD_VALUES)
            elif kind == "delete":
                del rows[at]
            elif kind == "repeat":
                rows[at:at] = [list(row)] * rng.randint(1, 50)
            else:
                row.extend(rng.choice(_ODD_VALUES) for _ in range(rng.randint(1, 70)))
            steps.append(kind)
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([_writable(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    raw = out.getvalue()
    if rng.random() < 0.03:  # a damaged file now and then: the reader must say so
        raw, more = damage_bytes(rng, raw, ())
        steps.extend(more)
    return raw, tuple(steps)


def _writable(value: Any) -> Any:
    """openpyxl refuses control characters in strings; a clerk's file cannot hold them either."""
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r")[:32_767]
    return value
