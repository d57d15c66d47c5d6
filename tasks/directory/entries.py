"""An agency directory's entries, validated, and the rules across them; the YAML
(tasks.directory.yaml_file) and CSV (tasks.directory.csv_rows) readers both build on them.

A directory is written by hand by a clerk, so every problem is reported with file, line and
field, all of them at once: the file is fixed in one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from dondoc.core.problems import InputFileError, InputProblem
from dondoc.core.text import clean_name, normalize_name

_NAME_MAX = 300  # the width of agency.name / agency_group.name
_KIND_MAX = 40


class DirectoryError(InputFileError):
    """The directory file cannot be imported; each problem names file, line and field."""


def longest_first(names: Iterable[str]) -> list[str]:
    """Known names for a splitter: "UBND các xã, thị trấn" is tried before it would be cut
    at its comma."""
    return sorted(set(names), key=lambda name: (-len(name), name))


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

    @classmethod
    def field_names(cls) -> frozenset[str]:
        """The fields a directory file may give (the lines are the reader's)."""
        return frozenset(cls.model_fields) - {"line", "field_lines"}


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


# The sections of a YAML directory and what each lists.
SECTIONS: dict[str, type[_Entry]] = {"agencies": AgencyEntry, "groups": GroupEntry}


@dataclass
class Directory:
    source: str
    agencies: list[AgencyEntry] = field(default_factory=list)
    groups: list[GroupEntry] = field(default_factory=list)
    # Fields and columns that were present but are not read: said, never dropped silently.
    warnings: list[str] = field(default_factory=list)
    # The People's Committee whose plans the directory serves, as written; None: global.
    scope: str | None = None
    # Found while reading, in any order; finish() adds the rules across entries and raises.
    problems: list[InputProblem] = field(default_factory=list, repr=False)

    @property
    def scope_key(self) -> str:
        """Names are unique per scope (models.agency); "" is the global scope."""
        return normalize_name(self.scope) if self.scope else ""

    def known_names(self) -> list[str]:
        """Every name and alias, longest first: what a plan parser splits agency cells by."""
        entries: list[_Entry] = [*self.agencies, *self.groups]
        return longest_first(name for entry in entries for name in (entry.name, *entry.aliases))

    def problem(self, line: int | None, field_name: str | None, message: str) -> None:
        self.problems.append(InputProblem(self.source, line, field_name, message))

    def add(
        self, model: type[_Entry], raw: dict[str, Any], lines: dict[str, int], line: int
    ) -> _Entry | None:
        """Validate one entry and keep it, or note its problems at the line of each field:
        both formats report alike."""
        try:
            entry = model.model_validate({**raw, "line": line, "field_lines": lines})
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else None
                message = error["msg"].removeprefix("Value error, ")
                if error["type"] == "missing":
                    message = "is required"
                elif error["type"].startswith("bool"):
                    message = f"expected true or false, got {error['input']!r}"
                self.problem(lines.get(name, line) if name else line, name, message)
            return None
        if isinstance(entry, AgencyEntry):
            self.agencies.append(entry)
        elif isinstance(entry, GroupEntry):
            self.groups.append(entry)
        return entry

    def finish(self) -> Directory:
        """Add the rules across entries and raise every problem at once, in file order."""
        _check(self)
        if self.problems:
            raise DirectoryError(self.problems)
        return self


def clean_scope(value: Any) -> str | None:
    """The `scope` field or column: one name, or blank for the global scope."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"expected the name of a People's Committee, got {value!r}")
    scope = clean_name(value or "")
    if len(scope) > _NAME_MAX:
        raise ValueError(f"longer than {_NAME_MAX} characters")
    return scope or None


def _check(directory: Directory) -> None:
    """Rules across entries: one owner per name or alias, parents and members must exist."""
    problem = directory.problem

    owners: dict[str, _Entry] = {}

    def claim(key: str, entry: _Entry, alias: str | None) -> None:
        other = owners.setdefault(key, entry)
        if other is not entry:
            what = "agency" if isinstance(other, AgencyEntry) else "group"
            field_name, claimed = ("aliases", f"alias {alias!r}") if alias else ("name", "name")
            message = f"duplicate {claimed}: {what} {other.name!r} (line {other.line}) has it"
            problem(entry.line_of(field_name), field_name, message)

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
        problem(agency.line_of("parent"), "parent", message)

    for group in directory.groups:
        for member in group.members:
            owner = owners.get(normalize_name(member))
            if isinstance(owner, AgencyEntry):
                continue
            message = f"group member {member!r} is not an agency of this directory"
            if isinstance(owner, GroupEntry):
                message = f"group member {member!r} is a group; a group lists agencies only"
            problem(group.line_of("members"), "members", message)
