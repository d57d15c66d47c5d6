"""The read behind the progress report: how much of the work that has fallen due was done on
time, done late or is overdue, per (plan, agency). One GROUP BY in SQL, whatever the number of
occurrences; only the groups come back to Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from models.agency import Agency
from models.occurrence import Occurrence, status_filter
from models.plan import Plan

OCC = Occurrence.__table__


@dataclass(frozen=True)
class ProgressCounts:
    """Deadlines of one agency in one plan that fell due by the report's date, by outcome.
    `due` = done + done_late + overdue + open_today (cancelled work is not counted)."""

    plan_id: int
    plan_number: str | None
    plan_title: str
    agency_id: int
    agency_name: str
    due: int
    done: int
    done_late: int
    overdue: int
    open_today: int  # pending and due on the report's date: not late yet


def _tally(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def progress_counts(
    session: Session,
    today: date,
    *,
    plan_id: int | None = None,
    monitor_id: int | None = None,
    kind: str = "due",
) -> list[ProgressCounts]:
    """Counts per (plan, agency) of the deadlines due on or before `today` in approved plans,
    optionally of one plan and/or of the plans agency `monitor_id` monitors.

    Only kind "due" (a period's deliverable) is counted by default: a "checkin" is a progress
    look at ongoing work ("thường xuyên"), not a deliverable, and there are many of them, so
    mixing them in would drown the on-time rate; pass kind="checkin" to count those alone.

    Outcomes follow `effective_status`: pending work past its due date is overdue even before
    the daily flip wrote it. They are the statuses recorded now: for a date in the past, work
    completed since counts as done (late when completed after its due date)."""
    plans = select(Plan.id).where(Plan.status == "approved")
    if plan_id is not None:
        plans = plans.where(Plan.id == plan_id)
    if monitor_id is not None:
        plans = plans.where(Plan.monitoring_agency_id == monitor_id)
    status = Occurrence.status
    totals = (
        select(
            OCC.c.plan_id,
            OCC.c.agency_id,
            func.count().label("due"),
            _tally(status == "done").label("done"),
            _tally(status == "done_late").label("done_late"),
            _tally(status_filter("overdue", today)).label("overdue"),
            # pending and not before today: with due <= today, due today.
            _tally(status_filter("pending", today)).label("open_today"),
        )
        .where(
            OCC.c.plan_id.in_(plans),
            OCC.c.kind == kind,
            OCC.c.due <= today,
            OCC.c.status != "cancelled",
        )
        .group_by(OCC.c.plan_id, OCC.c.agency_id)
        .subquery()
    )
    query = (
        select(
            totals.c.plan_id,
            Plan.number,
            Plan.title,
            totals.c.agency_id,
            Agency.name,
            totals.c.due,
            totals.c.done,
            totals.c.done_late,
            totals.c.overdue,
            totals.c.open_today,
        )
        .join(Plan, Plan.id == totals.c.plan_id)
        .join(Agency, Agency.id == totals.c.agency_id)
        .order_by(totals.c.plan_id, Agency.name, totals.c.agency_id)
    )
    return [
        ProgressCounts(plan, number, title, agency, name, *(int(n) for n in numbers))
        for plan, number, title, agency, name, *numbers in session.execute(query)
    ]
