"""Reading an agency directory written as YAML (tasks.directory.entries holds the entries and
the checks both formats share): `agencies`, optionally `groups` and `scope`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from dondoc.core.problems import InputProblem
from dondoc.core.yaml_lines import YamlFile, is_null, key_lines, load_yaml, node_line
from tasks.directory.entries import (
    AGENCY_FIELDS,
    GROUP_FIELDS,
    AgencyEntry,
    Directory,
    DirectoryError,
    GroupEntry,
    clean_scope,
    finish_directory,
    validate_entry,
)

__all__ = ["load_yaml_directory"]

_SECTIONS = {"agencies": (AgencyEntry, AGENCY_FIELDS), "groups": (GroupEntry, GROUP_FIELDS)}


def load_yaml_directory(source: str, text: str) -> Directory:
    document = load_yaml(text, source, DirectoryError)
    root = document.root
    if not isinstance(root, MappingNode):
        line = node_line(root) if root is not None else 1
        message = "expected a mapping with 'agencies', optionally 'groups' and 'scope'"
        raise DirectoryError.one(source, message, line=line)

    directory = Directory(source)
    problems: list[InputProblem] = []
    for key_node, value_node in root.value:
        section = str(key_node.value)
        if section == "scope":
            try:
                directory.scope = clean_scope(document.value(value_node))
            except ValueError as exc:
                problems.append(InputProblem(source, node_line(value_node), "scope", str(exc)))
            continue
        if section not in _SECTIONS:
            directory.warnings.append(f"{source}:{node_line(key_node)}: {section!r} is not read")
            continue
        model, known = _SECTIONS[section]
        for item in _sequence_items(source, section, value_node, problems):
            raw = _fields(document, item, known, directory.warnings)
            entry, entry_problems = validate_entry(
                source, model, raw, key_lines(item), node_line(item)
            )
            problems.extend(entry_problems)
            if isinstance(entry, AgencyEntry):
                directory.agencies.append(entry)
            elif isinstance(entry, GroupEntry):
                directory.groups.append(entry)
    if not directory.agencies and not problems:
        problems.append(InputProblem(source, 1, "agencies", "the directory lists no agency"))
    return finish_directory(directory, problems)


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


def _sequence_items(
    source: str, section: str, node: Node, problems: list[InputProblem]
) -> Iterator[MappingNode]:
    if is_null(node):
        return
    if not isinstance(node, SequenceNode):
        message = "expected a list of entries"
        problems.append(InputProblem(source, node_line(node), section, message))
        return
    for item in node.value:
        if isinstance(item, MappingNode):
            yield item
        else:
            message = "each entry is a mapping with at least a name"
            problems.append(InputProblem(source, node_line(item), section, message))
