"""Reading an agency directory written as a CSV table (tasks.directory.entries holds the
entries and the checks both formats share).

Offices keep their lists in spreadsheets, so a CSV export must import as its YAML twin does:
one agency a row, aliases and group names inside one cell, every problem at file and line.
"""

from __future__ import annotations

from typing import Any

from dondoc.core.text import CsvRowError, normalize_name, numbered_csv_rows
from tasks.directory.entries import AgencyEntry, Directory, DirectoryError, GroupEntry, clean_scope

__all__ = ["load_csv"]

# One agency a row, lists inside one cell.
CSV_COLUMNS = ("name", "aliases", "kind", "email", "head_email", "monitoring", "parent", "note")
READ_ONLY_COLUMNS = ("groups", "scope")  # not agency fields: they describe the directory
LIST_SEPARATOR = "|"  # inside one CSV cell: "Phòng NV|Phòng Nội vụ huyện"


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def load_csv(source: str, text: str) -> Directory:
    """One agency a row; the `groups` column makes the groups, in order of first mention;
    the `scope` column, if present, holds the directory's scope on every row."""
    header_line = text.lstrip("\n").split("\n", 1)[0]
    try:
        rows = numbered_csv_rows(text, delimiter=max(",;\t", key=header_line.count))
    except CsvRowError as exc:
        raise exc.in_file(source, DirectoryError) from exc
    directory = Directory(source)
    header: list[str] | None = None
    groups: dict[str, tuple[str, int, list[str]]] = {}
    scopes: list[tuple[int, str]] = []  # (line, cell) of the `scope` column
    for start, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            if "name" not in header:
                message = "the header has no 'name' column"
                raise DirectoryError.one(source, message, line=start, field="name")
            for column in header:
                if column not in (*CSV_COLUMNS, *READ_ONLY_COLUMNS):
                    directory.warnings.append(f"{source}:{start}: column {column!r} is not read")
            continue
        if len(row) > len(header):
            message = f"the row has {len(row)} cells, the header {len(header)}"
            directory.problem(start, None, message)
            continue
        cells = dict(zip(header, row, strict=False))
        if "scope" in cells:
            scopes.append((start, cells["scope"]))
        raw: dict[str, Any] = {c: cells[c] for c in CSV_COLUMNS if c in cells}
        raw["aliases"] = _split(cells.get("aliases", ""))
        entry = directory.add(AgencyEntry, raw, {c: start for c in header}, start)
        if entry is None:
            continue
        for group_name in _split(cells.get("groups", "")):
            _, _, members = groups.setdefault(normalize_name(group_name), (group_name, start, []))
            members.append(entry.name)
    for name, line, members in groups.values():
        lines = {"name": line, "members": line}
        directory.add(GroupEntry, {"name": name, "members": members}, lines, line)
    if header is None:
        raise DirectoryError.one(source, "the file has no header row", line=1)
    _csv_scope(directory, scopes)
    return directory.finish()


def _csv_scope(directory: Directory, cells: list[tuple[int, str]]) -> None:
    """A directory serves one scope: the first row's, which every other row must repeat."""
    for line, cell in cells:
        try:
            scope = clean_scope(cell)
        except ValueError as exc:
            directory.problem(line, "scope", str(exc))
            continue
        if line == cells[0][0]:
            directory.scope = scope
        elif normalize_name(scope or "") != directory.scope_key:
            theirs, first = (repr(v) if v else "a blank cell" for v in (scope, directory.scope))
            message = f"{theirs} differs from {first} on line {cells[0][0]}:"
            directory.problem(line, "scope", message + " one file, one scope")
