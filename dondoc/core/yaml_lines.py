"""The one door every user YAML file (directory, workday overrides, notification policy,
structured plan) comes through: safe loading, the line of every key and list item for
messages, and hostile files refused with a message instead of a hang or a traceback.

PyYAML's safe loader already refuses `!!python/...` objects, but at construction time and as
an exception without our format; it also lets an alias "billion laughs" file and a deeply
nested one through to whatever walks the data next (pydantic, a message printing a value).
Here the composed node tree is checked first: allowed tags, nesting depth, how many values
the aliases expand to, and keys given twice, each refused at its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from dondoc.core.problems import InputFileError, InputProblem
from dondoc.core.text import read_text_input

# Deeper than any real file by far, shallow enough for recursion everywhere after.
MAX_DEPTH = 50
# Values the aliases add once expanded (a real file uses a few aliases, if any).
MAX_VALUES = 100_000
# Values in a file, keys included: a directory of 20,000 agencies with an alias each has
# 260,000. Each one composed costs some 250 bytes and 15 µs, so a 10 MB list of numbers took
# 630 MiB and a minute; refused at this many it takes seconds.
MAX_FILE_VALUES = 300_000
_SAFE_TAGS = frozenset(yaml.SafeLoader.yaml_constructors) - {None}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_NULL_TAG = "tag:yaml.org,2002:null"


class _NestedTooDeep(yaml.MarkedYAMLError):
    pass


class _TooManyValues(yaml.MarkedYAMLError):
    pass


class _Loader(Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
    """libyaml's parser (PyYAML's own reads about 1 MB in 4 s; libyaml's 3 to 4 times faster)
    under PyYAML's composer, which stops at MAX_DEPTH here: libyaml's composer recurses in C
    with no limit, so a file of nested brackets would overflow its stack. Dates name their line
    when they do not exist (2025-02-30 is a ValueError in PyYAML)."""

    _depth = 0
    _values = 0

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        self._values += 1
        try:
            if self._values > MAX_FILE_VALUES:
                mark = self.peek_event().start_mark
                problem = f"more than {MAX_FILE_VALUES:,} values: no file a person keeps"
                raise _TooManyValues(None, None, problem + " holds that many", mark)
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                problem = f"nested more than {MAX_DEPTH} levels deep"
                raise _NestedTooDeep(None, None, problem, mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            problem = f"{node.value!r} is not a date ({exc})"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from exc

    def construct_yaml_int(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError as exc:  # Python reads at most 4,300 digits (sys.int_info)
            problem = f"a number of {len(node.value):,} characters: not a value any field takes"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from exc


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


class _TextLoader(_Loader):
    """Every plain scalar stays text (only `null`, `~` and nothing mean None): "1.10" is an
    item number, not the float 1.1, and the reader decides what is a year or a date."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == _NULL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def node_line(node: Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def key_lines(node: MappingNode) -> dict[str, int]:
    """Each key of a mapping and its line (the first one, if a key were given twice)."""
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        lines.setdefault(str(key_node.value), node_line(key_node))
    return lines


def is_null(node: Node) -> bool:
    """`key:` with nothing after it, `~` or `null`."""
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


@dataclass
class YamlFile:
    """A checked YAML document: its node tree (for lines) and its data, built on demand."""

    source: str
    root: Node | None
    kind: type[InputFileError] = InputFileError
    _loader: _Loader = field(default_factory=lambda: _Loader(""), repr=False)

    def value(self, node: Node) -> Any:
        """The data of one node, as the safe loader builds it."""
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            raise _refusal(self.source, exc, self.kind) from exc

    @cached_property
    def data(self) -> Any:
        """The whole document's data; None for an empty document."""
        return None if self.root is None else self.value(self.root)

    def node(self, *path: str | int) -> Node | None:
        """The node at `path` (mapping keys, list positions), or None where it stops."""
        node = self.root
        for part in path:
            node = _child(node, part)
            if node is None:
                return None
        return node

    def line_of(self, *path: str | int) -> int | None:
        """The line of `path` (a pydantic error's location is one), or of its nearest
        existing parent."""
        node, line = self.root, None if self.root is None else node_line(self.root)
        for part in path:
            node = _child(node, part)
            if node is None:
                break
            line = node_line(node)
        return line


def _child(node: Node | None, part: str | int) -> Node | None:
    if isinstance(node, MappingNode):
        return next((value for key, value in node.value if str(key.value) == str(part)), None)
    if isinstance(node, SequenceNode) and str(part).isdigit() and int(part) < len(node.value):
        return node.value[int(part)]  # type: ignore[no-any-return]
    return None


