"""Plans as YAML, the canonical text that is stored: what `dondoc plan export` writes and an
admin edits in a text editor. Read through dondoc.core.yaml_lines with every plain scalar kept
as text ("1.10" is an item number, not the float 1.1), so the fields decide what is a date."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from dondoc.core.yaml_lines import key_lines, node_line
from dondoc.core.yaml_lines import load_yaml as load_checked_yaml
from tasks.plans.parsed import ParsedPlan, PlanParseError
from tasks.plans.structured.build import build_plan, item_mapping
from tasks.plans.structured.fields import PLAN_FIELDS, Record, fail
from tasks.plans.timeframes import BeforeRule


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
