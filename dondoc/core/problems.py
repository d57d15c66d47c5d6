"""What is wrong with a file a person wrote (a directory, a sheet, a plan, a policy), said
where they can find it: file, line and field, every problem at once.

Every reader of a user file raises InputFileError (or a subclass named after the file), so
the CLI and the flows catch one thing and print one format: `file:line: field: message`."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Self, TypeVar

_Error = TypeVar("_Error", bound="InputFileError")


@dataclass(frozen=True)
class InputProblem:
    """One problem; `source` is "" when the code that found it saw bytes, not a file."""

    source: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source + (f":{self.line}" if self.line else "")
        if not self.source and self.line:
            where = f"line {self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}" if where else f"{what}{self.message}"


class InputFileError(ValueError):
    """A user file cannot be used; str() lists every problem, one a line, in line order."""

    def __init__(self, problems: Iterable[InputProblem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.line or 0)
        if not self.problems:
            raise ValueError("an InputFileError needs at least one problem")
        super().__init__("\n".join(map(str, self.problems)))

    @classmethod
    def one(
        cls, source: str, message: str, *, line: int | None = None, field: str | None = None
    ) -> Self:
        return cls([InputProblem(source, line, field, message)])

    @property
    def source(self) -> str:
        return self.problems[0].source

    @property
    def line(self) -> int | None:
        """The first problem's line (most errors have only one)."""
        return self.problems[0].line

    def in_file(self, source: str, kind: type[_Error]) -> _Error:
        """The same problems as a `kind` error of the file `source`: a helper that read bytes
        or rows (text.decode_bytes, text.numbered_csv_rows) did not know the file's name."""
        return kind(replace(problem, source=problem.source or source) for problem in self.problems)


def read_input(path: Path, kind: type[InputFileError] = InputFileError) -> bytes:
    """The file's bytes (see read_bounded), or a `kind` error saying why they cannot be read."""
    try:
        return read_bounded(path, kind)
    except OSError as exc:
        raise kind.one(str(path), f"cannot read the file: {exc.strerror or exc}") from exc


# the settings that bound a file's size, and the variable each is set by
SIZE_LIMITS = {"max_input_mb": "DONDOC_MAX_INPUT_MB", "max_upload_mb": "DONDOC_MAX_UPLOAD_MB"}
_MB = 1024 * 1024


def check_size(
    size: int, source: str, kind: type[InputFileError], limit: str = "max_input_mb"
) -> None:
    """A `kind` error when `size` bytes pass the `limit` setting: DONDOC_MAX_INPUT_MB for text
    (held in memory and parsed line by line), DONDOC_MAX_UPLOAD_MB for any file handed in (a
    scanned PDF is large, but only its pages are held)."""
    from dondoc.core.settings import get_settings

    megabytes = getattr(get_settings(), limit)
    if size > megabytes * _MB:
        message = f"{size / _MB:.1f} MB, over the {megabytes} MB limit ({SIZE_LIMITS[limit]})"
        raise kind.one(source, message)


def read_bounded(
    path: Path,
    kind: type[InputFileError] = InputFileError,
    *,
    limit: str = "max_input_mb",
    source: str | None = None,
) -> bytes:
    """The file's bytes; a file over the `limit` setting is a `kind` error (naming it as
    `source`, default its path) before a byte of it is read. OSError is the caller's to word."""
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        check_size(size, source or str(path), kind, limit)
        return file.read(size + 1)  # a file growing as it is read stops just past the check
