"""Console output shared by the CLI commands: machine-readable JSON on stdout, people's
tables through Rich, errors and warnings on stderr.

Both consoles read no markup: what they print is data (item texts, agency names, file
paths), and a "[/bold]" in a plan must print as written, not crash Rich. Styles are given
as `Text` objects (`styled`), never as markup in a string."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

# The --json flag every listing command takes.
JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]

# A table cell: data as a plain string (None shows as a dash), or a styled Text.
Cell = str | Text | None
# A listing's column: the key of a JSON row to show as text, or how to show the row.
Shown = str | Callable[[Mapping[str, Any]], Cell]

# The most rows a table shows people (see new_table).
SHOWN_ROWS = 200

console = Console(markup=False)
err_console = Console(stderr=True, markup=False)


def styled(text: str, style: str) -> Text:
    return Text(text, style=style)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def new_table(
    title: str,
    columns: Iterable[str | Column],
    rows: Iterable[Sequence[Cell]],
    **options: Any,
) -> Table:
    """A table for people: a column named by a string folds long text instead of cutting
    it (give a `Column` for anything else), and an empty cell shows a dash. It stops at
    SHOWN_ROWS rows and says how many more there are: nobody reads 20,000 rows on a terminal,
    and Rich takes a minute to lay them out (every command's --json has them all)."""
    headers = [c.copy() if isinstance(c, Column) else Column(c, overflow="fold") for c in columns]
    table = Table(*headers, title=title, **options)
    more = 0
    for row in rows:
        if len(table.rows) == SHOWN_ROWS:
            more += 1
            continue
        table.add_row(*(styled("—", "dim") if cell is None else cell for cell in row))
    if more:
        table.caption = f"… and {more:,} more rows not shown (--json lists every row)"
    return table


def print_table(
    title: str,
    columns: Iterable[str | Column],
    rows: Iterable[Sequence[Cell]],
    **options: Any,
) -> None:
    console.print(new_table(title, columns, rows, **options))


def print_rows(
    rows: Sequence[Mapping[str, Any]], as_json: bool, title: str, columns: Mapping[str, Shown]
) -> None:
    """A listing: its JSON rows as they are for scripts (--json), or for people a table with
    a column per `columns` entry (heading -> the row's key, or a function of the row)."""
    if as_json:
        print_json(rows)
        return

    def cell(row: Mapping[str, Any], shown: Shown) -> Cell:
        if callable(shown):
            return shown(row)
        return None if row[shown] is None else str(row[shown])

    print_table(title, columns, ([cell(row, s) for s in columns.values()] for row in rows))


def fail(message: str, code: int = 1) -> NoReturn:
    # soft_wrap: a message names a file, line and field; the terminal may wrap it, but a
    # hard break at Rich's width would split a path and defeat grep and copy-paste.
    err_console.print(
        Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)


def warn(message: str) -> None:
    err_console.print(
        Text.assemble(("warning:", "yellow"), " ", message), highlight=False, soft_wrap=True
    )
