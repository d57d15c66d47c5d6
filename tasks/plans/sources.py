"""A plan file, whatever it is: plan text, a structured plan (YAML, CSV, XLSX) or a document
as published (Word, PDF, scan, web page). The format is told by the bytes; the name's suffix
only tells YAML from CSV from plain text, which bytes cannot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dondoc.core.problems import check_size, read_bounded
from tasks.plans.formats import is_document, media_type, read_document, sniff
from tasks.plans.parse import check_plan_size, parse_document, read_plan_bytes
from tasks.plans.parsed import ParsedPlan, ParseWarning, PlanParseError
from tasks.plans.structured import STRUCTURED_SUFFIXES, read_structured_bytes
from tasks.plans.timeframes import BeforeRule


@dataclass
class PlanReading:
    """What reading a plan file gave: the plan, the normalised text stored and hashed as its
    source, and the original bytes when they were a document rather than text."""

    parsed: ParsedPlan
    text: str
    original: bytes | None = None

    @property
    def media_type(self) -> str:
        return media_type(self.original) if self.original is not None else "text/plain"


def read_plan_path(path: Path, source: str | None = None) -> bytes:
    """A plan file's bytes, refused before reading when over DONDOC_MAX_UPLOAD_MB (text is
    held to DONDOC_MAX_INPUT_MB again once it is known to be text). Messages name the file as
    `source` (default: its path)."""
    source = source or str(path)
    try:
        return read_bounded(Path(path), PlanParseError, limit="max_upload_mb", source=source)
    except IsADirectoryError as error:
        raise PlanParseError.one(source, "a folder, not a file") from error
    except FileNotFoundError as error:
        raise PlanParseError.one(source, "no such file") from error
    except OSError as error:
        message = f"cannot open the file: {error.strerror or error}"
        raise PlanParseError.one(source, message) from error


def read_plan_data(
    data: bytes,
    source: str,
    *,
    known_names: Iterable[str] = (),
    before: BeforeRule = "on",
) -> PlanReading:
    """The plan in `data`, from a file called `source` (a path or an uploaded file's name)."""
    check_size(len(data), source, PlanParseError, "max_upload_mb")
    suffix = Path(source).suffix.lower()
    kind = sniff(data)
    if kind == "xlsx" or (suffix in STRUCTURED_SUFFIXES and not is_document(data)):
        check_size(len(data), source, PlanParseError)
        parsed, text = read_structured_bytes(
            data, source, ".xlsx" if kind == "xlsx" else suffix, before=before
        )
        return PlanReading(parsed, text)
    if not is_document(data) and kind == "text":
        check_size(len(data), source, PlanParseError)
        parsed, text = read_plan_bytes(data, source, known_names=known_names, before=before)
        return PlanReading(parsed, text)
    read = read_document(data, source)
    check_plan_size(read.text, source)
    parsed = parse_document(read.document, known_names, before)
    parsed.warnings[:0] = [ParseWarning(line, message) for line, message in read.warnings]
    return PlanReading(parsed, read.text, data)
