"""Plans as YAML, the canonical text that is stored: what `dondoc plan export` writes and an
admin edits in a text editor. Read through dondoc.core.yaml_lines with every plain scalar kept
as text ("1.10" is an item number, not the float 1.1), so the fields decide what is a date."""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from dondoc.core.yaml_lines import key_lines, node_line
from dondoc.core.yaml_lines import load_yaml as load_checked_yaml
from tasks.plans.parsed import ParsedPlan, PlanParseError
from tasks.plans.structured.build import build_plan, item_mapping
from tasks.plans.structured.fields import PLAN_FIELDS, Record, fail
from tasks.plans.timeframes import BeforeRule


class _Dumper(yaml.CSafeDumper):
    """libyaml's emitter (PyYAML's own took 6 s a megabyte, a minute for a 10 MB plan), with
    multi-line text as a literal block."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _Dumper.represent_str)


def dump_yaml(plan: ParsedPlan, *, before: BeforeRule = "on") -> str:
    """The plan as YAML, block lists indented under their key."""
    document = {key: value for key in PLAN_FIELDS if (value := getattr(plan, key)) is not None}
    document["items"] = [item_mapping(item, plan.year, before) for item in plan.items]
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    return _indented_lists(text)


def _indented_lists(text: str) -> str:
    """libyaml writes a list under a key at the key's own indentation ("items:\n- seq: 1");
    the files an admin edits, and the texts stored before, indent it by two: every line of
    `items` moves right by two, and the lines of an item's `lead` or `coordinating` list by
    two more. Its lines are told apart by their indentation alone: an item starts at column
    0, an item's fields and lists at 2, anything inside a value further right. Blank lines of
    a literal block and the end of document marker stay at column 0."""
    head, items_key, items = text.partition("\nitems:\n")
    if not items_key:
        return text
    parts, in_list = _LINE_BREAK.split(items), False
    for index in range(0, len(parts), 2):  # lines; the breaks between them at odd indexes
        line = parts[index]
        if not line or line == "...":
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent <= 2:
            in_list = line.startswith("  - ")
        parts[index] = ("    " if in_list else "  ") + line
    return head + items_key + "".join(parts)


# What YAML reads as a line break; libyaml writes a scalar's NEL or LINE SEPARATOR as one.
_LINE_BREAK = re.compile("([\n\x85\u2028\u2029])")


def load_yaml(text: str, *, source: str = "", before: BeforeRule = "on") -> ParsedPlan:
    document = load_checked_yaml(text, source, PlanParseError, plain_text=True)
    root = document.root
    if not isinstance(root, MappingNode):
        fail("expected the plan's fields (number, title, …, items) as a YAML mapping", source, 1)
    values = _text_keys(document.data, root, source)
    items = values.pop("items", None)
    header = Record(values, 1, key_lines(root))
    if not items:
        header.error("items", "the plan has no items; add at least one", source)
    if not isinstance(items, list):
        header.error("items", "expected a list of items, each starting with '- '", source)
    listed = document.node("items")
    item_nodes: list[Node] = listed.value if isinstance(listed, SequenceNode) else []
    records = []
    for index, (entry, node) in enumerate(zip(items, item_nodes, strict=True), 1):
        if not isinstance(node, MappingNode):
            message = f"item {index} is not a mapping of fields (seq, content, lead, …)"
            header.error("items", message, source)
        flow = {str(k.value) for k, v in node.value if isinstance(v, SequenceNode) and v.flow_style}
        place = f"item {index}, field"
        entry = _text_keys(entry, node, source)
        records.append(Record(entry, node_line(node), key_lines(node), place, flow))
    return build_plan(header, records, source=source, before=before)


def _text_keys(mapping: dict[object, object], node: MappingNode, source: str) -> dict[str, object]:
    """The mapping, once every key is known to be text (`~: x` or `1: x` are not fields)."""
    for key_node, _ in node.value:
        if not isinstance(key_node.value, str) or key_node.tag != "tag:yaml.org,2002:str":
            fail("a key must be text", source, node_line(key_node))
    return dict(mapping)  # type: ignore[arg-type]
