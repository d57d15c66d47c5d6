"""Record ids as people and files give them: ASCII digits within the database's integer range.

`str.isdigit()` also accepts "²" and "١", `int()` reads 5,000 digits, and a number past the
column's range is an OverflowError on SQLite and a DataError on PostgreSQL, not "no such
record". Every entrance (command arguments, sheets, web forms) reads ids through here."""

from __future__ import annotations

import re

# The narrowest id column: INTEGER on PostgreSQL (SQLite's reaches 2**63 - 1).
MAX_ID = 2**31 - 1
_ASCII_DIGITS = re.compile(r"[0-9]+")
_SHOWN = 24  # characters of a refused value quoted in the message


def is_ascii_number(text: str) -> bool:
    """Written as an id would be (only 0-9), whether or not it is in range."""
    return _ASCII_DIGITS.fullmatch(text) is not None


def parse_id(text: str) -> int:
    """The id `text` names; ValueError with a message quoting (the start of) it otherwise."""
    text = text.strip()
    if is_ascii_number(text) and len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID:
        return int(text)
    shown = repr(text[:_SHOWN]) + (f"… ({len(text)} characters)" if len(text) > _SHOWN else "")
    if is_ascii_number(text):
        raise ValueError(f"{shown} is not an id: ids go up to {MAX_ID}")
    raise ValueError(f"{shown} is not an id: write it in the digits 0-9")
