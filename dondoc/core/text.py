"""Text as it arrives from Word copies and web pages, made uniform before anything reads it:
bytes decoded, NFC, non-breaking spaces, dash variants and CRLF folded."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dondoc.core.problems import InputFileError, read_input
from dondoc.core.sheets import MAX_COLUMNS, MAX_ROWS

_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2000-\u200a\u3000\t]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_WS = re.compile(r"\s+")
# Anything normalize_text would change in NFC text (white space ending a line included).
_TO_NORMALIZE = re.compile(
    r"[\r\t\u00a0\u2007\u202f\u2000-\u200a\u3000\u200b\u200c\u200d\u2060\ufeff"
    r"\u2010-\u2015\u2212]|[^\S\n](?=\n|\Z)"
)
_CELL_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2000-\u200a\u3000]+")
# The white space ending a cell (before a tab, a line break or the end), matched from a run's
# first character only: tried from every character of a long run it would be quadratic.
_CELL_END = re.compile(r"(?<![^\S\t\n])[^\S\t\n]++(?=[\t\n]|\Z)")
# Old ("hoá", "uỷ") and new ("hóa", "ủy") tone placement both appear in real documents.
_TONE_PLACEMENT = {
    "oá": "óa",
    "oà": "òa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oé": "óe",
    "oè": "òe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uý": "úy",
    "uỳ": "ùy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_TONE_RE = re.compile("|".join(_TONE_PLACEMENT))
_TRAILING = " .;,:-–"


class InputEncodingError(InputFileError):
    """The bytes are not text we can read (binary, or an encoding we cannot detect)."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    notice: str | None = None


def decode_bytes(raw: bytes) -> DecodedText:
    """UTF-8 (with or without BOM), and UTF-16 or UTF-32 with a BOM, are read; anything else is
    refused with a message, because guessing Windows-1258 or TCVN3 silently corrupts names."""
    if not raw.strip():
        raise InputEncodingError.one("", "the file is empty")
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            return _decoded(raw, codec, name)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return _decoded(raw, "utf-8", "UTF-8")


# UTF-32's BOM starts with UTF-16's: it is looked for first
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def _decoded(raw: bytes, codec: str, name: str) -> DecodedText:
    """`raw` decoded, or an error naming the line: bytes that are not `name`, or a NUL (a
    binary file, or one whose text the database would refuse) anywhere in it."""
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        message = f"not {name} text (byte 0x{raw[exc.start]:02x}); save the document as UTF-8"
        if codec == "utf-8":
            message += " (Windows-1258 and TCVN3 are not read)"
        line = raw[: exc.start].decode(codec, "replace").count("\n") + 1
        raise InputEncodingError.one("", message, line=line) from exc
    if (nul := text.find("\x00")) >= 0:
        message = "the file looks binary (it contains NUL bytes), not plan text"
        raise InputEncodingError.one("", message, line=text.count("\n", 0, nul) + 1)
    notice = None if codec == "utf-8" else f"decoded from {name}"
    return DecodedText(text, codec, notice)


def read_text_input(path: Path, kind: type[InputFileError] = InputFileError) -> DecodedText:
    """A user file's text (see decode_bytes), or a `kind` error naming the file."""
    raw = read_input(path, kind)
    try:
        return decode_bytes(raw)
    except InputEncodingError as exc:
        raise exc.in_file(str(path), kind) from exc


def normalize_text(text: str) -> str:
    """NFC, LF line ends, plain spaces and one dash, with line structure kept."""
    if unicodedata.is_normalized("NFC", text) and not _TO_NORMALIZE.search(text):
        return text  # what most lines already are: the readers call this line by line
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _DASHES.sub("–", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def normalize_cells(text: str) -> str:
    """normalize_text of every tab-separated cell of every line, the tabs kept, in one pass
    over the whole text: a call per cell cost a plan of short lines several µs a line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFC leaves tabs and line breaks alone and never composes across them
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _CELL_SPACES.sub(" ", text)
    text = _DASHES.sub("–", text)
    return _CELL_END.sub("", text)


def clean_name(name: str) -> str:
    """An agency name as written, tidied: NFC, single spaces, no trailing punctuation."""
    name = _WS.sub(" ", normalize_text(name)).strip()
    return name.strip(_TRAILING).strip()


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The comparison key of a name: case, spacing, dashes, tone placement and
    "Ủy ban nhân dân" versus "UBND" do not matter."""
    key = clean_name(name).casefold()
    key = _TONE_RE.sub(lambda m: _TONE_PLACEMENT[m.group(0)], key)
    key = key.replace("ủy ban nhân dân", "ubnd")
    key = re.sub(r"\s*[–-]\s*", " – ", key)
    key = re.sub(r"\s*&\s*", " và ", key)
    return _WS.sub(" ", key).strip()


def item_keys(contents: list[str]) -> list[str]:
    """Stable keys for a plan's items: a hash of the normalised content, so an amended text
    that keeps an item keeps its key whatever its number or position; a repeated content gets
    "-2", "-3" in order."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for content in contents:
        words = re.sub(r"[^\w]+", " ", normalize_name(content)).strip()
        digest = hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(digest if seen[digest] == 1 else f"{digest}-{seen[digest]}")
    return keys


class CsvRowError(InputFileError):
    """A CSV the csv module cannot read (a quote left open, a stray quote inside a cell):
    `line` is where the row began."""


def numbered_csv_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every row with the line it starts on (a quoted cell may span lines), so errors can
    name the line a spreadsheet user sees. Bounded as workbooks are (dondoc.core.sheets): a
    row with a value past column MAX_COLUMNS refuses the file, as one past row MAX_ROWS does,
    so no reader builds a table (or a warning per column) of a million columns."""
    # strict: a quote left open is an error at the row it opens, not every later row
    # swallowed into one cell
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            rows.append((start, next(reader)))
        except StopIteration:
            return rows
        except csv.Error as exc:
            message = f"unreadable row ({exc}): a quote left open, or a quote inside a cell "
            message += "that is not doubled"
            if "field larger than field limit" in str(exc):  # the csv module's own bound
                limit = csv.field_size_limit()
                message = f"a cell longer than {limit:,} characters, or a quote left open"
            raise CsvRowError.one("", message, line=start) from exc
        if len(rows) > MAX_ROWS:
            message = f"more than {MAX_ROWS:,} rows; split the file, or it is not a plan"
            raise CsvRowError.one("", message, line=start)
        if len(rows[-1][1]) > MAX_COLUMNS and any(map(str.strip, rows[-1][1][MAX_COLUMNS:])):
            raise CsvRowError.one("", f"data past column {MAX_COLUMNS}", line=start)


def without_marks(text: str) -> str:
    """`text` casefolded with its Vietnamese tone and vowel marks dropped and đ as d: what a
    word keeps when a scan reads one of its marks wrong ("TỔ CHÚC" for "TỔ CHỨC")."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
