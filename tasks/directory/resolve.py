"""Agency names as plans write them, matched to the directory's agencies and groups.

Order: exact name, then alias, then fuzzy. Fuzzy matching forgives accents, case, spacing,
dashes and "và" only; it never forgives a different letter, because distinct communes are
often one letter apart (Chiềng Khoong and Chiềng Khương): a wrong match would send the work
to the wrong office, while an unresolved name is shown to a person with suggestions.

Names repeat across localities ("Phòng Nội vụ" in every district), so each entry has a scope
(models.agency). A resolver works for one scope: its entries win over the global scope's,
which win over any other scope's; names that tie between other scopes stay unresolved, with
suggestions qualified by scope, because guessing would send the work to another district.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from rapidfuzz import fuzz, process

from dondoc.core.settings import get_settings
from dondoc.core.text import clean_name, normalize_name, without_marks
from models.queries import (
    directory_names,
    directory_scopes,
    group_memberships,
    list_agencies,
    list_groups,
)
from tasks.directory.entries import longest_first

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tasks.directory.entries import Directory

MatchKind = Literal["exact", "alias", "fuzzy", "unresolved"]
# A fuzzy winner must lead the next agency by this many points, or the name is ambiguous.
FUZZY_MARGIN = 5.0
# Below this score a candidate is not worth suggesting.
SUGGESTION_FLOOR = 50.0
SUGGESTION_COUNT = 3
_CONNECTORS = frozenset({"va"})  # "và" once accents are stripped; "-" and "&" are not words


@dataclass(frozen=True)
class Resolution:
    name_as_written: str
    agency_id: int | None
    group_id: int | None
    match: MatchKind
    score: float | None = None
    # Best candidates (canonical name, score) when the name did not resolve.
    suggestions: list[tuple[str, float]] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.match != "unresolved"


@dataclass(frozen=True)
class NamedEntry:
    """An agency or group as the resolver needs it: id, canonical name, other names."""

    id: int
    name: str
    aliases: Sequence[str] = ()
    scope_key: str = ""


class HasNames(Protocol):
    """An Agency row or a NamedEntry."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def scope_key(self) -> str: ...


def stored_known_names(session: Session) -> list[str]:
    """Resolver.known_names() of the whole stored directory, at the cost of one query."""
    return longest_first(directory_names(session))


@dataclass(frozen=True)
class _Target:
    kind: Literal["agency", "group"]
    id: int
    name: str
    scope_key: str = ""


def _skeleton(key: str) -> str:
    """The words of a key without accents or connectors: what a fuzzy match must keep."""
    words = re.findall(r"\w+", without_marks(key))
    return " ".join(sorted(word for word in words if word not in _CONNECTORS))


