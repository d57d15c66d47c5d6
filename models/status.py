"""The one writer of an occurrence's status and its history: every flip (pending → overdue,
open → done or done late, open → cancelled, cancelled or overdue → pending) with its row
in occurrence_event, and the rungs of the escalation ladder.

Every write is a conditional UPDATE, `… WHERE id IN (…) AND status = <what the writer
read>` with RETURNING, and only the rows it really changed get a history row. So two runs,
or two people reporting one period at once, change a row once: the first wins, and the
other reads the row again and is told who reported it and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from dondoc.core.clock import as_utc, local_date
from models.bulk import chunks
from models.occurrence import OPEN_STATUSES, Occurrence, OccurrenceEvent, OccurrenceStateError

OCC = Occurrence.__table__
EVENT = OccurrenceEvent.__table__
DONE_STATUSES = ("done", "done_late")
# An occurrence id and the status its writer read: the condition of its flip.
Seen = tuple[int, str]


class AlreadyReported(OccurrenceStateError):
    """Work someone recorded done first (a moment ago, perhaps): who, and on which day."""

    def __init__(self, occurrence: Occurrence) -> None:
        self.status = occurrence.status
        self.by = occurrence.completed_by
        self.on = reported_on(occurrence)
        super().__init__(
            f"occurrence {occurrence.id} is {self.status}; only pending or overdue work is"
            f" done (reported by {self.by} on {self.on})"
        )


@dataclass(frozen=True)
class Done:
    """What one reporter said of one occurrence: who, at which instant, with which note. It
    fills the occurrence's completion columns and signs its history row."""

    by: str
    at: datetime
    note: str | None

    @classmethod
    def said(cls, by: str, at: datetime, note: str | None) -> Done:
        """The report with its name and note trimmed; a blank name is refused."""
        by, note = by.strip(), (note or "").strip() or None
        if not by:
            raise OccurrenceStateError("completing work needs the name of who did it")
        return cls(by, at, note)


def flip(
    session: Session,
    seen: Iterable[Seen],
    to_status: str,
    *,
    now: datetime,
    by: str | None = None,
    note: str | None = None,
    columns: Mapping[str, Any] | None = None,
    done: Mapping[int, Done] | None = None,
) -> list[Seen]:
    """Set `to_status` (and `columns`) on each occurrence still in the status its writer
    read, raising its sequence so calendar clients replace the event, and write each change's
    history row, signed `by`. `done` gives occurrences their own report (completion columns,
    and the signature and note of their history row). Returns the (id, former status) of the
    rows changed."""
    ids_by_status: dict[str, list[int]] = defaultdict(list)
    for occurrence_id, status in seen:
        ids_by_status[status].append(occurrence_id)
    flipped: list[Seen] = []
    for from_status, ids in ids_by_status.items():
        for chunk in chunks(session, ids):
            statement = (
                update(OCC)
                .where(OCC.c.id.in_(chunk), OCC.c.status == from_status)
                .values(
                    status=to_status,
                    sequence=OCC.c.sequence + 1,
                    updated_at=now,
                    **(columns or {}),
                )
                .returning(OCC.c.id)
            )
            flipped += [(i, from_status) for i in session.execute(statement).scalars()]
    reports = done or {}
    if completed := [(i, reports[i]) for i, _ in flipped if i in reports]:
        completion = (
            update(OCC)
            .where(OCC.c.id == bindparam("b_id"))
            .values(
                completed_at=bindparam("b_at"),
                completed_by=bindparam("b_by"),
                note=bindparam("b_note"),
            )
        )
        session.execute(
            completion,
            [{"b_id": i, "b_at": r.at, "b_by": r.by, "b_note": r.note} for i, r in completed],
        )
    history = [
        {"occurrence_id": i, "at": now, "from_status": s, "to_status": to_status}
        | (
            {"by": reports[i].by, "note": reports[i].note}
            if i in reports
            else {"by": by, "note": note}
        )
        for i, s in flipped
    ]
    if history:
        session.execute(insert(EVENT), history)
    return flipped


