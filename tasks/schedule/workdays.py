"""The Vietnamese working-day calendar: which days count when a plan says "5 ngày làm việc".

The `holidays` package knows the statutory holidays (lunar Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5,
2/9) and the Saturdays the Government swapped to working days. What it misses is announced
each year and comes from an override file (dondoc/data/vn-workdays.yaml) that wins over it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Literal, NamedTuple

import holidays
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dondoc.core.problems import InputFileError, InputProblem
from dondoc.core.yaml_lines import is_null, node_line, read_yaml

Direction = Literal["next", "previous"]
Source = Literal["holidays", "override"]
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_LISTS = {"off": False, "work": True}
_ENTRY_KEYS = ("date", "from", "to", "reason")
# The longest announced break (Tết) is nine days: a longer range is a mistyped year.
_MAX_RANGE_DAYS = 31
_ONE_DAY = timedelta(days=1)
# A reason is one line of the calendar's table and of every deadline moved for it.
_MAX_REASON = 300


class WorkdayOverrideError(InputFileError):
    """The override file cannot be used; every problem names file, line and field, all at
    once, so the file is fixed in one pass."""


@dataclass(frozen=True)
class DayOverride:
    day: date
    working: bool
    reason: str
    line: int = 0


@dataclass(frozen=True)
class WorkdayException:
    """A weekday that is not worked, or a weekend day that is."""

    day: date
    working: bool
    reason: str
    source: Source


def default_overrides_path() -> Path:
    """The override file shipped with dondoc (kept up to date with each year's announcements)."""
    return Path(str(files("dondoc").joinpath("data", "vn-workdays.yaml")))


def weekday_name(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


# --- the override file -------------------------------------------------------------------


def load_overrides(path: Path) -> list[DayOverride]:
    """Read the override file (`off:` and `work:` lists of dates or from/to ranges); every
    problem is reported at once, as for agency directories."""
    source = str(path)
    root = read_yaml(path, WorkdayOverrideError).root
    if not isinstance(root, MappingNode):
        line = node_line(root) if root is not None else 1
        message = "expected a mapping with the lists 'off' and 'work'"
        raise WorkdayOverrideError.one(source, message, line=line)

    problems: list[InputProblem] = []
    overrides: list[DayOverride] = []
    listed: dict[date, int] = {}
    for key_node, value_node in root.value:
        key = str(key_node.value)
        if key not in _LISTS:
            message = "unknown key: expected 'off' or 'work'"
            problems.append(InputProblem(source, node_line(key_node), key, message))
            continue
        if is_null(value_node):
            continue  # an empty list
        if not isinstance(value_node, SequenceNode):
            message = "expected a list of entries"
            problems.append(InputProblem(source, node_line(value_node), key, message))
            continue
        for item in value_node.value:
            if not isinstance(item, MappingNode):
                message = "each entry is a mapping: {date: …, reason: …} or {from: …, to: …, …}"
                problems.append(InputProblem(source, node_line(item), key, message))
                continue
            if (entry := _entry(source, item, problems)) is None:
                continue
            days, reason, field = entry
            if (again := next((day for day in days if day in listed), None)) is not None:
                message = f"{again} is listed twice (also on line {listed[again]})"
                problems.append(InputProblem(source, node_line(item), field, message))
                continue
            for day in days:
                listed[day] = node_line(item)
                overrides.append(DayOverride(day, _LISTS[key], reason, node_line(item)))
    if problems:
        raise WorkdayOverrideError(problems)
    return overrides


def _entry(
    source: str, node: MappingNode, problems: list[InputProblem]
) -> tuple[list[date], str, str] | None:
    """One entry's days, reason and the field naming its days; None when it has a problem."""
    before = len(problems)

    def problem(at: Node, field: str, message: str) -> None:
        problems.append(InputProblem(source, node_line(at), field, message))

    values: dict[str, Node] = {}
    for key_node, value_node in node.value:  # a key given twice is refused by read_yaml
        key = str(key_node.value)
        if key in _ENTRY_KEYS:
            values[key] = value_node
        else:
            problem(key_node, key, "unknown key: expected date or from/to, reason")
    reason = values.get("reason")
    text = reason.value.strip() if isinstance(reason, ScalarNode) else ""
    if not text:
        message = "missing: say why the day is off or worked"
        problem(reason if reason is not None else node, "reason", message)
    elif len(text) > _MAX_REASON and reason is not None:
        problem(reason, "reason", f"longer than {_MAX_REASON} characters: say it in a line")
    if "date" in values and ("from" in values or "to" in values):
        problem(values["date"], "date", "give either date or from and to, not both")
        return None
    field = "date" if "date" in values else "from"
    first = _date(values.get(field), field, node, problem)
    last = first if field == "date" else _date(values.get("to"), "to", node, problem)
    if first is None or last is None or len(problems) > before:
        return None
    if last < first:
        message = f"{last} is before from {first}: the range ends before it starts"
        problem(values["to"], "to", message)
    elif (last - first).days >= _MAX_RANGE_DAYS:
        message = f"{first} to {last} is {(last - first).days + 1} days: check the year"
        problem(values["to"], "to", message)
    else:
        return [first + timedelta(days=i) for i in range((last - first).days + 1)], text, field
    return None


def _date(
    node: Node | None, field: str, entry: Node, problem: Callable[[Node, str, str], None]
) -> date | None:
    """YYYY-MM-DD, checked here rather than by YAML so that 2025-02-30 names its line."""
    if node is None:
        problem(entry, field, "missing: give date, or from and to")
        return None
    written = node.value.strip() if isinstance(node, ScalarNode) else None
    if written and (match := _DATE.fullmatch(written)):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            pass
    shown = written or ("an empty value" if written == "" else "a list or mapping")
    problem(node, field, f"{shown} is not a date")
    return None


# --- the calendar ------------------------------------------------------------------------


class _Status(NamedTuple):
    working: bool
    reason: str | None
    source: Source | None


class WorkCalendar:
    """Working days: Monday to Friday, minus holidays, plus swapped Saturdays; an override
    decides its day outright. Answers are cached per day, and the package computes a year's
    holidays only when a day of that year is first asked about."""

    def __init__(self, overrides: Iterable[DayOverride] = ()) -> None:
        self._overrides = {override.day: override for override in overrides}
        self._holidays = holidays.VN(language="vi")  # no years: expanded on demand
        self._cache: dict[date, _Status] = {}

    @classmethod
    def from_file(cls, path: Path | None = None) -> WorkCalendar:
        """The calendar with the overrides of `path`, or of the packaged file when None."""
        return cls(load_overrides(path if path is not None else default_overrides_path()))

    def _status(self, day: date) -> _Status:
        status = self._cache.get(day)
        if status is None:
            status = self._cache[day] = self._compute(day)
        return status

    def _compute(self, day: date) -> _Status:
        override = self._overrides.get(day)
        if override is not None:
            return _Status(override.working, override.reason, "override")
        name = self._holidays.get(day)  # first: it loads the year, and its weekend_workdays
        weekend = day.weekday() >= 5
        if weekend and day in self._holidays.weekend_workdays:
            return _Status(True, self._swap_reason(day), "holidays")
        if name is not None:
            return _Status(False, name, "holidays")
        return _Status(not weekend, None, None)

    def _swap_reason(self, day: date) -> str:
        """The package names the day off ("thay cho ngày 26/04/2025"), not the Saturday."""
        stamp = f"{day:%d/%m/%Y}"
        for year in (day.year, day.year + 1):  # 27/12/2014 was worked for 2/1/2015
            self._holidays.get(date(year, 1, 1))
        for off, name in sorted(self._holidays.items()):
            if stamp in name:
                weekday = weekday_name(off)
                weekday = weekday[0].lower() + weekday[1:]  # "thứ Sáu", "chủ nhật"
                return f"Làm bù cho ngày nghỉ {weekday} {off:%d/%m/%Y}"
        return "Làm bù theo lịch hoán đổi ngày làm việc"

    def is_working_day(self, day: date) -> bool:
        return self._status(day).working

    def reason(self, day: date) -> str | None:
        """Why the day is off or worked against the weekday/weekend rule (a holiday on a
        Sunday included); None for an ordinary weekday or weekend day."""
        return self._status(day).reason

    def next_working_day(self, day: date) -> date:
        while not self._status(day).working:
            day += _ONE_DAY
        return day

    def previous_working_day(self, day: date) -> date:
        while not self._status(day).working:
            day -= _ONE_DAY
        return day

    def shift(self, day: date, direction: Direction) -> date:
        if direction == "next":
            return self.next_working_day(day)
        if direction == "previous":
            return self.previous_working_day(day)
        raise ValueError(f"direction must be 'next' or 'previous', not {direction!r}")

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it when n < 0); `day` itself is not
        counted (Civil Code art. 147), and n == 0 returns `day` unchanged."""
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self._status(day).working:
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            count += self._status(day).working
        return count

    def exceptions(self, year: int) -> list[WorkdayException]:
        """Every weekday of `year` that is not worked and every weekend day that is."""
        found = []
        day = date(year, 1, 1)
        while day.year == year:
            status = self._status(day)
            if status.working == (day.weekday() >= 5) and status.source is not None:
                reason = status.reason or ""
                found.append(WorkdayException(day, status.working, reason, status.source))
            day += _ONE_DAY
        return found
