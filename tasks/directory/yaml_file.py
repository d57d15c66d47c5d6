"""Reading an agency directory written as YAML (tasks.directory.entries holds the entries and
the checks both formats share): `agencies`, optionally `groups` and `scope`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from dondoc.core.sheets import MAX_ROWS
from dondoc.core.yaml_lines import YamlFile, is_null, key_lines, load_yaml, node_line
from tasks.directory.entries import SECTIONS, Directory, DirectoryError, clean_scope

__all__ = ["load_yaml_directory"]


def load_yaml_directory(source: str, text: str) -> Directory:
    document = load_yaml(text, source, DirectoryError)
    root = document.root
    if not isinstance(root, MappingNode):
        line = node_line(root) if root is not None else 1
        message = "expected a mapping with 'agencies', optionally 'groups' and 'scope'"
        raise DirectoryError.one(source, message, line=line)

    directory = Directory(source)
    for key_node, value_node in root.value:
        section = str(key_node.value)
        if section == "scope":
            try:
                directory.scope = clean_scope(document.value(value_node))
            except ValueError as exc:
                directory.problem(node_line(value_node), "scope", str(exc))
            continue
        if section not in SECTIONS:
            directory.warnings.append(f"{source}:{node_line(key_node)}: {section!r} is not read")
            continue
        model = SECTIONS[section]
        for item in _sequence_items(directory, section, value_node):
            raw = _fields(document, item, model.field_names(), directory.warnings)
            directory.add(model, raw, key_lines(item), node_line(item))
    if not directory.agencies and not directory.problems:
        directory.problem(1, "agencies", "the directory lists no agency")
    return directory.finish()


def _fields(
    document: YamlFile, node: MappingNode, known: frozenset[str], warnings: list[str]
) -> dict[str, Any]:
    """The entry's known fields; the others are said as warnings, never dropped silently."""
    raw: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in known:
            raw[key] = document.value(value_node)
        else:
            warnings.append(f"{document.source}:{node_line(key_node)}: field {key!r} is not read")
    return raw


def _sequence_items(directory: Directory, section: str, node: Node) -> Iterator[MappingNode]:
    if is_null(node):
        return
    if not isinstance(node, SequenceNode):
        directory.problem(node_line(node), section, "expected a list of entries")
        return
    if len(node.value) > MAX_ROWS:  # as many as a CSV directory may have rows
        line = node_line(node.value[MAX_ROWS])
        message = f"more than {MAX_ROWS:,} entries: a directory serves one locality"
        raise DirectoryError.one(directory.source, message, line=line, field=section)
    for item in node.value:
        if isinstance(item, MappingNode):
            yield item
        else:
            message = "each entry is a mapping with at least a name"
            directory.problem(node_line(item), section, message)
