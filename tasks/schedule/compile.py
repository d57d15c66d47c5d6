"""Compile an approved plan into occurrences: one per (item, lead agency, period).

Three steps, so the Prefect flow can show each and the CLI can run them in one go:
`prepare_compile` reads and checks the plan (nothing written), `expand_items` dates every
item over the plan's period (pure), and `apply_compile` diffs that against what is stored and
writes the difference in the caller's transaction. Compiling twice changes nothing; an
amended text of the same plan takes over the occurrences of the items it keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from dondoc.core.settings import get_settings
from models import Assignment, Plan, PlanItem
from models.queries import members_of_groups
from tasks.plans import Schedule
from tasks.schedule.compiled import CompileError, CompileInput, CompileResult, DesiredRow, ItemSpec
from tasks.schedule.rules import Checkin, Shift, WorkingDays, expand, rule_for
from tasks.schedule.store import apply_compile
from tasks.schedule.workdays import WorkCalendar


def parse_period(text: str) -> tuple[date, date]:
    """`2019-01-01:2019-12-31`, as `--period` and the flow's parameter take it."""
    start, sep, end = text.partition(":")
    try:
        period = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        sep = ""
    if not sep:
        raise CompileError(f"period {text!r}: write it as FROM:TO, e.g. 2019-01-01:2019-12-31")
    if period[1] < period[0]:
        raise CompileError(f"period {text!r} ends before it starts")
    return period


def default_period(plan: Plan) -> tuple[date, date] | None:
    """The stored period, else from the plan's date (or 1 January of its year) to the end of
    its year; None when the plan gives neither a date nor a year."""
    if plan.period_start and plan.period_end:
        return plan.period_start, plan.period_end
    year = plan.year or (plan.issued_on.year if plan.issued_on else None)
    if year is None:
        return None
    start = plan.issued_on if plan.issued_on and plan.issued_on.year == year else date(year, 1, 1)
    return start, date(year, 12, 31)


def load_plan(session: Session, plan_id: int) -> Plan:
    """The plan, checked to be one that compiles."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise CompileError(f"no plan with id {plan_id}")
    if plan.status == "superseded":
        newer = session.scalar(select(Plan.id).where(Plan.supersedes_id == plan.id))
        raise CompileError(f"plan {plan.id} was superseded by plan {newer}: compile that one")
    if plan.status != "approved":
        raise CompileError(
            f"plan {plan.id} is {plan.status}: only approved plans compile; approve it first"
            f" (the approve-plan flow, or dondoc plan approve {plan.id} --by NAME)"
        )
    return plan


def prepare_compile(
    session: Session, plan_id: int, period: tuple[date, date] | None = None
) -> CompileInput:
    """Read and check the plan; writes nothing. Items and assignments are read as rows, not
    ORM objects: a nation-scale compile prepares two thousand plans."""
    plan = load_plan(session, plan_id)
    items = session.execute(
        select(PlanItem.id, PlanItem.seq, PlanItem.key, PlanItem.content, PlanItem.schedule)
        .where(PlanItem.plan_id == plan_id)
        .order_by(PlanItem.position)
    ).all()
    assignments = session.execute(
        select(
            Assignment.item_id,
            Assignment.role,
            Assignment.agency_id,
            Assignment.group_id,
            Assignment.name_as_written,
            Assignment.unresolved,
        )
        .join(PlanItem, PlanItem.id == Assignment.item_id)
        .where(PlanItem.plan_id == plan_id)
        .order_by(Assignment.item_id, Assignment.position)
    ).all()
    seqs = {item.id: item.seq for item in items}
    unresolved = [
        f"{a.name_as_written!r} (item {seqs[a.item_id]})" for a in assignments if a.unresolved
    ]
    if unresolved:
        raise CompileError(
            f"plan {plan.id} names agencies the directory does not know: {', '.join(unresolved)}."
            " Add them to the directory (dondoc agencies import) and import the plan again."
        )
    period = period or default_period(plan)
    if period is None:
        raise CompileError(
            f"plan {plan.id} gives no year or date: give its period with --period FROM:TO"
        )
    leads: dict[int, list[Row[Any]]] = {item.id: [] for item in items}
    for assignment in assignments:
        if assignment.role == "lead":
            leads[assignment.item_id].append(assignment)
    group_ids = {a.group_id for item_leads in leads.values() for a in item_leads if a.group_id}
    members = members_of_groups(session, group_ids)
    specs: list[ItemSpec] = []
    warnings: list[str] = []
    for item in items:
        item_leads = leads[item.id]
        agency_ids = _lead_agencies(item_leads, members)
        where = f"item {item.seq}"
        if not item_leads:
            warnings.append(f"{where}: no lead agency, so nobody owes it")
        elif not agency_ids:
            warnings.append(f"{where}: its lead group has no members in the directory")
        schedule = Schedule.from_json(item.schedule or {"text": ""})
        if schedule.problem or (schedule.kind == "once" and schedule.due is None):
            warnings.append(f"{where}: not scheduled: {schedule.problem or 'no timeframe'}")
        elif schedule.due and schedule.due < period[0]:
            warnings.append(f"{where}: deadline {schedule.due} is before the period starts")
        specs.append(ItemSpec(item.id, item.seq, item.key, item.content, item.schedule, agency_ids))
    title = f"{plan.number or '(no number)'} — {plan.title}"
    return CompileInput(plan.id, title, period, tuple(specs), tuple(warnings))


def _lead_agencies(leads: Iterable[Row[Any]], members: dict[int, list[int]]) -> tuple[int, ...]:
    """Every agency that owes the item: named ones, and each member of a named group, once."""
    ids: dict[int, None] = {}
    for assignment in leads:
        if assignment.agency_id is not None:
            ids[assignment.agency_id] = None
        elif assignment.group_id is not None:
            ids.update(dict.fromkeys(members.get(assignment.group_id, [])))
    return tuple(ids)


@dataclass(frozen=True)
class CompileOptions:
    """How dates are worked out: the working-day calendar, where a deadline on a day off
    goes, and how often ongoing work checks in. `from_settings` is what every entry uses."""

    days: WorkingDays
    shift: Shift = "next"
    checkin: Checkin = "monthly"

    @classmethod
    def from_settings(cls) -> CompileOptions:
        settings = get_settings()
        days = WorkCalendar.from_file(settings.workday_overrides)
        return cls(days, settings.due_shift, settings.ongoing_checkin)


def expand_items(
    items: Sequence[ItemSpec], period: tuple[date, date], options: CompileOptions
) -> list[DesiredRow]:
    """Every occurrence the items owe over the period: each item's dates are worked out
    once, then repeated for each lead agency."""
    rows: list[DesiredRow] = []
    for spec in items:
        rule = rule_for(Schedule.from_json(spec.schedule or {"text": ""}), options.checkin)
        slots = expand(rule, period, options.days, options.shift)
        rows.extend(
            (spec.item_id, agency_id, s.kind, s.period_start, s.period_end, s.nominal_due, s.due)
            for agency_id in spec.lead_agency_ids
            for s in slots
        )
    return rows


def compile_plan(
    session: Session,
    plan_id: int,
    options: CompileOptions,
    *,
    period: tuple[date, date] | None = None,
    now: datetime,
) -> CompileResult:
    """The three steps in the caller's transaction: what `dondoc plan compile` runs."""
    prepared = prepare_compile(session, plan_id, period)
    desired = expand_items(prepared.items, prepared.period, options)
    return apply_compile(session, prepared, desired, now=now)