def record_done(
    session: Session,
    occurrence: Occurrence,
    *,
    by: str,
    at: datetime,
    note: str | None,
    on: date,
    now: datetime,
) -> None:
    """Record open work done on the local date `on` (done late when after its due date), by
    whom, at which instant and with a note; `occurrence` is read again afterwards. Raises
    AlreadyReported when someone recorded it first, OccurrenceStateError for cancelled work
    or a blank name."""
    report = {occurrence.id: Done.said(by, at, note)}
    to_status = "done_late" if on > occurrence.due else "done"
    # The status only moves forward (pending → overdue → done), so a row that another
    # writer changed under us is read again at most twice.
    for _ in range(3):
        if occurrence.status not in OPEN_STATUSES:
            break
        seen = [(occurrence.id, occurrence.status)]
        flipped = flip(session, seen, to_status, now=now, done=report)
        session.refresh(occurrence)
        if flipped:
            return
    if occurrence.status in DONE_STATUSES:
        raise AlreadyReported(occurrence)
    raise OccurrenceStateError(
        f"occurrence {occurrence.id} is {occurrence.status}; only pending or overdue work is done"
    )


@dataclass(frozen=True)
class DoneReport:
    """One occurrence reported done: by whom, at which instant, on which local day."""

    occurrence: Occurrence
    by: str
    at: datetime
    note: str | None
    on: date


def record_done_many(
    session: Session, reports: Sequence[DoneReport], *, now: datetime
) -> list[DoneReport]:
    """record_done for many occurrences in a few statements (a done sheet of 20,000 rows took
    four a row, over a minute): one flip for the work done in time and one for the work done
    late; every occurrence is read again afterwards. Returns the reports whose work was no
    longer in the status it was read in (someone reported it meanwhile): the caller records
    those with record_done, which says who did. Raises OccurrenceStateError for a blank name."""
    by_target: dict[str, list[Seen]] = defaultdict(list)
    said: dict[int, Done] = {}
    for report in reports:
        occurrence = report.occurrence
        said[occurrence.id] = Done.said(report.by, report.at, report.note)
        to_status = "done_late" if report.on > occurrence.due else "done"
        by_target[to_status].append((occurrence.id, occurrence.status))
    flipped: set[int] = set()
    for to_status, seen in by_target.items():
        flipped.update(i for i, _ in flip(session, seen, to_status, now=now, done=said))
    for chunk in chunks(session, list(said)):
        fresh = select(Occurrence).where(Occurrence.id.in_(chunk))
        session.scalars(fresh.execution_options(populate_existing=True)).all()
    return [report for report in reports if report.occurrence.id not in flipped]


def reported_on(occurrence: Occurrence) -> date:
    """The local day done work was recorded on. SQLite hands back naive instants: they were
    stored as UTC or as local midnight, and read as UTC both land on the right local day."""
    moment = occurrence.completed_at
    assert moment is not None, "done work has a completion instant"
    return local_date(as_utc(moment))


def mark_overdue(session: Session, first_rungs: dict[date, list[int]], now: datetime) -> int:
    """pending → overdue for these occurrences, each with its history row. The keys are the
    days each group's first escalation rung falls due; the ladder starts afresh (a
    rescheduled deadline that passes again is escalated again from the first rung). Rows
    another run flipped meanwhile are left alone; returns how many this call flipped."""
    flipped = 0
    for rung_day, ids in first_rungs.items():
        ladder = {"escalation_level": 0, "escalated_on": None, "next_escalation_on": rung_day}
        seen = [(occurrence_id, "pending") for occurrence_id in ids]
        flipped += len(flip(session, seen, "overdue", now=now, columns=ladder))
    return flipped


def take_rung(session: Session, ids: list[int], level: int, day: date, next_on: date) -> list[int]:
    """Claim escalation rung `level` for these overdue occurrences: a conditional UPDATE, so
    of two runs escalating at once only one gets each occurrence (healthchecks' way)."""
    won: list[int] = []
    for chunk in chunks(session, ids):
        returned = session.execute(
            update(OCC)
            .where(OCC.c.id.in_(chunk), OCC.c.status == "overdue", OCC.c.escalation_level < level)
            .values(escalation_level=level, escalated_on=day, next_escalation_on=next_on)
            .returning(OCC.c.id)
        )
        won += returned.scalars()
    return won
