"""A structured plan file, whichever of the three formats the admin edited."""

from __future__ import annotations

from pathlib import Path

from dondoc.core.problems import read_input
from dondoc.core.text import InputEncodingError, decode_bytes
from tasks.plans.parsed import ParsedPlan, PlanParseError
from tasks.plans.structured.fields import check_size, fail
from tasks.plans.structured.tables import load_csv, load_xlsx
from tasks.plans.structured.yaml_plan import dump_yaml, load_yaml
from tasks.plans.timeframes import BeforeRule

STRUCTURED_SUFFIXES: frozenset[str] = frozenset({".yaml", ".yml", ".csv", ".xlsx"})


def read_structured_file(path: Path, *, before: BeforeRule = "on") -> tuple[ParsedPlan, str]:
    """The plan in a .yaml/.yml/.csv/.xlsx file, and its YAML dump: the canonical text to hash
    and store, the same whichever of the three formats the admin edited."""
    source, suffix = str(path), path.suffix.lower()
    if suffix not in STRUCTURED_SUFFIXES:
        fail(f"not a structured plan (expected {', '.join(sorted(STRUCTURED_SUFFIXES))})", source)
    return read_structured_bytes(read_input(path, PlanParseError), source, suffix, before=before)


def read_structured_bytes(
    raw: bytes, source: str, suffix: str, *, before: BeforeRule = "on"
) -> tuple[ParsedPlan, str]:
    """read_structured_file of bytes already read (an upload), in the format `suffix` names."""
    if suffix == ".xlsx":
        plan = load_xlsx(raw, source=source, before=before)
    else:
        try:
            text = decode_bytes(raw).text
        except InputEncodingError as exc:
            raise exc.in_file(source, PlanParseError) from exc
        check_size(len(text), source)
        load = load_csv if suffix == ".csv" else load_yaml
        plan = load(text, source=source, before=before)
    return plan, dump_yaml(plan, before=before)