def read_yaml(
    path: Path, kind: type[InputFileError] = InputFileError, *, plain_text: bool = False
) -> YamlFile:
    """Read, decode (text.decode_bytes) and check a user's YAML file; see load_yaml."""
    return load_yaml(read_text_input(path, kind).text, str(path), kind, plain_text=plain_text)


def load_yaml(
    text: str, source: str, kind: type[InputFileError] = InputFileError, *, plain_text: bool = False
) -> YamlFile:
    """Parse and check one YAML document; `plain_text` keeps every plain scalar a string.
    Raises `kind` naming the line of a syntax error, a disallowed tag, nesting deeper than
    MAX_DEPTH, aliases expanding past MAX_VALUES or a key given twice."""
    text = text.removeprefix("\ufeff")
    try:
        loader = (_TextLoader if plain_text else _Loader)(text)
        root = loader.get_single_node()
        loader.dispose()
    except yaml.YAMLError as exc:
        raise _refusal(source, exc, kind, text) from exc
    problems = _Checks(source).run(root)
    if problems:
        raise kind(problems)
    return YamlFile(source, root, kind, loader)


def _refusal(
    source: str, exc: yaml.YAMLError, kind: type[InputFileError], text: str = ""
) -> InputFileError:
    """A YAML error as an InputFileError at its line; never the document's text."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
        where = f" ({exc.context} from line {context.line + 1})" if exc.context and context else ""
        line = mark.line + 1 if mark else None
        what = "" if isinstance(exc, _TooManyValues) else "not valid YAML: "
        return kind.one(source, f"{what}{exc.problem}{where}", line=line)
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        message = f"not valid YAML: {exc.reason} (character #x{exc.character:04x})"
        return kind.one(source, message, line=line)
    return kind.one(source, f"not valid YAML: {exc}")


class _Checks:
    """One walk over the node tree. A node an alias reuses is checked once; each reuse adds the
    values it stands for, so the limit is on what aliases add to the data the loader would
    build, not on the file's own values (a 10 MB directory has a million of them)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[InputProblem] = []
        self._shapes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth)
        self._open: set[int] = set()  # the nodes being walked: an alias to one is a loop
        self._added = 0  # values the aliases add, counting each reuse of a node

    def run(self, root: Node | None) -> list[InputProblem]:
        if root is not None:
            self._shape(root)
        return self.problems

    def _refuse(self, node: Node, message: str, field: str | None = None) -> None:
        self.problems.append(InputProblem(self.source, node_line(node), field, message))

    def _shape(self, node: Node) -> tuple[int, int]:
        """How many values `node` stands for with every alias expanded, and how deep they
        nest; a refused node counts as past both limits, so its parents say nothing more."""
        if id(node) in self._open:
            self._refuse(node, "an alias (*name) refers to a list or mapping that contains it")
            self._shapes[id(node)] = (MAX_VALUES + 1, MAX_DEPTH + 1)
        if id(node) in self._shapes:
            values, depth = self._shapes[id(node)]
            self._added += values
            return values, depth
        self._open.add(id(node))
        self._check(node)
        values, depth = 1, 1
        for child in _children(node):
            child_values, child_depth = self._shape(child)
            values, depth = values + child_values, max(depth, child_depth + 1)
            if self._added > MAX_VALUES or depth > MAX_DEPTH:
                break
        self._open.discard(id(node))
        if id(node) not in self._shapes:  # not refused as a loop meanwhile
            if self._added > MAX_VALUES and not self.problems:
                message = f"its aliases (*name) expand to more than {MAX_VALUES} values;"
                self._refuse(node, message + " write the values out instead")
            elif depth > MAX_DEPTH and not self.problems:
                self._refuse(node, f"nested more than {MAX_DEPTH} levels deep, counting aliases")
            self._shapes[id(node)] = (values, depth)
        return self._shapes[id(node)]

    def _check(self, node: Node) -> None:
        """Tags the safe loader builds, and no key given twice."""
        if node.tag not in _SAFE_TAGS and node.tag != _MERGE_TAG:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            message = f"the tag {tag} is not allowed: a user file holds text, numbers, lists"
            self._refuse(node, message + " and mappings only")
        if isinstance(node, MappingNode):
            seen: dict[str, int] = {}
            for key_node, _ in node.value:
                key, line = str(key_node.value), node_line(key_node)
                if key in seen and key_node.tag != _MERGE_TAG:
                    self._refuse(key_node, f"given twice (also on line {seen[key]})", key)
                seen.setdefault(key, line)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
