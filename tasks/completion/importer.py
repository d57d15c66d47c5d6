"""Completion status imported from a sheet an Interior Office clerk fills: each row names one
occurrence (by its id, or by plan number, item, agency and due date) and says it is done.

Every row goes through models.status.record_done, as `dondoc occurrences done` does, so the
model decides done or done late. Every row is checked before the caller commits: a single bad row
fails the whole file with every problem listed, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from dondoc.core.clock import local_date, start_of_local_day
from dondoc.core.ids import parse_id
from dondoc.core.text import normalize_name
from models import Occurrence, OccurrenceStateError, Plan, PlanItem
from models.bulk import chunks
from models.status import (
    DONE_STATUSES,
    AlreadyReported,
    DoneReport,
    record_done,
    record_done_many,
    reported_on,
)
from tasks.completion.sheet import (
    KEY_COLUMNS,
    CompletionImportError,
    Problem,
    Sheet,
    SheetRow,
    cell_text,
    fold,
    parse_day,
    read_sheet,
)
from tasks.directory.resolve import Resolver

__all__ = ["CompletionImportError", "CompletionReport", "completion_instant", "import_completions"]

DONE_WORDS = frozenset(map(fold, ("done", "xong", "đã xong", "hoàn thành", "đã hoàn thành")))
_BY_MAX = 200  # the width of occurrence.completed_by


def completion_instant(on: date | None, now: datetime) -> tuple[date, datetime]:
    """The local day work was done and the instant recorded for it: a day given starts at
    local midnight, no day means now (how `occurrences done --at` reads it)."""
    if on is None:
        return local_date(now), now
    return on, start_of_local_day(on)


@dataclass(frozen=True)
class RowOutcome:
    line: int
    occurrence: Occurrence
    outcome: Literal["completed", "unchanged"]
    completed_on: date

    def to_json(self) -> dict[str, Any]:
        occurrence = self.occurrence
        return {
            "line": self.line,
            "occurrence_id": occurrence.id,
            "plan_number": occurrence.plan.number,
            "item_seq": occurrence.item.seq,
            "agency": occurrence.agency.name,
            "due": occurrence.due.isoformat(),
            "outcome": self.outcome,
            "status": occurrence.status,
            "completed_on": self.completed_on.isoformat(),
            "completed_by": occurrence.completed_by,
        }


@dataclass
class CompletionReport:
    source: str
    rows: list[RowOutcome] = field(default_factory=list)
    skipped_blank: int = 0
    warnings: list[str] = field(default_factory=list)

    def _count(self, outcome: str, status: str | None = None) -> int:
        return sum(
            1
            for row in self.rows
            if row.outcome == outcome and status in (None, row.occurrence.status)
        )

    @property
    def completed(self) -> int:
        return self._count("completed")

    @property
    def late(self) -> int:
        return self._count("completed", "done_late")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    def summary(self) -> str:
        return (
            f"completed {self.completed} (of which late {self.late}), "
            f"unchanged {self.unchanged}, skipped blank {self.skipped_blank}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "completed": self.completed,
            "late": self.late,
            "unchanged": self.unchanged,
            "skipped_blank": self.skipped_blank,
            "rows": [row.to_json() for row in self.rows],
            "warnings": self.warnings,
        }


class _RowError(Exception):
    """The row's bad cells: (column, message) each."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


def import_completions(
    session: Session, path: Path, *, default_by: str, now: datetime
) -> CompletionReport:
    """Record the sheet's done rows in the caller's transaction; raises CompletionImportError
    listing every bad row, and then the caller's transaction must not commit."""
    sheet = read_sheet(path)
    importer = _Importer(session, sheet, default_by=default_by, now=now)
    report = CompletionReport(sheet.source, warnings=list(sheet.warnings))
    problems: list[Problem] = []
    importer.load_named_by_id()
    for row in sheet.rows:
        if row.text("status") is None:
            report.skipped_blank += 1
            continue
        try:
            report.rows.append(importer.apply(row))
        except _RowError as exc:
            problems.extend(sheet.problem(row.line, c, message) for c, message in exc.problems)
    if not problems:
        problems = importer.write(report)
    if problems:
        raise CompletionImportError(problems)
    return report


