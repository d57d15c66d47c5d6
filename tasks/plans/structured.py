"""Plans as data an admin can edit: YAML in a text editor, CSV or XLSX in a spreadsheet.

All three carry the fields of ParsedPlan under the same names and are checked alike (see
tasks.plans.structured_fields for the rules on `timeframe`, `due` and unknown fields). This module
reads and writes YAML, the canonical text that is stored, and re-exports the CSV/XLSX functions
of tasks.plans.structured_tables so that callers need one import for every format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dondoc.core.text import InputEncodingError, decode_bytes
from tasks.plans.parsed import ParsedPlan
from tasks.plans.structured_fields import PLAN_FIELDS, Record, build_plan, fail, item_mapping
from tasks.plans.structured_tables import (
    ITEMS_SHEET,
    PLAN_SHEET,
    dump_csv,
    dump_xlsx,
    load_csv,
    load_xlsx,
)
from tasks.plans.timeframes import BeforeRule

__all__ = [
    "ITEMS_SHEET",
    "PLAN_SHEET",
    "STRUCTURED_SUFFIXES",
    "dump_csv",
    "dump_xlsx",
    "dump_yaml",
    "load_csv",
    "load_xlsx",
    "load_yaml",
    "read_structured_file",
]

STRUCTURED_SUFFIXES: frozenset[str] = frozenset({".yaml", ".yml", ".csv", ".xlsx"})


# --- YAML ----------------------------------------------------------------------------------
class _LocatedMap(dict[str, Any]):
    line = 0
    key_lines: dict[str, int]
    flow_keys: set[str]


class _Loader(yaml.SafeLoader):
    """Every plain scalar stays text (only `null`, `~` and nothing mean None): "1.10" is a seq,
    not the float 1.1, and pydantic decides what is a year or a date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _LocatedMap:
    data = _LocatedMap()
    data.line, data.key_lines, data.flow_keys = node.start_mark.line + 1, {}, set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str) or key in data:
            problem = f"duplicate key {key!r}" if key in data else "a key must be text"
            raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.SequenceNode) and value_node.flow_style:
            data.flow_keys.add(key)
    return data


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key, multi-line text as a literal block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _Dumper.represent_str)


def dump_yaml(plan: ParsedPlan, *, before: BeforeRule = "on") -> str:
    document = {key: value for key in PLAN_FIELDS if (value := getattr(plan, key)) is not None}
    document["items"] = [item_mapping(item, plan.year, before) for item in plan.items]
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def load_yaml(text: str, *, source: str = "", before: BeforeRule = "on") -> ParsedPlan:
    try:
        document = yaml.load(text.removeprefix("\ufeff"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
        where = f" ({exc.context} from line {context.line + 1})" if exc.context and context else ""
        fail(f"not valid YAML: {exc.problem}{where}", source, mark and mark.line + 1)
    except yaml.YAMLError as exc:
        fail(f"not valid YAML: {exc}", source)
    if not isinstance(document, _LocatedMap):
        fail("expected the plan's fields (number, title, …, items) as a YAML mapping", source, 1)
    items = document.pop("items", None)
    header = Record(dict(document), 1, document.key_lines)
    if not items:
        header.error("items", "the plan has no items; add at least one", source)
    if not isinstance(items, list):
        header.error("items", "expected a list of items, each starting with '- '", source)
    records = []
    for index, entry in enumerate(items, 1):
        if not isinstance(entry, _LocatedMap):
            message = f"item {index} is not a mapping of fields (seq, content, lead, …)"
            header.error("items", message, source)
        place = f"item {index}, field"
        records.append(Record(dict(entry), entry.line, entry.key_lines, place, entry.flow_keys))
    return build_plan(header, records, source=source, before=before)


def read_structured_file(path: Path, *, before: BeforeRule = "on") -> tuple[ParsedPlan, str]:
    """The plan in a .yaml/.yml/.csv/.xlsx file, and its YAML dump: the canonical text to hash
    and store, the same whichever of the three formats the admin edited."""
    source, suffix = str(path), path.suffix.lower()
    if suffix not in STRUCTURED_SUFFIXES:
        fail(f"not a structured plan (expected {', '.join(sorted(STRUCTURED_SUFFIXES))})", source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read the file: {exc.strerror}", source)
    if suffix == ".xlsx":
        plan = load_xlsx(raw, source=source, before=before)
    else:
        try:
            text = decode_bytes(raw).text
        except InputEncodingError as exc:
            fail(str(exc), source)
        load = load_csv if suffix == ".csv" else load_yaml
        plan = load(text, source=source, before=before)
    return plan, dump_yaml(plan, before=before)
