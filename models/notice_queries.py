"""The reads behind the day's emails: deadlines coming up, work that just passed its due
date, and work whose next escalation rung has come. Each is a range on an occurrence index
((status, due) or (status, next_escalation_on)), so the cost follows what is due that day,
not how many occurrences the nation holds."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from models.agency import Agency, agency_group_member
from models.feed_queries import Slot, slots
from models.occurrence import Occurrence
from models.plan import Assignment, Plan, PlanItem

OCC = Occurrence.__table__


@dataclass(frozen=True)
class Contact:
    agency_id: int
    name: str
    email: str | None
    head_email: str | None


def _deadlines(session: Session, *conditions: ColumnElement[bool]) -> Sequence[Row]:
    """Deadlines in plans in force matching `conditions`, with what a notice needs."""
    query = (
        select(
            OCC.c.id,
            OCC.c.item_id,
            OCC.c.plan_id,
            OCC.c.agency_id,
            OCC.c.kind,
            OCC.c.period_start,
            OCC.c.period_end,
            OCC.c.due,
            OCC.c.sequence,
            OCC.c.updated_at,
            OCC.c.escalation_level,
            PlanItem.schedule_kind,
        )
        .join(PlanItem, PlanItem.id == OCC.c.item_id)
        .join(Plan, Plan.id == OCC.c.plan_id)
        .where(Plan.status == "approved", *conditions)
        .order_by(OCC.c.due, OCC.c.id)
    )
    return session.execute(query).all()


def upcoming(session: Session, first: date, last: date) -> Sequence[Row]:
    """Open (pending) deadlines due from `first` to `last`."""
    return _deadlines(session, OCC.c.status == "pending", OCC.c.due >= first, OCC.c.due <= last)


def past_due(session: Session, day: date) -> Sequence[Row]:
    """Pending deadlines before `day`: what the day's flip turns overdue (a dry run reads
    them as such without writing the flip)."""
    return _deadlines(session, OCC.c.status == "pending", OCC.c.due < day)


def escalation_due(session: Session, day: date) -> Sequence[Row]:
    """Overdue work whose next escalation rung falls on or before `day` (a missed day is
    caught up: the rung reached is sent, not every rung missed)."""
    return _deadlines(session, OCC.c.status == "overdue", OCC.c.next_escalation_on <= day)


def newly_overdue(session: Session, day: date) -> Sequence[Row]:
    """(id, due) of pending work past its due date in plans in force: what turns overdue."""
    query = (
        select(OCC.c.id, OCC.c.due)
        .join(Plan, Plan.id == OCC.c.plan_id)
        .where(OCC.c.status == "pending", OCC.c.due < day, Plan.status == "approved")
        .order_by(OCC.c.id)
    )
    return session.execute(query).all()


def contacts(session: Session, agency_ids: Collection[int]) -> dict[int, Contact]:
    if not agency_ids:
        return {}
    rows = session.execute(
        select(Agency.id, Agency.name, Agency.email, Agency.head_email).where(
            Agency.id.in_(agency_ids)
        )
    )
    return {row[0]: Contact(*row) for row in rows}


def coordinators(session: Session, item_ids: Collection[int]) -> dict[int, set[int]]:
    """Item id → the agencies supporting it, named directly or as members of a named group."""
    if not item_ids:
        return {}
    direct = select(Assignment.item_id, Assignment.agency_id).where(
        Assignment.item_id.in_(item_ids),
        Assignment.role == "coordinating",
        Assignment.agency_id.is_not(None),
    )
    grouped = (
        select(Assignment.item_id, agency_group_member.c.agency_id)
        .join(agency_group_member, agency_group_member.c.group_id == Assignment.group_id)
        .where(Assignment.item_id.in_(item_ids), Assignment.role == "coordinating")
    )
    found: dict[int, set[int]] = {}
    for item_id, agency_id in [*session.execute(direct), *session.execute(grouped)]:
        found.setdefault(item_id, set()).add(agency_id)
    return found


def plan_monitors(session: Session, plan_ids: Collection[int]) -> dict[int, tuple[int | None, str]]:
    """Plan id → (its monitoring agency id or None, its scope key)."""
    if not plan_ids:
        return {}
    rows = session.execute(
        select(Plan.id, Plan.monitoring_agency_id, Plan.scope_key).where(Plan.id.in_(plan_ids))
    )
    return {plan_id: (agency_id, scope) for plan_id, agency_id, scope in rows}


def support_slots(
    session: Session,
    keys: Collection[tuple[int, str, date]],
    *,
    since: date,
    until: date,
    today: date,
) -> dict[tuple[int, str, date], Slot]:
    """(item, kind, period start) → the deadline as the calendar feeds group it across its
    lead agencies, so an email's .ics part carries the feed's UID and SEQUENCE."""
    if not keys:
        return {}
    wanted = set(keys)
    items = {key[0] for key in wanted}
    found = slots(session, since=since, until=until, today=today, item_ids=items)
    return {
        (s.item_id, s.kind, s.period_start): s
        for s in found
        if (s.item_id, s.kind, s.period_start) in wanted
    }
