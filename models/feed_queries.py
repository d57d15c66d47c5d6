"""The reads a calendar feed needs: an agency's own deadlines, the items it supports, and
deadlines grouped per (item, period) for plan and monitoring feeds. Every query is bounded
by a date (the feed's window) and served by the occurrence indexes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, and_, case, func, or_, select
from sqlalchemy.orm import Session

from models.agency import Agency, AgencyGroup, agency_group_member
from models.occurrence import OPEN_STATUSES, Occurrence
from models.plan import Assignment, Plan, PlanItem

OCC = Occurrence.__table__


@dataclass(frozen=True)
class ItemDetails:
    """What a feed says about an item, whoever's deadline it is."""

    item_id: int
    plan_id: int
    seq: str
    content: str
    timeframe: str
    plan_number: str | None
    plan_title: str
    plan_end: date | None
    leads: tuple[str, ...]
    coordinating: tuple[str, ...]


@dataclass(frozen=True)
class Slot:
    """The deadlines of one item and period across its lead agencies, counted by state."""

    item_id: int
    kind: str
    period_start: date
    first_id: int
    due: date
    total: int
    done: int
    cancelled: int
    late: int  # open and past due
    past: int  # past due, whatever their state
    sequence: int
    modified: datetime


def item_details(session: Session, item_ids: Collection[int]) -> dict[int, ItemDetails]:
    if not item_ids:
        return {}
    items = session.execute(  # columns, not entities: thousands of items at a time
        select(
            PlanItem.id,
            PlanItem.plan_id,
            PlanItem.seq,
            PlanItem.content,
            PlanItem.timeframe_text,
            Plan.number,
            Plan.title,
            Plan.period_end,
        )
        .join(Plan, Plan.id == PlanItem.plan_id)
        .where(PlanItem.id.in_(item_ids))
    ).all()
    names: dict[tuple[int, str], list[str]] = {}
    rows = session.execute(
        select(
            Assignment.item_id,
            Assignment.role,
            Agency.name,
            AgencyGroup.name,
            Assignment.name_as_written,
        )
        .outerjoin(Agency, Agency.id == Assignment.agency_id)
        .outerjoin(AgencyGroup, AgencyGroup.id == Assignment.group_id)
        .where(Assignment.item_id.in_(item_ids))
        .order_by(Assignment.item_id, Assignment.role, Assignment.position)
    )
    for item_id, role, agency, group, written in rows:
        names.setdefault((item_id, role), []).append(agency or group or written)
    return {
        row.id: ItemDetails(
            *row,
            tuple(names.get((row.id, "lead"), ())),
            tuple(names.get((row.id, "coordinating"), ())),
        )
        for row in items
    }


def lead_occurrences(session: Session, agency_id: int, since: date) -> Sequence[Row]:
    """The agency's own deadlines from `since` on, cancelled ones included (a feed must say
    STATUS:CANCELLED for a client to drop the event)."""
    return session.execute(
        select(
            OCC.c.id,
            OCC.c.item_id,
            OCC.c.kind,
            OCC.c.due,
            OCC.c.status,
            OCC.c.sequence,
            OCC.c.updated_at,
        ).where(OCC.c.agency_id == agency_id, OCC.c.due >= since)
    ).all()


def supported_items(session: Session, agency_id: int) -> list[int]:
    """Items the agency coordinates, named directly or through a group it belongs to, in
    plans that are in force."""
    groups = select(agency_group_member.c.group_id).where(
        agency_group_member.c.agency_id == agency_id
    )
    query = (
        select(Assignment.item_id)
        .join(PlanItem, PlanItem.id == Assignment.item_id)
        .join(Plan, Plan.id == PlanItem.plan_id)
        .where(
            Assignment.role == "coordinating",
            Plan.status == "approved",
            or_(Assignment.agency_id == agency_id, Assignment.group_id.in_(groups)),
        )
        .distinct()
    )
    return list(session.scalars(query))


def supporting_agency_ids(session: Session) -> set[int]:
    """Agencies that coordinate an item of a plan in force, named directly or through a
    group: they owe no deadline of their own but have a feed of the work they support."""
    coordinating = (
        select(Assignment.agency_id, Assignment.group_id)
        .join(PlanItem, PlanItem.id == Assignment.item_id)
        .join(Plan, Plan.id == PlanItem.plan_id)
        .where(Assignment.role == "coordinating", Plan.status == "approved")
        .subquery()
    )
    direct = select(coordinating.c.agency_id).where(coordinating.c.agency_id.is_not(None))
    members = select(agency_group_member.c.agency_id).where(
        agency_group_member.c.group_id.in_(select(coordinating.c.group_id))
    )
    return set(session.scalars(direct.union(members)))


def slots(
    session: Session,
    *,
    since: date,
    today: date,
    item_ids: Collection[int] | None = None,
    plan_ids: Collection[int] | None = None,
    until: date | None = None,
) -> list[Slot]:
    """Deadlines grouped per (item, kind, period) for the given items or plans."""
    late = and_(OCC.c.status.in_(OPEN_STATUSES), OCC.c.due < today)
    query = select(
        OCC.c.item_id,
        OCC.c.kind,
        OCC.c.period_start,
        func.min(OCC.c.id),
        func.min(OCC.c.due),
        func.count(),
        func.sum(case((OCC.c.status.in_(("done", "done_late")), 1), else_=0)),
        func.sum(case((OCC.c.status == "cancelled", 1), else_=0)),
        func.sum(case((late, 1), else_=0)),
        func.sum(case((OCC.c.due < today, 1), else_=0)),
        func.sum(OCC.c.sequence),
        func.max(OCC.c.updated_at),
    ).where(OCC.c.due >= since)
    if until is not None:
        query = query.where(OCC.c.due <= until)
    if item_ids is not None:
        query = query.where(OCC.c.item_id.in_(item_ids))
    if plan_ids is not None:
        query = query.where(OCC.c.plan_id.in_(plan_ids))
    query = query.group_by(OCC.c.item_id, OCC.c.kind, OCC.c.period_start)
    return [Slot(*row) for row in session.execute(query)]


def late_agencies(
    session: Session, item_ids: Collection[int], since: date, today: date
) -> dict[tuple[int, str, date], list[str]]:
    """(item, kind, period) -> names of the agencies whose work there is past due."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(OCC.c.item_id, OCC.c.kind, OCC.c.period_start, Agency.name)
        .join(Agency, Agency.id == OCC.c.agency_id)
        .where(
            OCC.c.item_id.in_(item_ids),
            OCC.c.status.in_(OPEN_STATUSES),
            OCC.c.due >= since,
            OCC.c.due < today,
        )
        .order_by(Agency.name)
    )
    found: dict[tuple[int, str, date], list[str]] = {}
    for item_id, kind, start, name in rows:
        found.setdefault((item_id, kind, start), []).append(name)
    return found


def monitored_plans(session: Session, agency_id: int) -> list[int]:
    """Plans in force that the agency monitors (theo dõi, đôn đốc)."""
    query = select(Plan.id).where(Plan.monitoring_agency_id == agency_id, Plan.status == "approved")
    return list(session.scalars(query))
