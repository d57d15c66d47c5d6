"""Workbooks written by hand for benchmarks/big_inputs.py: what no spreadsheet program writes
(a cell at XFD1048576, a zip bomb), as raw parts of a zip."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from hostile_files import HUGE_CELL, MB, PLAN_VALUES, words

# --- workbooks written by hand: what no spreadsheet program would write ------------------------
_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>{sheets}{strings}</Types>'
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_HEAD = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}">'


def inline_row(number: int, cells: list[str]) -> str:
    """A row of inline strings, columns A, B, …"""
    columns = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return (
        f'<row r="{number}">'
        + "".join(
            f'<c r="{columns[i]}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for i, v in enumerate(cells)
        )
        + "</row>"
    )


Member = tuple[str, bytes, int, int]  # name, raw deflate data, crc32, uncompressed size


def _member(name: str, data: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def _bomb(name: str, head: bytes, chunk: bytes, repeats: int, tail: bytes) -> Member:
    """`head`, `chunk` × `repeats`, `tail` deflated without compressing each copy again: after a
    full flush the compressor starts afresh, so every copy deflates to the same bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    size = len(head) + len(chunk) * repeats + len(tail)
    return name, first + again * repeats + last, zlib.crc32(tail, crc), size


def write_zip(path: Path, members: list[Member]) -> None:
    """A zip of deflated members (no zip64: each stays under 4 GiB)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in members:
        offset, raw_name = out.tell(), name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(raw_name), 0)
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields) + raw_name + data)
        central.write(
            struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset)
            + raw_name
        )
    directory = central.getvalue()
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), out.tell(), 0
    )
    path.write_bytes(out.getvalue() + directory + end)


def workbook(path: Path, sheets: dict[str, Member], strings: Member | None = None) -> None:
    """An .xlsx of the given sheet parts (named by title), and a shared strings part."""
    titles = list(sheets)
    book = f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    book += "".join(
        f'<sheet name="{escape(t)}" sheetId="{n}" r:id="rId{n}"/>' for n, t in enumerate(titles, 1)
    )
    book += "</sheets></workbook>"
    rels = f'<?xml version="1.0"?><Relationships xmlns="{_PKG_REL}">' + "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(titles) + 1)
    )
    if strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    rels += "</Relationships>"
    root = f'<?xml version="1.0"?><Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
    root += f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    types = _TYPES.format(
        sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(titles) + 1)),
        strings=_STRINGS_TYPE if strings is not None else "",
    )
    members = [
        _member("[Content_Types].xml", types.encode()),
        _member("_rels/.rels", root.encode()),
        _member("xl/workbook.xml", book.encode()),
        _member("xl/_rels/workbook.xml.rels", rels.encode()),
    ]
    members += [(f"xl/worksheets/sheet{n}.xml", *sheets[t][1:]) for n, t in enumerate(titles, 1)]
    write_zip(path, members + ([strings] if strings is not None else []))


def sheet_part(rows: str, dimension: str = "A1") -> Member:
    xml = f'{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    return _member("sheet", xml.encode("utf-8"))


def empty_rows_bomb(header: list[str], mb: int = 3_900) -> Member:
    """A sheet of `header` then empty rows, expanding to `mb` MB (under zip's 4 GiB)."""
    head = f"{SHEET_HEAD}<sheetData>{inline_row(1, header)}".encode()
    chunk = b"<row/>" * 100_000
    return _bomb("sheet", head, chunk, mb * MB // len(chunk), b"</sheetData></worksheet>")


def huge_string_bomb(mb: int = 3_900) -> Member:
    """A shared strings part whose one string is `mb` MB of one letter."""
    head = f'<?xml version="1.0"?><sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
    chunk = b"a" * 1_000_000
    return _bomb("xl/sharedStrings.xml", head, chunk, mb * MB // len(chunk), b"</t></si></sst>")


def last_cell_sheet(header: list[str]) -> Member:
    """The header, then one cell at XFD1048576, the last of a worksheet."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return sheet_part(inline_row(1, header) + far, "A1:XFD1048576")


def huge_cell_sheet(header: list[str], row: list[str], column: int) -> Member:
    """The header, then `row` whose cell `column` holds 5 MB of words."""
    row = list(row)
    row[column] = words(random.Random(9), HUGE_CELL)
    return sheet_part(inline_row(1, header) + inline_row(2, row))


PLAN_SHEET = sheet_part(
    inline_row(1, ["field", "value"])
    + "".join(inline_row(n, [k, v]) for n, (k, v) in enumerate(PLAN_VALUES.items(), 2))
)
