"""Reading an agency directory into validated entries: YAML here, CSV in tasks.directory.csv_rows.

A directory is written by hand by a clerk, so every problem is reported with file, line and
field, all of them at once: the file is fixed in one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dondoc.core.text import InputEncodingError, clean_name, decode_bytes, normalize_name
from tasks.directory.resolve import longest_first

_NAME_MAX = 300  # the width of agency.name / agency_group.name
_KIND_MAX = 40


@dataclass(frozen=True)
class DirectoryProblem:
    line: int | None
    field: str | None
    message: str

    def render(self, source: str) -> str:
        where = source + (f":{self.line}" if self.line else "")
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"


class DirectoryError(ValueError):
    """The directory file cannot be imported; each problem names file, line and field."""

    def __init__(self, source: str, problems: Sequence[DirectoryProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(problem.render(source) for problem in self.problems))


def _clean_names(value: Any) -> list[str]:
    """A list of names, or one name; blanks dropped, duplicates (same key) folded."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError("expected a list of names")
    names: dict[str, str] = {}
    for item in value:
        if not isinstance(item, str):
            raise ValueError(f"expected a name, got {item!r}")
        name = clean_name(item)
        if name:
            names.setdefault(normalize_name(name), name)
    return list(names.values())


def _clean_required_name(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # pydantic reports the type
    name = clean_name(value)
    if not name:
        raise ValueError("the name is empty")
    return name


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value


def _clean_parent(value: Any) -> Any:
    value = _blank_to_none(value)
    return clean_name(value) if isinstance(value, str) else value


def _clean_email(value: Any) -> Any:
    """Syntax only: no DNS lookup, so a directory imports offline."""
    value = _blank_to_none(value)
    if not isinstance(value, str):
        return value
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"invalid email address {value!r}: {exc}") from exc


def _clean_members(value: Any) -> list[str]:
    members = _clean_names(value)
    if not members:
        raise ValueError("a group needs at least one member")
    return members


