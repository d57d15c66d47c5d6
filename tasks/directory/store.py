"""Storing an agency directory (read by tasks.directory.files) as an upsert by scope and
normalised name, so re-importing an edited file updates agencies in place and plans keep
pointing at them, while another locality's directory with the same names ("Phòng Nội vụ")
lives beside it in its own scope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from dondoc.core.text import clean_name, normalize_name
from models.agency import Agency, AgencyGroup
from models.queries import agency_by_key, list_agencies, list_groups
from tasks.directory.entries import AgencyEntry, Directory, GroupEntry

__all__ = ["ChangeCounts", "ImportCounts", "create_unverified", "guess_kind", "import_directory"]


@dataclass
class ChangeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportCounts:
    agencies: ChangeCounts = field(default_factory=ChangeCounts)
    groups: ChangeCounts = field(default_factory=ChangeCounts)
    # Clashes with stored records this directory does not name (nothing is changed for them).
    warnings: list[str] = field(default_factory=list)
    scope: str | None = None  # the directory's scope as written; None: the global scope

    def __str__(self) -> str:
        """One summary line, then the warnings, so a caller printing the counts shows them."""
        scope = f"scope {self.scope!r}" if self.scope else "global scope"
        lines = [f"{scope}: agencies: {self.agencies}; groups: {self.groups}"]
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)


def _assign(record: Agency | AgencyGroup, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, list(value) if isinstance(value, list) else value)
            changed = True
    return changed


def _values(entry: AgencyEntry) -> dict[str, Any]:
    """An agency's stored fields as the directory states them."""
    return {
        "name": entry.name,
        "aliases": list(entry.aliases),
        "kind": entry.kind,
        "email": entry.email,
        "head_email": entry.head_email,
        "monitoring": entry.monitoring,
        "note": entry.note,
        "verified": True,
    }


def import_directory(session: Session, directory: Directory) -> ImportCounts:
    """Create or update every agency and group of the directory in the caller's transaction.

    The directory is the authority for what it names in its scope: its fields replace the
    stored ones and an auto-created (unverified) agency of the scope it names becomes
    verified. Other scopes are untouched. Stored records of the scope it does not name are
    kept as they are; where they, or the global scope, clash with it, a warning says so.
    """
    counts = ImportCounts(scope=directory.scope)
    scope_key = directory.scope_key
    stored = {agency.key: agency for agency in list_agencies(session, [scope_key])}
    status: dict[str, str] = {}
    new: list[AgencyEntry] = []
    for entry in directory.agencies:
        agency = stored.get(entry.key)
        if agency is None:
            new.append(entry)
            status[entry.key] = "created"
        else:
            status[entry.key] = "updated" if _assign(agency, _values(entry)) else "unchanged"
    if new:
        # One INSERT run for the new agencies, not the unit of work's row by row (its flush
        # of 20,000 agencies took seconds); RETURNING hands back the stored rows in order.
        rows = [_values(entry) | {"key": entry.key, "scope_key": scope_key} for entry in new]
        statement = insert(Agency).returning(Agency, sort_by_parameter_order=True)
        created = session.scalars(statement, rows).all()
        stored.update((entry.key, agency) for entry, agency in zip(new, created, strict=True))

    by_any_name: dict[str, Agency] = {}
    for entry in directory.agencies:
        by_any_name[entry.key] = stored[entry.key]
        for alias_key in entry.alias_keys:
            by_any_name.setdefault(alias_key, stored[entry.key])
    for entry in directory.agencies:
        agency = stored[entry.key]
        parent = by_any_name[normalize_name(entry.parent)] if entry.parent else None
        if agency.parent is not parent:
            agency.parent = parent
            if status[entry.key] == "unchanged":
                status[entry.key] = "updated"
        counts.agencies.add(status[entry.key])

    global_agencies = {a.key: a for a in list_agencies(session, [""])} if scope_key else None
    counts.warnings.extend(_alias_warnings(directory.agencies, stored, global_agencies))
    _import_groups(session, directory, by_any_name, counts)
    session.flush()
    return counts


def _alias_warnings(
    entries: list[AgencyEntry] | list[GroupEntry],
    stored: Mapping[str, Agency] | Mapping[str, AgencyGroup],
    global_stored: Mapping[str, Agency] | Mapping[str, AgencyGroup] | None,
) -> list[str]:
    """Aliases shadowed by a stored name of the same scope and, for a scoped directory, by a
    name of the global scope."""
    named = {entry.key for entry in entries}
    warnings = _shadowed_aliases(entries, stored, named)
    if global_stored is not None:
        warnings += _shadowed_aliases(entries, global_stored, named, global_scope=True)
    return warnings