class _Importer:
    """One sheet's rows against the database; plans and resolvers are looked up once."""

    def __init__(self, session: Session, sheet: Sheet, *, default_by: str, now: datetime):
        self.session = session
        self.sheet = sheet
        self.default_by = default_by
        self.now = now
        self.seen: dict[int, int] = {}  # occurrence id -> the line that named it
        # Plan number key -> (plan id, directory scope) of each plan so numbered.
        self._plans: dict[str, list[tuple[int, str]]] | None = None
        self._resolvers: dict[str, Resolver] = {}
        self._done: list[tuple[SheetRow, DoneReport]] = []  # written together by write()
        # The session holds what it read weakly: the occurrences named by id are kept here.
        self._named: dict[int, Occurrence] = {}

    def load_named_by_id(self) -> None:
        """Read the occurrences the sheet names by id in a few statements, not one a row
        (find() takes them from here)."""
        ids = set()
        for row in self.sheet.rows:
            if (raw_id := row.value("occurrence_id")) is not None:
                with suppress(ValueError):
                    ids.add(parse_id(cell_text(raw_id) or ""))
        for chunk in chunks(self.session, sorted(ids)):
            found = self.session.scalars(select(Occurrence).where(Occurrence.id.in_(chunk)))
            self._named.update((occurrence.id, occurrence) for occurrence in found)

    def write(self, report: CompletionReport) -> list[Problem]:
        """Record every row found done, in one go; when someone recorded some of that work
        meanwhile, row by row as record_done says, the report's rows learning what each
        found. The problems of rows that then fail."""
        late = record_done_many(self.session, [done for _, done in self._done], now=self.now)
        late_ids = {done.occurrence.id for done in late}
        problems: list[Problem] = []
        outcomes = {}
        for row, done in self._done:
            if done.occurrence.id not in late_ids:
                continue
            try:
                outcomes[row.line] = self._record_one(row, done)
            except _RowError as exc:
                problems.extend(self.sheet.problem(row.line, c, m) for c, m in exc.problems)
        report.rows = [outcomes.get(outcome.line, outcome) for outcome in report.rows]
        return problems

    def apply(self, row: SheetRow) -> RowOutcome:
        bad: list[tuple[str, str]] = []
        if fold(row.text("status") or "") not in DONE_WORDS:
            message = f"{row.text('status')!r} is not a done status: write xong, hoàn thành,"
            bad.append(("status", message + " đã hoàn thành or done; leave it blank if not done"))
        on = _day(bad, row, "completed_on")
        if on is not None and on > local_date(self.now):
            bad.append(("completed_on", f"{on:%d/%m/%Y} is in the future"))
        by = row.text("completed_by") or self.default_by
        if len(by) > _BY_MAX:
            bad.append(("completed_by", f"longer than {_BY_MAX} characters"))
        try:
            occurrence = self.find(row)
        except _RowError as exc:
            raise _RowError(bad + exc.problems) from None
        if bad:
            raise _RowError(bad)
        return self._record(row, occurrence, on, by)

    def _record(
        self, row: SheetRow, occurrence: Occurrence, on: date | None, by: str
    ) -> RowOutcome:
        key = "occurrence_id" if row.value("occurrence_id") is not None else "due"
        if (first := self.seen.setdefault(occurrence.id, row.line)) != row.line:
            raise _RowError([(key, f"names the same work as line {first}")])
        if occurrence.status in DONE_STATUSES:
            return _already_done(row, occurrence, on)
        if occurrence.status == "cancelled":
            message = f"occurrence {occurrence.id} is cancelled (its work left the plan)"
            raise _RowError([("status", message + " and cannot be done")])
        day, at = completion_instant(on, self.now)
        if not by.strip():
            raise _RowError([("status", "completing work needs the name of who did it")])
        self._done.append((row, DoneReport(occurrence, by, at, row.text("note"), day)))
        return RowOutcome(row.line, occurrence, "completed", day)

    def _record_one(self, row: SheetRow, done: DoneReport) -> RowOutcome:
        occurrence, on = done.occurrence, done.on
        try:
            record_done(
                self.session,
                occurrence,
                by=done.by,
                at=done.at,
                note=done.note,
                on=on,
                now=self.now,
            )
        except AlreadyReported:
            # Recorded by someone else between our read and our write (the conditional
            # UPDATE lost): the row reads as if it had found the work done.
            return _already_done(row, occurrence, on)
        except OccurrenceStateError as exc:
            raise _RowError([("status", str(exc))]) from exc
        return RowOutcome(row.line, occurrence, "completed", on)

    def find(self, row: SheetRow) -> Occurrence:
        """The occurrence the row names: its id, or plan number, item, agency and due date."""
        if (raw_id := row.value("occurrence_id")) is not None:
            try:
                occurrence_id = parse_id(cell_text(raw_id) or "")
            except ValueError as exc:
                raise _RowError([("occurrence_id", str(exc))]) from None
            occurrence = self._named.get(occurrence_id) or self.session.get(
                Occurrence, occurrence_id
            )
            if occurrence is None:
                raise _RowError([("occurrence_id", f"no occurrence with id {occurrence_id}")])
            return occurrence
        if all(column in self.sheet.headers for column in KEY_COLUMNS):
            return self._find_by_key(row)
        message = "is blank, and the sheet has no plan, item, agency and due columns instead"
        raise _RowError([("occurrence_id", message)])

    def _find_by_key(self, row: SheetRow) -> Occurrence:
        bad: list[tuple[str, str]] = []
        number, seq, name = (row.text(c) for c in ("plan", "item", "agency"))
        for column, value in (("plan", number), ("item", seq), ("agency", name)):
            if value is None:
                bad.append((column, "is required when the row gives no occurrence id"))
        due = _day(bad, row, "due", required=True)
        plans = self._plans_numbered(number) if number else []
        if number and not plans:
            bad.append(("plan", f"no plan numbered {number!r}"))
        scopes = {scope_key for _, scope_key in plans}
        agency_ids = self._agency_ids(bad, scopes, name) if plans and name else []
        if bad or due is None or seq is None:
            raise _RowError(bad)
        seq = seq.rstrip(".")
        base = (
            select(Occurrence)
            .join(PlanItem, Occurrence.item_id == PlanItem.id)
            .where(Occurrence.plan_id.in_([plan_id for plan_id, _ in plans]), PlanItem.seq == seq)
        )
        found = self.session.scalars(
            base.where(
                Occurrence.agency_id.in_(agency_ids),
                or_(Occurrence.due == due, Occurrence.nominal_due == due),
            )
        ).all()
        if len(found) == 1:
            return found[0]
        if found:
            ids = ", ".join(str(occurrence.id) for occurrence in found)
            message = f"matches occurrences {ids}: write the one meant in a Mã column"
            raise _RowError([("due", message)])
        raise _RowError([self._why_none(base, number or "", seq, name or "", agency_ids, due)])

    def _why_none(
        self,
        base: Select[tuple[Occurrence]],
        number: str,
        seq: str,
        name: str,
        agency_ids: list[int],
        due: date,
    ) -> tuple[str, str]:
        """Which of item, agency and due date has no work, with the nearest due dates."""
        if self.session.scalars(base.limit(1)).first() is None:
            return "item", f"plan {number} has no item {seq} with dated work"
        dues = self.session.scalars(
            base.where(Occurrence.agency_id.in_(agency_ids)).with_only_columns(Occurrence.due)
        ).all()
        if not dues:
            return "agency", f"{name} has no work on item {seq} of plan {number}"
        nearest = sorted(set(dues), key=lambda day: abs((day - due).days))[:3]
        hint = ", ".join(f"{day:%d/%m/%Y}" for day in sorted(nearest))
        return "due", f"{name} owes item {seq} on {hint}, not on {due:%d/%m/%Y}"

    def _plans_numbered(self, number: str) -> list[tuple[int, str]]:
        """Every plan with this number, amended texts included ("33/KH-UBND" and
        "33/kh-ubnd" are one number): an amendment takes over its predecessor's work."""
        if self._plans is None:
            self._plans = {}
            rows = self.session.execute(select(Plan.id, Plan.number, Plan.scope_key))
            for plan_id, plan_number, scope_key in rows:
                if plan_number:
                    key = normalize_name(plan_number)
                    self._plans.setdefault(key, []).append((plan_id, scope_key))
        return self._plans.get(normalize_name(number), [])

    def _agency_ids(
        self, bad: list[tuple[str, str]], scope_keys: Iterable[str], name: str
    ) -> list[int]:
        """The agency a name resolves to in each plan's directory scope (a plan number can
        repeat across localities); a group or an unknown name is the row's problem."""
        resolutions = []
        for scope_key in sorted(scope_keys):
            if scope_key not in self._resolvers:
                self._resolvers[scope_key] = Resolver.from_session(self.session, scope_key)
            resolutions.append(self._resolvers[scope_key].resolve(name))
        ids = sorted({r.agency_id for r in resolutions if r.agency_id is not None})
        if not ids and any(r.group_id is not None for r in resolutions):
            bad.append(("agency", f"{name!r} is a group: write one agency a row"))
        elif not ids:
            hint = ", ".join(s for s, _ in resolutions[0].suggestions)
            message = f"no agency named {name!r}" + (f"; did you mean {hint}?" if hint else "")
            bad.append(("agency", message))
        return ids


def _already_done(row: SheetRow, occurrence: Occurrence, on: date | None) -> RowOutcome:
    """Work someone recorded done: unchanged when the row agrees on the day (or gives none),
    the row's problem when it says another day. Either way the row learns who and when."""
    recorded = reported_on(occurrence)
    if on is None or on == recorded:
        return RowOutcome(row.line, occurrence, "unchanged", recorded)
    message = f"occurrence {occurrence.id} was already recorded {occurrence.status}"
    message += f" on {recorded:%d/%m/%Y} by {occurrence.completed_by}"
    raise _RowError([("completed_on", message)])


def _day(
    bad: list[tuple[str, str]], row: SheetRow, column: str, *, required: bool = False
) -> date | None:
    """The cell's date, or None with its problem noted (blank is one when required)."""
    value = row.value(column)
    if value is None:
        if required:
            bad.append((column, "is required when the row gives no occurrence id"))
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        bad.append((column, str(exc)))
        return None