Name = Annotated[
    str, StringConstraints(max_length=_NAME_MAX), BeforeValidator(_clean_required_name)
]
Names = Annotated[list[str], BeforeValidator(_clean_names)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Email = Annotated[str | None, BeforeValidator(_clean_email)]
# An empty cell is "no": CSV directories leave the column blank for most agencies.
Flag = Annotated[bool, BeforeValidator(lambda value: _blank_to_none(value) or False)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Name
    aliases: Names = Field(default_factory=list)
    note: OptionalText = None
    line: int = 0
    field_lines: dict[str, int] = Field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        return normalize_name(self.name)

    @property
    def alias_keys(self) -> list[str]:
        """Keys of the aliases that differ from the name ("&" and "và" are one key)."""
        return [k for k in map(normalize_name, self.aliases) if k != self.key]

    def line_of(self, field_name: str) -> int:
        return self.field_lines.get(field_name, self.line)


class AgencyEntry(_Entry):
    """One agency as the directory states it; `parent` names another agency of the file."""

    kind: Annotated[
        Annotated[str, StringConstraints(max_length=_KIND_MAX)] | None,
        BeforeValidator(_blank_to_none),
    ] = None
    email: Email = None
    head_email: Email = None
    monitoring: Flag = False
    parent: Annotated[str | None, BeforeValidator(_clean_parent)] = None


class GroupEntry(_Entry):
    """A collective name ("UBND các xã, thị trấn") and the agencies it stands for."""

    members: Annotated[list[str], BeforeValidator(_clean_members)]


AGENCY_FIELDS = frozenset(AgencyEntry.model_fields) - {"line", "field_lines"}
GROUP_FIELDS = frozenset(GroupEntry.model_fields) - {"line", "field_lines"}

# The CSV layout (read by tasks.directory.csv_rows): one agency a row, lists inside one cell.
CSV_COLUMNS = ("name", "aliases", "kind", "email", "head_email", "monitoring", "parent", "note")
READ_ONLY_COLUMNS = ("groups", "scope")  # not agency fields: they describe the directory
LIST_SEPARATOR = "|"  # inside one CSV cell: "Phòng NV|Phòng Nội vụ huyện"


@dataclass
class Directory:
    source: str
    agencies: list[AgencyEntry] = field(default_factory=list)
    groups: list[GroupEntry] = field(default_factory=list)
    # Fields and columns that were present but are not read: said, never dropped silently.
    warnings: list[str] = field(default_factory=list)
    # The People's Committee whose plans the directory serves, as written; None: global.
    scope: str | None = None

    @property
    def scope_key(self) -> str:
        """Names are unique per scope (models.agency); "" is the global scope."""
        return normalize_name(self.scope) if self.scope else ""

    def known_names(self) -> list[str]:
        """Every name and alias, longest first: what a plan parser splits agency cells by."""
        entries: list[_Entry] = [*self.agencies, *self.groups]
        return longest_first(name for entry in entries for name in (entry.name, *entry.aliases))


def load_directory(path: Path) -> Directory:
    """Read and check a directory; raises DirectoryError listing every problem found."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem = DirectoryProblem(None, None, f"cannot read the file: {exc.strerror or exc}")
        raise DirectoryError(source, [problem]) from exc
    try:
        text = decode_bytes(raw).text
    except InputEncodingError as exc:
        raise DirectoryError(source, [DirectoryProblem(None, None, str(exc))]) from exc
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return _load_yaml(source, text)
    if suffix == ".csv":
        # Imported here: tasks.directory.csv_rows builds on this module's entries and checks.
        from tasks.directory.csv_rows import load_csv

        return load_csv(source, text)
    problem = DirectoryProblem(None, None, "unknown format: expected a .yaml, .yml or .csv file")
    raise DirectoryError(source, [problem])


def clean_scope(value: Any) -> str | None:
    """The `scope` field or column: one name, or blank for the global scope."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"expected the name of a People's Committee, got {value!r}")
    scope = clean_name(value or "")
    if len(scope) > _NAME_MAX:
        raise ValueError(f"longer than {_NAME_MAX} characters")
    return scope or None


def validate_entry(
    model: type[_Entry], raw: dict[str, Any], lines: dict[str, int], line: int
) -> tuple[_Entry | None, list[DirectoryProblem]]:
    """One entry, or its problems at the line of each field: both formats report alike."""
    try:
        return model.model_validate({**raw, "line": line, "field_lines": lines}), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else None
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing":
                message = "is required"
            elif error["type"].startswith("bool"):
                message = f"expected true or false, got {error['input']!r}"
            at = lines.get(name, line) if name else line
            problems.append(DirectoryProblem(at, name, message))
        return None, problems


def _check(directory: Directory) -> list[DirectoryProblem]:
    """Rules across entries: one owner per name or alias, parents and members must exist."""
    problems: list[DirectoryProblem] = []
    owners: dict[str, _Entry] = {}

    def claim(key: str, entry: _Entry, alias: str | None) -> None:
        other = owners.setdefault(key, entry)
        if other is not entry:
            what = "agency" if isinstance(other, AgencyEntry) else "group"
            field_name, claimed = ("aliases", f"alias {alias!r}") if alias else ("name", "name")
            message = f"duplicate {claimed}: {what} {other.name!r} (line {other.line}) has it"
            problems.append(DirectoryProblem(entry.line_of(field_name), field_name, message))

    entries: list[_Entry] = [*directory.agencies, *directory.groups]
    for entry in entries:
        claim(entry.key, entry, None)
    for entry in entries:
        for alias in entry.aliases:
            claim(normalize_name(alias), entry, alias)

    for agency in (a for a in directory.agencies if a.parent):
        parent = owners.get(normalize_name(agency.parent or ""))
        if parent is agency:
            message = "an agency cannot be its own parent"
        elif parent is None:
            message = f"unknown parent {agency.parent!r}: no agency of that name in this directory"
        elif isinstance(parent, GroupEntry):
            message = f"parent {agency.parent!r} is a group, not an agency"
        else:
            continue
        problems.append(DirectoryProblem(agency.line_of("parent"), "parent", message))

    for group in directory.groups:
        for member in group.members:
            owner = owners.get(normalize_name(member))
            if isinstance(owner, AgencyEntry):
                continue
            message = f"group member {member!r} is not an agency of this directory"
            if isinstance(owner, GroupEntry):
                message = f"group member {member!r} is a group; a group lists agencies only"
            problems.append(DirectoryProblem(group.line_of("members"), "members", message))
    return problems


def finish_directory(directory: Directory, problems: list[DirectoryProblem]) -> Directory:
    """Add the rules across entries and raise every problem at once, in file order."""
    problems.extend(_check(directory))
    if problems:
        raise DirectoryError(directory.source, sorted(problems, key=lambda p: p.line or 0))
    return directory


# --- YAML -------------------------------------------------------------------------------


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _load_yaml(source: str, text: str) -> Directory:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = DirectoryProblem(line, None, f"not valid YAML: {exc.problem}")
        raise DirectoryError(source, [problem]) from exc
    if not isinstance(root, MappingNode):
        line = _line(root) if root is not None else 1
        message = "expected a mapping with 'agencies', optionally 'groups' and 'scope'"
        raise DirectoryError(source, [DirectoryProblem(line, None, message)])

    directory = Directory(source)
    problems: list[DirectoryProblem] = []
    constructor = yaml.SafeLoader("")

    def fields(node: MappingNode, known: frozenset[str]) -> tuple[dict[str, Any], dict[str, int]]:
        raw: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, line = str(key_node.value), _line(key_node)
            if key in lines:
                message = f"given twice (also on line {lines[key]})"
                problems.append(DirectoryProblem(line, key, message))
            elif key in known:
                raw[key] = constructor.construct_object(value_node, deep=True)
            else:
                directory.warnings.append(f"{source}:{line}: field {key!r} is not read")
            lines.setdefault(key, line)
        return raw, lines

    sections = {"agencies": (AgencyEntry, AGENCY_FIELDS), "groups": (GroupEntry, GROUP_FIELDS)}
    for key_node, value_node in root.value:
        section = str(key_node.value)
        if section == "scope":
            try:
                directory.scope = clean_scope(constructor.construct_object(value_node))
            except ValueError as exc:
                problems.append(DirectoryProblem(_line(value_node), "scope", str(exc)))
            continue
        if section not in sections:
            directory.warnings.append(f"{source}:{_line(key_node)}: {section!r} is not read")
            continue
        model, known = sections[section]
        for item in _sequence_items(section, value_node, problems):
            entry, entry_problems = validate_entry(model, *fields(item, known), _line(item))
            problems.extend(entry_problems)
            if isinstance(entry, AgencyEntry):
                directory.agencies.append(entry)
            elif isinstance(entry, GroupEntry):
                directory.groups.append(entry)
    if not directory.agencies and not problems:
        problems.append(DirectoryProblem(1, "agencies", "the directory lists no agency"))
    return finish_directory(directory, problems)


def _sequence_items(
    section: str, node: Node, problems: list[DirectoryProblem]
) -> Iterator[MappingNode]:
    if isinstance(node, ScalarNode) and node.value in ("", "~", "null"):
        return
    if not isinstance(node, SequenceNode):
        problems.append(DirectoryProblem(_line(node), section, "expected a list of entries"))
        return
    for item in node.value:
        if isinstance(item, MappingNode):
            yield item
        else:
            message = "each entry is a mapping with at least a name"
            problems.append(DirectoryProblem(_line(item), section, message))