def _shadowed_aliases(
    entries: Iterable[AgencyEntry | GroupEntry],
    stored: Mapping[str, Agency | AgencyGroup],
    named: set[str],
    *,
    global_scope: bool = False,
) -> list[str]:
    """An alias that is the name of a stored record of the scope outside this directory
    loses: exact names resolve first. One that is a name in the global scope wins over it
    for this scope's plans. Either is said: plans would silently go to another record."""
    warnings = []
    for entry in entries:
        for alias, key in zip(entry.aliases, map(normalize_name, entry.aliases), strict=True):
            other = stored.get(key)
            if other is None or key in named or key == entry.key:
                continue
            if global_scope:
                outcome = f"is the name of {other.name!r} in the global scope: this scope's"
                outcome += f" plans resolve that name to {entry.name!r}"
            else:
                outcome = f"is the name of stored {other.name!r}, which this directory does"
                outcome += " not list: that name resolves to the stored one"
            warnings.append(f"alias {alias!r} of {entry.name!r} {outcome}")
    return warnings


def _import_groups(
    session: Session, directory: Directory, by_any_name: dict[str, Agency], counts: ImportCounts
) -> None:
    scope_key = directory.scope_key
    stored = {group.key: group for group in list_groups(session, [scope_key])}
    for entry in directory.groups:
        members = [by_any_name[normalize_name(member)] for member in entry.members]
        group = stored.get(entry.key)
        if group is None:
            group = AgencyGroup(
                key=entry.key, scope_key=scope_key, name=entry.name, aliases=list(entry.aliases)
            )
            group.members = members
            session.add(group)
            counts.groups.add("created")
            continue
        changed = _assign(group, {"name": entry.name, "aliases": entry.aliases})
        if {a.key for a in group.members} != {a.key for a in members}:
            foreign = [a.name for a in group.members if a.key not in by_any_name]
            if foreign:
                counts.warnings.append(
                    f"group {entry.name!r} loses {len(foreign)} members this directory does not"
                    f" list ({', '.join(foreign[:3])}, …); another locality's directory needs"
                    " a `scope` of its own"
                )
            group.members = members
            changed = True
        counts.groups.add("updated" if changed else "unchanged")
    global_groups = {g.key: g for g in list_groups(session, [""])} if scope_key else None
    counts.warnings.extend(_alias_warnings(directory.groups, stored, global_groups))


# Head words of agency names and the kind they suggest, most specific first.
_KIND_BY_HEAD = (
    ("ubnd thị trấn", "thi_tran"),
    ("ubnd xã", "xa"),
    ("ubnd phường", "phuong"),
    ("ubnd", "ubnd"),
    ("văn phòng", "van_phong"),
    ("phòng", "phong"),
    ("sở", "so"),
    ("chi cục", "chi_cuc"),
    ("trung tâm", "trung_tam"),
    ("đài", "dai"),
    ("ban", "ban"),
    ("thanh tra", "thanh_tra"),
    ("công an", "cong_an"),
    ("bưu điện", "buu_dien"),
    ("trường", "truong"),
    ("hội", "hoi"),
)


def guess_kind(name: str) -> str | None:
    """The kind an agency probably is, from its head word ("Phòng …" -> "phong")."""
    key = normalize_name(name)
    for head, kind in _KIND_BY_HEAD:
        if key == head or key.startswith(head + " "):
            return kind
    return None


def create_unverified(session: Session, name: str, scope_key: str = "") -> Agency:
    """An agency known only from plan text (`plan import --auto-agencies`): no email and
    verified=False until the scope's directory names it. `scope_key` is the scope the plan
    was resolved in (Resolver.scope_key). Returns the stored agency if the key exists."""
    cleaned = clean_name(name)
    key = normalize_name(cleaned)
    if not key:
        raise ValueError("cannot create an agency with an empty name")
    existing = agency_by_key(session, key, scope_key)
    if existing is not None:
        return existing
    agency = Agency(
        name=cleaned,
        key=key,
        scope_key=scope_key,
        aliases=[],
        kind=guess_kind(cleaned),
        verified=False,
    )
    session.add(agency)
    session.flush()
    return agency