class Resolver:
    """Built once per command; every lookup after that is a dict hit or one rapidfuzz pass.

    `scope_key` is the scope whose entries win (see the module docstring); "" is the
    global scope, which is also what a resolver over every scope uses."""

    def __init__(
        self,
        agencies: Iterable[HasNames],
        groups: Iterable[HasNames] = (),
        members: Mapping[int, Iterable[int]] | None = None,
        *,
        threshold: float | None = None,
        margin: float = FUZZY_MARGIN,
        scope_key: str = "",
        scope_titles: Mapping[str, str] | None = None,
    ) -> None:
        self.threshold = get_settings().fuzzy_threshold if threshold is None else threshold
        self.margin = margin
        self.scope_key = scope_key
        # Scope key -> how suggestions name it ("UBND huyện Tuy Phước").
        self._scope_titles = dict(scope_titles or {})
        self._by_name: dict[str, list[_Target]] = {}
        self._by_alias: dict[str, list[_Target]] = {}
        self._written: dict[str, str] = {}
        # Every name and alias key once, and the entries that carry it.
        self._choice_keys: list[str] = []
        self._choices: dict[str, list[_Target]] = {}
        self._by_skeleton: dict[str, list[tuple[_Target, str]]] = {}
        self._most_choices = 1
        for agency in agencies:
            self.add_agency(agency)
        self._group_ids: set[int] = set()
        for group in groups:
            self._add(_target("group", group), group.aliases or ())
            self._group_ids.add(group.id)
        self._members = {gid: sorted(ids) for gid, ids in (members or {}).items()}

    @classmethod
    def from_session(
        cls, session: Session, scope: str | None = None, *, threshold: float | None = None
    ) -> Resolver:
        """`scope` is a plan's issuer as written ("UBND huyện Sông Mã"). When the directory
        has that scope, the resolver holds it and the global scope; otherwise every scope,
        and `scope_key` is "" (the plan is not tied to any locality's directory)."""
        titles = directory_scopes(session)
        scope_key = normalize_name(scope) if scope else ""
        if scope_key not in titles:
            scope_key = ""
        scopes = [scope_key, ""] if scope_key else None
        agencies = list_agencies(session, scopes)
        groups = list_groups(session, scopes)
        group_ids = {group.id for group in groups}
        members = {g: ids for g, ids in group_memberships(session).items() if g in group_ids}
        return cls(
            agencies,
            groups,
            members,
            threshold=threshold,
            scope_key=scope_key,
            scope_titles=titles,
        )

    @classmethod
    def from_directory(cls, directory: Directory, *, threshold: float | None = None) -> Resolver:
        """Ids are positions in the file (from 1): enough to check a plan before importing."""
        scope_key = directory.scope_key
        ids = {a.key: i for i, a in enumerate(directory.agencies, start=1)}
        for entry in directory.agencies:
            for key in entry.alias_keys:
                ids.setdefault(key, ids[entry.key])
        agencies = [
            NamedEntry(ids[a.key], a.name, a.aliases, scope_key) for a in directory.agencies
        ]
        groups = [
            NamedEntry(i, g.name, g.aliases, scope_key)
            for i, g in enumerate(directory.groups, start=1)
        ]
        members = {
            i: [ids[normalize_name(m)] for m in g.members]
            for i, g in enumerate(directory.groups, start=1)
        }
        return cls(agencies, groups, members, threshold=threshold, scope_key=scope_key)

    def add_agency(self, agency: HasNames) -> None:
        """Make a newly created agency (plan import --auto-agencies) resolvable at once;
        it must have been flushed so it has an id."""
        self._add(_target("agency", agency), agency.aliases or ())

    def _add(self, target: _Target, aliases: Iterable[str]) -> None:
        key = normalize_name(target.name)
        if not key:
            return
        _append_new(self._by_name.setdefault(key, []), target)
        self._index(key, target.name, target)
        count = 1
        for alias in aliases:
            alias_key = normalize_name(alias)
            if not alias_key or alias_key == key:
                continue
            count += 1
            _append_new(self._by_alias.setdefault(alias_key, []), target)
            self._index(alias_key, clean_name(alias), target)
        self._most_choices = max(self._most_choices, count)

    def _index(self, key: str, written: str, target: _Target) -> None:
        self._written.setdefault(key, written)
        if key not in self._choices:
            self._choice_keys.append(key)
        if _append_new(self._choices.setdefault(key, []), target):
            self._by_skeleton.setdefault(_skeleton(key), []).append((target, key))

    def _tier(self, target: _Target) -> int:
        """0: the resolver's scope, 1: the global scope, 2: any other scope."""
        if target.scope_key == self.scope_key:
            return 0
        return 1 if target.scope_key == "" else 2

    def _visible(self, targets: Sequence[_Target]) -> list[_Target]:
        """The entries sharing one name that a plan of this scope sees: those of the best
        tier (a scope's "Phòng Nội vụ" hides the global one, never another district's)."""
        best = min(map(self._tier, targets), default=0)
        return [target for target in targets if self._tier(target) == best]

    def _title(self, target: _Target) -> str:
        """A name as suggestions show it: qualified by its scope when that is neither the
        resolver's nor the global one ("Phòng Nội vụ (UBND huyện Tuy Phước)")."""
        if target.scope_key in ("", self.scope_key):
            return target.name
        return f"{target.name} ({self._scope_titles.get(target.scope_key, target.scope_key)})"

    def known_names(self) -> list[str]:
        """Every name and alias, longest first (see longest_first)."""
        return longest_first(self._written.values())

    def expand(self, group_id: int) -> list[int]:
        """The member agency ids of a group, in id order (directory order on first import)."""
        if group_id not in self._group_ids:
            raise KeyError(f"no group with id {group_id}")
        return list(self._members.get(group_id, []))

    def resolve(self, name: str) -> Resolution:
        key = normalize_name(name)
        if not key:
            return Resolution(name, None, None, "unresolved")
        written = self._written_match(name, key)
        if written is not None:
            return written

        ranked = self._ranked(key)
        if ranked:
            best, score, best_key = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
            if (
                score >= self.threshold
                and score - runner_up >= self.margin
                and _skeleton(best_key) == _skeleton(key)
            ):
                return self._resolution(name, best, "fuzzy", score)
        return Resolution(name, None, None, "unresolved", None, self._suggestions(key, ranked))

    def _written_match(self, name: str, key: str) -> Resolution | None:
        """The exact-or-alias answer: the best tier decides; within it a name beats an alias
        of the same scope, and entries of several scopes, or two owners, tie."""
        names = self._by_name.get(key, [])
        aliases = self._by_alias.get(key, [])
        if not names and not aliases:
            return None
        visible = self._visible([*names, *aliases])
        if len({target.scope_key for target in visible}) == 1:
            by_name = [target for target in visible if target in names]
            visible = by_name or visible
            if len(visible) == 1:
                return self._resolution(name, visible[0], "exact" if by_name else "alias", None)
        options = [(self._title(t), 100.0) for t in visible]
        return Resolution(name, None, None, "unresolved", None, options[:SUGGESTION_COUNT])

    def _suggestions(
        self, key: str, ranked: list[tuple[_Target, float, str]]
    ) -> list[tuple[str, float]]:
        """Names that differ only in accents come first: "UBND xa Chieng Khuong" typed
        without accents scores low against every commune, but its words point at one."""
        best: dict[_Target, float] = {}
        visible: dict[str, set[_Target]] = {}
        for target, choice in self._by_skeleton.get(_skeleton(key), []):
            if choice not in visible:
                visible[choice] = set(self._visible(self._choices[choice]))
            if target in visible[choice]:
                score = round(float(fuzz.token_sort_ratio(key, choice)), 1)
                best[target] = max(score, best.get(target, 0.0))
        same_words = sorted(best.items(), key=lambda hit: -hit[1])
        seen = set(best)
        others = [(t, s) for t, s, _ in ranked if t not in seen]
        chosen = (same_words + others)[:SUGGESTION_COUNT]
        return [(self._title(t), s) for t, s in chosen]

    def _ranked(self, key: str) -> list[tuple[_Target, float, str]]:
        """Best score per agency or group, highest first."""
        limit = (SUGGESTION_COUNT + 1) * self._most_choices
        matches = process.extract(
            key,
            self._choice_keys,
            scorer=fuzz.token_sort_ratio,
            limit=limit,
            score_cutoff=SUGGESTION_FLOOR,
        )
        best: dict[_Target, tuple[_Target, float, str]] = {}
        for choice, score, _ in matches:
            for target in self._visible(self._choices[choice]):
                if target not in best:
                    best[target] = (target, round(float(score), 1), choice)
        return sorted(best.values(), key=lambda hit: -hit[1])

    @staticmethod
    def _resolution(
        name: str, target: _Target, match: MatchKind, score: float | None
    ) -> Resolution:
        if target.kind == "agency":
            return Resolution(name, target.id, None, match, score)
        return Resolution(name, None, target.id, match, score)


def _target(kind: Literal["agency", "group"], entry: HasNames) -> _Target:
    return _Target(kind, entry.id, clean_name(entry.name), entry.scope_key or "")


def _append_new(targets: list[_Target], target: _Target) -> bool:
    """Append unless present (an agency added again after import); True when appended."""
    if target in targets:
        return False
    targets.append(target)
    return True
